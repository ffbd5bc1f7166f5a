import { mkdir } from "node:fs/promises";
import { resolve } from "node:path";
import { createLogger, type Database, openPostgres, PgliteHost, rowsOf, runMain } from "@mercato/platform";
import { sql } from "drizzle-orm";
import { rebuildSearchProjection } from "./rebuild.js";

const usage = `usage: node --import tsx services/products/src/search/rebuild-cli.ts [--batch-size N]

Rebuilds the products service's search projection from its catalog tables: the database named by
DATABASE_URL or, without it, the embedded one under DATA_DIR (default ./data; stop \`npm start\`
first: PGlite allows one process at a time). The service must have started once (it migrates).`;

// Rebuilding is safe while the service runs: the consumers and the rebuild keep whichever is newer.
runMain(async () => {
  const args = process.argv.slice(2);
  if (args.includes("--help") || args.includes("-h")) {
    process.stdout.write(`${usage}\n`);
    return;
  }
  const sizeAt = args.indexOf("--batch-size");
  const batchSize = sizeAt >= 0 ? Number(args[sizeAt + 1]) : 1000;
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 10_000)
    throw new Error(`--batch-size must be an integer from 1 to 10000\n\n${usage}`);

  const databaseUrl = process.env.DATABASE_URL;
  let pglite: PgliteHost | undefined;
  let database: Database;
  if (databaseUrl) {
    database = openPostgres({ url: databaseUrl, schema: "products", maxConnections: 2 });
  } else {
    const dataDir = resolve(process.env.DATA_DIR ?? "./data", "pglite");
    await mkdir(dataDir, { recursive: true });
    pglite = await PgliteHost.open({ dataDir });
    database = pglite.forService("products");
  }
  try {
    const found = rowsOf<{ table: string | null }>(
      await database.db.execute(sql`select to_regclass('products.search_documents')::text as table`),
    )[0];
    if (!found?.table)
      throw new Error("products.search_documents does not exist: start the products service once to migrate");
    const logger = createLogger({ service: "products-search-rebuild", level: "warn" });
    const started = performance.now();
    const { documents } = await rebuildSearchProjection(database, { batchSize, logger });
    const counts = rowsOf<{ visible: string | number; total: string | number; words: string | number }>(
      await database.db.execute(sql`
        select (select count(*) from products.search_documents where visible) as visible,
          (select count(*) from products.search_documents) as total,
          (select count(*) from products.search_lexicon) as words`),
    )[0];
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    process.stdout.write(
      `rebuilt ${documents} search documents in ${seconds} s (batches of ${batchSize}): ` +
        `${counts?.total ?? 0} documents, ${counts?.visible ?? 0} visible to buyers, ` +
        `${counts?.words ?? 0} words in the spelling lexicon\n`,
    );
  } finally {
    await database.close();
    await pglite?.close();
  }
});
