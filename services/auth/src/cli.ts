import { mkdir } from "node:fs/promises";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import {
  createLogger,
  type Database,
  eventTablesMigration,
  MemoryKeyValue,
  migrate,
  Outbox,
  openPostgres,
  PgliteHost,
  parseConfig,
  runMain,
} from "@mercato/platform";
import { authConfigSchema } from "./config.js";
import { authMigrations, buildAuthParts } from "./service.js";

const usage = `usage: npm run admin:create -- --email <address>   (password from ADMIN_PASSWORD or stdin)

Creates an admin account in the auth service's database: the one named by DATABASE_URL or,
without it, the embedded one under DATA_DIR (default ./data; stop \`npm start\` first: PGlite
allows one process at a time).`;

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8").trim();
}

// Admins are never created through the public API: only here or from ADMIN_EMAIL at start. The
// UserRegistered event is written to the auth outbox and waits there: the running service relays
// it, so the users service creates the admin's profile like any other.
runMain(async () => {
  const { values, positionals } = parseArgs({
    options: { email: { type: "string" } },
    allowPositionals: true,
  });
  if (positionals[0] !== "create-admin" || !values.email) throw new Error(usage);
  const passwordField = process.env.ADMIN_PASSWORD ? "ADMIN_PASSWORD" : "the password on stdin";
  const password = process.env.ADMIN_PASSWORD ?? (process.stdin.isTTY ? "" : await readStdin());
  if (!password) throw new Error("give the password in ADMIN_PASSWORD or on stdin");
  const config = parseConfig(authConfigSchema, {
    ...process.env,
    ADMIN_EMAIL: undefined,
    ADMIN_PASSWORD: undefined,
  });
  const databaseUrl = process.env.DATABASE_URL;
  let pglite: PgliteHost | undefined;
  let database: Database;
  if (databaseUrl) {
    database = openPostgres({ url: databaseUrl, schema: "auth", maxConnections: 2 });
  } else {
    const dataDir = resolve(config.DATA_DIR, "pglite");
    await mkdir(dataDir, { recursive: true });
    pglite = await PgliteHost.open({ dataDir, postgis: false });
    database = pglite.forService("auth");
  }
  const kv = new MemoryKeyValue();
  const parts = buildAuthParts({
    config,
    database,
    kv,
    outbox: new Outbox("auth"),
    logger: createLogger({ service: "auth", level: "warn" }),
  });
  try {
    await migrate(database, [eventTablesMigration("auth"), ...(await authMigrations())]);
    const admin = await parts.identity.ensureAdmin(values.email, password, passwordField);
    process.stdout.write(
      admin.created
        ? `admin ${values.email} created (id ${admin.id})\n`
        : `${values.email} already has an account (id ${admin.id}${admin.admin ? ", an admin" : ", not an admin"}); nothing changed\n`,
    );
  } finally {
    await parts.close();
    await kv.close();
    await database.close();
    await pglite?.close();
  }
});
