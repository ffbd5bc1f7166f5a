import { mkdir } from "node:fs/promises";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { inventoryService } from "@mercato/inventory";
import {
  createLogger,
  type Database,
  migrateService,
  openPostgres,
  PgliteHost,
  runMain,
} from "@mercato/platform";
import { productsService } from "@mercato/products";
import { sellersService } from "@mercato/sellers";
import { seedMarketplace } from "./seed/seed.js";
import { ensureDatabases, serviceDatabaseUrl } from "./services.js";

const usage = `usage: npm run seed -- --products <n> [--storefronts <n>]

Seeds a demo marketplace of <n> products (default one storefront per 25 products) into the
sellers', products' and inventory's databases (0 to 60 units of each variant) and rebuilds the
search projection. With DATABASE_URL set it writes the distributed databases (mercato_sellers,
mercato_products, mercato_inventory on that server, created and migrated when missing); without it, the embedded data under DATA_DIR (default ./data; stop
\`npm start\` first: PGlite allows one process at a time). Ids are deterministic: running it again
adds nothing, and a bigger <n> adds the missing products.`;

function count(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a whole number above 0\n\n${usage}`);
  return n;
}

runMain(async () => {
  const { values } = parseArgs({
    options: { products: { type: "string" }, storefronts: { type: "string" }, help: { type: "boolean" } },
  });
  if (values.help) {
    process.stdout.write(`${usage}\n`);
    return;
  }
  const products = count(values.products, "products");
  if (products === undefined) throw new Error(usage);
  const storefronts = count(values.storefronts, "storefronts");
  const logger = createLogger({ service: "seed", level: process.env.LOG_LEVEL ?? "info", pretty: false });

  const url = process.env.DATABASE_URL;
  let close: () => Promise<void>;
  let targets: { sellers: Database; products: Database; inventory: Database };
  if (url) {
    await ensureDatabases(url, ["sellers", "products", "inventory"]);
    targets = {
      sellers: openPostgres({ url: serviceDatabaseUrl(url, "sellers"), schema: "sellers" }),
      products: openPostgres({ url: serviceDatabaseUrl(url, "products"), schema: "products" }),
      inventory: openPostgres({ url: serviceDatabaseUrl(url, "inventory"), schema: "inventory" }),
    };
    close = async () => {
      await targets.sellers.close();
      await targets.products.close();
      await targets.inventory.close();
    };
  } else {
    const folder = resolve(process.env.DATA_DIR ?? "./data", "pglite");
    await mkdir(folder, { recursive: true });
    const pglite = await PgliteHost.open({ dataDir: folder });
    targets = {
      sellers: pglite.forService("sellers"),
      products: pglite.forService("products"),
      inventory: pglite.forService("inventory"),
    };
    close = () => pglite.close();
  }
  try {
    await migrateService(sellersService, targets.sellers);
    await migrateService(productsService, targets.products);
    await migrateService(inventoryService, targets.inventory);
    const result = await seedMarketplace(
      targets,
      { products, ...(storefronts ? { storefronts } : {}) },
      logger,
    );
    process.stdout.write(
      `seeded ${result.storefronts} new storefronts and ${result.products} new products (${result.stockLevels} variants stocked); ${result.searchDocuments} search documents; took ${(result.tookMs / 1000).toFixed(1)} s\n`,
    );
  } finally {
    await close();
  }
});
