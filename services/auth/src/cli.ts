import { mkdir } from "node:fs/promises";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import {
  createLogger,
  MemoryEventBus,
  MemoryKeyValue,
  NatsEventBus,
  openPostgres,
  PgliteHost,
  RedisKeyValue,
  runMain,
  startService,
} from "@mercato/platform";
import { authService, authServiceParts } from "./service.js";

const usage = `usage: npm run admin:create -- --email <address>   (password from ADMIN_PASSWORD or stdin)

Creates an admin account in the auth service's database: the one named by DATABASE_URL
(with NATS_URL and REDIS_URL) or, without it, the embedded one under DATA_DIR (default ./data;
stop \`npm start\` first: PGlite allows one process at a time).`;

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8").trim();
}

// Admins are never created through the public API: only here or from ADMIN_EMAIL at start.
runMain(async () => {
  const { values, positionals } = parseArgs({
    options: { email: { type: "string" } },
    allowPositionals: true,
  });
  if (positionals[0] !== "create-admin" || !values.email) throw new Error(usage);
  const password = process.env.ADMIN_PASSWORD ?? (process.stdin.isTTY ? "" : await readStdin());
  if (!password) throw new Error("give the password in ADMIN_PASSWORD or on stdin");
  const logger = () => createLogger({ service: "auth", level: "warn" });
  const databaseUrl = process.env.DATABASE_URL;
  const dataDir = resolve(process.env.DATA_DIR ?? "./data", "pglite");
  if (!databaseUrl) await mkdir(dataDir, { recursive: true });
  const pglite = databaseUrl ? undefined : await PgliteHost.open({ dataDir, postgis: false });
  const bus = process.env.NATS_URL
    ? await NatsEventBus.connect({ url: process.env.NATS_URL, name: "auth-cli" })
    : new MemoryEventBus();
  const kv = process.env.REDIS_URL
    ? new RedisKeyValue({ url: process.env.REDIS_URL, keyPrefix: "mercato:auth:" })
    : new MemoryKeyValue();
  // The service itself runs (on a free port, housekeeping included) so that migrations, the
  // UserRegistered event and its relay behave exactly as in a request.
  const service = await startService(
    authService,
    {
      database: (schema) =>
        pglite ? pglite.forService(schema) : openPostgres({ url: databaseUrl ?? "", schema }),
      bus,
      kv,
      logger,
      env: { ...process.env, ADMIN_EMAIL: undefined, ADMIN_PASSWORD: undefined },
    },
    { port: 0 },
  );
  try {
    const { identity } = authServiceParts(service.runtime);
    const admin = await identity.ensureAdmin(values.email, password);
    process.stdout.write(
      admin.created
        ? `admin ${values.email} created (id ${admin.id})\n`
        : `${values.email} already has an account (id ${admin.id}); nothing changed\n`,
    );
  } finally {
    // Give the relay a moment to hand UserRegistered to the bus before stopping.
    await new Promise((r) => setTimeout(r, 500));
    await service.stop();
    await bus.close();
    await kv.close();
    await pglite?.close();
  }
});
