import { seedSellerAccounts } from "@mercato/auth";
import { seedStock } from "@mercato/inventory";
import { demoImageCount, seedMediaLibrary } from "@mercato/media";
import { seedNotificationsDirectory } from "@mercato/notifications";
import { type Database, type ObjectStore, rowsOf } from "@mercato/platform";
import { rebuildSearchProjection, type SeedProduct, seedCatalog } from "@mercato/products";
import { seedStorefronts } from "@mercato/sellers";
import { seedProfiles } from "@mercato/users";
import { sql } from "drizzle-orm";
import type { Logger } from "pino";
import { type DemoSize, demoMarketplace } from "./demo-data.js";

/** The databases the seed writes: each service's own, never one through the other. */
export interface SeedTargets {
  sellers: Database;
  products: Database;
  /** With it, every demo variant gets stock (and inventory learns whose it is). */
  inventory?: Database;
  /** With it, each storefront's owner gets a verified seller account (`owner@<slug>.example`). */
  auth?: Database;
  /** With it (and auth), those owners get their profiles. */
  users?: Database;
  /** With it, the notifications service knows the owners' addresses, storefronts and products. */
  notifications?: Database;
  /** With it, each product's generated picture is written (its renditions to `store`) as a ready media of its seller. */
  media?: { database: Database; store: ObjectStore };
}

/** What a seed wrote. */
export interface SeedResult {
  storefronts: number;
  /** Owner accounts written; 0 without an auth target. */
  sellerAccounts: number;
  products: number;
  /** Variants given stock; 0 without an inventory target. */
  stockLevels: number;
  /** Product pictures written; 0 without a media target. */
  pictures: number;
  searchDocuments: number;
  tookMs: number;
}

/** Products handed to the catalog seed per call; bounds memory for big catalogs. */
const productBatch = 2_000;

/**
 * Writes a demo marketplace into the sellers', products' and (when given) inventory's, auth's and
 * users' tables, each
 * through its own service's seed and with no events (each keeps what it needs to know), and
 * rebuilds the search projection from them. Deterministic ids make it idempotent: rows already
 * there are kept.
 */
export async function seedMarketplace(
  targets: SeedTargets,
  size: DemoSize,
  logger?: Logger,
): Promise<SeedResult> {
  const started = performance.now();
  const demo = demoMarketplace(size);
  const storefronts = await seedStorefronts(targets.sellers, demo.storefronts);
  const sellerAccounts = targets.auth ? await seedSellerAccounts(targets.auth, demo.owners) : 0;
  if (targets.auth && targets.users)
    await seedProfiles(
      targets.users,
      demo.owners.map((owner) => ({ userId: owner.id, email: owner.email, createdAt: owner.createdAt })),
    );
  if (targets.notifications)
    await seedNotificationsDirectory(targets.notifications, {
      recipients: targets.auth ? demo.owners.map((owner) => ({ userId: owner.id, email: owner.email })) : [],
      storefronts: demo.projections.map((s) => ({
        id: s.id,
        ownerId: s.ownerId,
        name: s.name,
        status: s.status,
        version: s.version,
      })),
      products: [],
    });
  await seedCatalog(targets.products, {
    storefronts: demo.projections,
    categories: demo.categories,
    products: [],
  });
  let products = 0;
  let stockLevels = 0;
  let pictures = 0;
  let batch: SeedProduct[] = [];
  const owners = new Map(demo.projections.map((s) => [s.id, s.ownerId]));
  const flush = async () => {
    products += (await seedCatalog(targets.products, { storefronts: [], categories: [], products: batch }))
      .products;
    if (targets.notifications)
      await seedNotificationsDirectory(targets.notifications, {
        recipients: [],
        storefronts: [],
        products: batch.map((p) => ({ id: p.id, storefrontId: p.storefrontId, title: p.title })),
      });
    if (targets.inventory)
      stockLevels += await seedStock(
        targets.inventory,
        batch.flatMap((p) =>
          p.variants.map((v) => ({
            variantId: v.id,
            productId: p.id,
            storefrontId: p.storefrontId,
            ownerId: owners.get(p.storefrontId) ?? "",
            onHand: v.stock ?? 0,
          })),
        ),
      );
    if (targets.media)
      pictures += await seedMediaLibrary(
        targets.media.database,
        targets.media.store,
        batch.flatMap((p) =>
          p.mediaIds.map((mediaId) => ({
            mediaId,
            ownerId: owners.get(p.storefrontId) ?? "",
            purpose: "product" as const,
            referrer: `product:${p.id}`,
            // The same kind of thing looks alike: the picture follows the category.
            image: Number.parseInt(p.categoryId.slice(-4), 16) % demoImageCount,
          })),
        ),
      );
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
    sellerAccounts,
    products,
    stockLevels,
    pictures,
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
