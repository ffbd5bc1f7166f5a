import {
  createGateway,
  gatewayConfigSchema,
  productsGatewayModule,
  sellersGatewayModule,
} from "@mercato/gateway";
import { seedMarketplace } from "@mercato/host/seed";
import {
  createLogger,
  MemoryEventBus,
  MemoryKeyValue,
  migrateService,
  openPostgres,
  parseConfig,
  rowsOf,
  type ServiceDefinition,
  startService,
} from "@mercato/platform";
import { productsService } from "@mercato/products";
import { sellersService } from "@mercato/sellers";
import { sql } from "drizzle-orm";
import pg from "pg";

/** What the search target prints as one JSON line on stdout once it serves. */
export interface SearchTargetInfo {
  /** `http://host:port` of the products service; empty for the `gateway` role. */
  productsUrl: string;
  sellersUrl: string;
  /** `http://host:port` of the gateway; empty for the `services` role. */
  gatewayUrl: string;
  /** Visible products in the search projection. */
  documents: number;
  /** Seconds spent seeding at this start (0 when the catalog was there already). */
  seededS: number;
  pid: number;
}

/**
 * The process the search benchmark loads, on real PostgreSQL (BENCH_DATABASE_URL's server,
 * databases `mercato_bench_sellers` and `mercato_bench_products`, seeded with BENCH_PRODUCTS
 * products when they hold fewer). Roles: `services` runs sellers and products, `gateway` the
 * gateway in front of TARGET_SELLERS_URL / TARGET_PRODUCTS_URL, as in distributed mode.
 */
type Role = "services" | "gateway";
const role = (process.argv[2] ?? "services") as Role;
if (!["services", "gateway"].includes(role)) throw new Error(`unknown search target role ${role}`);
const silent = (service: string) => createLogger({ service, level: "silent" });
const stops: (() => Promise<void>)[] = [];

const info: SearchTargetInfo = {
  productsUrl: process.env.TARGET_PRODUCTS_URL ?? "",
  sellersUrl: process.env.TARGET_SELLERS_URL ?? "",
  gatewayUrl: "",
  documents: 0,
  seededS: 0,
  pid: process.pid,
};

/** The URL of database `name` on the server of `base`, created when missing. */
async function benchDatabase(base: string, name: string): Promise<string> {
  const client = new pg.Client({ connectionString: base });
  await client.connect();
  try {
    const found = await client.query("select 1 from pg_database where datname = $1", [name]);
    if (found.rowCount === 0) await client.query(`create database "${name}"`);
  } finally {
    await client.end();
  }
  const url = new URL(base);
  url.pathname = `/${name}`;
  return url.toString();
}

if (role === "services") {
  const base = process.env.BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
  const products = Number(process.env.BENCH_PRODUCTS ?? 100_000);
  const pool = Number(process.env.BENCH_DB_POOL ?? 20);
  const databases = {
    sellers: openPostgres({
      url: await benchDatabase(base, "mercato_bench_sellers"),
      schema: "sellers",
      maxConnections: 4,
    }),
    products: openPostgres({
      url: await benchDatabase(base, "mercato_bench_products"),
      schema: "products",
      maxConnections: pool,
    }),
  };
  await migrateService(sellersService, databases.sellers);
  await migrateService(productsService, databases.products);
  const count = async () =>
    Number(
      rowsOf<{ n: string }>(
        await databases.products.db.execute(sql`select count(*) as n from products.products`),
      )[0]?.n ?? 0,
    );
  if ((await count()) < products) {
    const started = performance.now();
    await seedMarketplace(databases, { products });
    await databases.products.db.execute(sql`analyze`);
    info.seededS = Math.round((performance.now() - started) / 100) / 10;
  }
  info.documents = await count();
  const bus = new MemoryEventBus();
  const kv = new MemoryKeyValue();
  const definitions: ServiceDefinition<never>[] = [sellersService, productsService];
  for (const definition of definitions) {
    const running = await startService(
      definition,
      {
        database: (schema) => databases[schema as "sellers" | "products"],
        bus,
        kv,
        logger: silent,
        env: { NODE_ENV: "production" },
      },
      { host: "127.0.0.1", port: 0 },
    );
    stops.unshift(() => running.stop());
    if (definition.name === "sellers") info.sellersUrl = running.url;
    else info.productsUrl = running.url;
  }
  // Each service closes its database handle when it stops.
  stops.push(async () => {
    await bus.close();
    await kv.close();
  });
} else {
  if (!info.productsUrl || !info.sellersUrl)
    throw new Error("the gateway role needs TARGET_PRODUCTS_URL and TARGET_SELLERS_URL");
  const config = parseConfig(gatewayConfigSchema, {
    NODE_ENV: "production",
    LOG_LEVEL: "silent",
    RATE_LIMIT_MAX: "100000000",
    HOST: "127.0.0.1",
    GATEWAY_PORT: "0",
  });
  const gateway = await createGateway({
    config,
    services: [
      { name: "sellers", url: info.sellersUrl },
      { name: "products", url: info.productsUrl },
    ],
    modules: [sellersGatewayModule(), productsGatewayModule()],
    logger: silent("gateway"),
  });
  info.gatewayUrl = await gateway.app.listen({ host: "127.0.0.1", port: 0 });
  stops.unshift(() => gateway.app.close());
}

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  for (const step of stops) await step();
  process.exit(0);
};
process.once("SIGTERM", () => void stop());
process.once("SIGINT", () => void stop());
process.stdout.write(`${JSON.stringify(info)}\n`);
