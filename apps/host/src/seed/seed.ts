import { type Database, rowsOf } from "@mercato/platform";
import { rebuildSearchProjection, type SeedProduct, seedCatalog } from "@mercato/products";
import { seedStorefronts } from "@mercato/sellers";
import { sql } from "drizzle-orm";
import type { Logger } from "pino";
import { type DemoSize, demoMarketplace } from "./demo-data.js";

/** The databases the seed writes: each service's own, never one through the other. */
export interface SeedTargets {
  sellers: Database;
  products: Database;
}

/** What a seed wrote. */
export interface SeedResult {
  storefronts: number;
  products: number;
  searchDocuments: number;
  tookMs: number;
}

/** Products handed to the catalog seed per call; bounds memory for big catalogs. */
const productBatch = 2_000;

/**
 * Writes a demo marketplace into the sellers' and products' tables (no events: nothing else
 * needs to hear about demo data) and rebuilds the search projection from them. Deterministic ids
 * make it idempotent: rows already there are kept.
 */
export async function seedMarketplace(
  targets: SeedTargets,
  size: DemoSize,
  logger?: Logger,
): Promise<SeedResult> {
  const started = performance.now();
  const demo = demoMarketplace(size);
  const storefronts = await seedStorefronts(targets.sellers, demo.storefronts);
  await seedCatalog(targets.products, {
    storefronts: demo.projections,
    categories: demo.categories,
    products: [],
  });
  let products = 0;
  let batch: SeedProduct[] = [];
  const flush = async () => {
    products += (await seedCatalog(targets.products, { storefronts: [], categories: [], products: batch }))
      .products;
    batch = [];
    logger?.debug({ products }, "seeding products");
  };
  for (const product of demo.products()) {
    batch.push(product);
    if (batch.length === productBatch) await flush();
  }
  if (batch.length > 0) await flush();
  const { documents } = await rebuildSearchProjection(targets.products);
  return {
    storefronts,
    products,
    searchDocuments: documents,
    tookMs: Math.round(performance.now() - started),
  };
}

/** True when neither storefronts nor products exist yet: a first start. */
export async function marketplaceIsEmpty(targets: SeedTargets): Promise<boolean> {
  const [stores] = rowsOf<{ found: boolean }>(
    await targets.sellers.db.execute(sql`select exists (select 1 from sellers.storefronts) as found`),
  );
  const [items] = rowsOf<{ found: boolean }>(
    await targets.products.db.execute(sql`select exists (select 1 from products.products) as found`),
  );
  return !stores?.found && !items?.found;
}
