import { mkdir } from "node:fs/promises";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { authService } from "@mercato/auth";
import { inventoryService } from "@mercato/inventory";
import { mediaService, openSeedStore } from "@mercato/media";
import { notificationsService } from "@mercato/notifications";
import {
  createLogger,
  type Database,
  logLevel,
  migrateService,
  openPostgres,
  PgliteHost,
  parseConfig,
  runMain,
  type ServiceDefinition,
} from "@mercato/platform";
import { productsService } from "@mercato/products";
import { sellersService } from "@mercato/sellers";
import { usersService } from "@mercato/users";
import { z } from "zod";
import { seedMarketplace } from "./seed/seed.js";
import { ensureDatabases, serviceDatabaseUrl } from "./services.js";

const usage = `usage: npm run seed -- --products <n> [--storefronts <n>]

Seeds a demo marketplace of <n> products (default one storefront per 25 products) into the
sellers', products' and inventory's databases (0 to 60 units of each variant), gives each
storefront a verified seller account (owner@<slug>.example, in auth's and users' databases), each
product a generated picture (media's database; renditions to S3_BUCKET or MEDIA_DIR/DATA_DIR) and
rebuilds the search projection. With DATABASE_URL set it writes the distributed databases
(mercato_sellers, mercato_products, mercato_inventory, mercato_auth, mercato_users, mercato_media on that server,
created and migrated when missing); without it, the embedded data under DATA_DIR (default ./data; stop
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
  const { LOG_LEVEL } = parseConfig(z.object({ LOG_LEVEL: logLevel }));
  const logger = createLogger({ service: "seed", level: LOG_LEVEL, pretty: false });

  const url = process.env.DATABASE_URL;
  let close: () => Promise<void>;
  const services: ServiceDefinition<never>[] = [
    sellersService,
    productsService,
    inventoryService,
    authService,
    usersService,
    notificationsService,
    mediaService,
  ];
  type Name = "sellers" | "products" | "inventory" | "auth" | "users" | "notifications" | "media";
  const names = services.map((service) => service.name as Name);
  let targets: Record<Name, Database>;
  if (url) {
    await ensureDatabases(url, names);
    targets = Object.fromEntries(
      names.map((name) => [name, openPostgres({ url: serviceDatabaseUrl(url, name), schema: name })]),
    ) as Record<Name, Database>;
    close = async () => {
      for (const name of names) await targets[name].close();
    };
  } else {
    const folder = resolve(process.env.DATA_DIR ?? "./data", "pglite");
    await mkdir(folder, { recursive: true });
    const pglite = await PgliteHost.open({ dataDir: folder });
    targets = Object.fromEntries(names.map((name) => [name, pglite.forService(name)])) as Record<
      Name,
      Database
    >;
    close = () => pglite.close();
  }
  try {
    for (const service of services) await migrateService(service, targets[service.name as Name]);
    const store = await openSeedStore(process.env);
    const result = await seedMarketplace(
      { ...targets, media: { database: targets.media, store } },
      { products, ...(storefronts ? { storefronts } : {}) },
      logger,
    ).finally(() => store.close());
    process.stdout.write(
      `seeded ${result.storefronts} new storefronts (${result.sellerAccounts} owner accounts) and ${result.products} new products (${result.stockLevels} variants stocked); ${result.searchDocuments} search documents; took ${(result.tookMs / 1000).toFixed(1)} s\n`,
    );
  } finally {
    await close();
  }
});
