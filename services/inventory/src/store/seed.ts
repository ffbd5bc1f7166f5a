import { type Database, inChunks } from "@mercato/platform";
import { v7 as uuidv7 } from "uuid";
import { catalogVariants, movements, stockLevels, storefrontOwners } from "./schema.js";

/** Stock of one demo variant, with what inventory must know of whose it is. */
export interface SeedStock {
  variantId: string;
  productId: string;
  storefrontId: string;
  /** Account id of the storefront's owner. */
  ownerId: string;
  /** Units on hand. */
  onHand: number;
}

/** Actor of the seed's ledger entries. */
export const seedActor = "seed";

/**
 * Writes demo stock straight into inventory's tables: the catalog projection (variant → product →
 * storefront → owner, version 1), a stock level per variant (version 1) and one replenishment in
 * the ledger for it, so the ledger sums to the stock. Rows already there are kept, so running it
 * twice changes nothing. It publishes no events: the products seed writes the search projection's
 * copy of the same figures. Returns how many stock levels it wrote.
 */
export async function seedStock(database: Database, rows: readonly SeedStock[]): Promise<number> {
  let written = 0;
  for (const chunk of inChunks(rows, 1000)) {
    const owners = new Map(chunk.map((r) => [r.storefrontId, r.ownerId]));
    await database.transaction(async (tx) => {
      await tx
        .insert(storefrontOwners)
        .values([...owners].map(([storefrontId, ownerId]) => ({ storefrontId, ownerId, version: 1 })))
        .onConflictDoNothing();
      await tx
        .insert(catalogVariants)
        .values(
          chunk.map((r) => ({
            variantId: r.variantId,
            productId: r.productId,
            storefrontId: r.storefrontId,
            productVersion: 1,
          })),
        )
        .onConflictDoNothing();
      const levels = await tx
        .insert(stockLevels)
        .values(
          chunk.map((r) => ({
            variantId: r.variantId,
            productId: r.productId,
            onHand: r.onHand,
            version: 1,
          })),
        )
        .onConflictDoNothing()
        .returning({ variantId: stockLevels.variantId });
      const fresh = new Set(levels.map((level) => level.variantId));
      const stocked = chunk.filter((r) => fresh.has(r.variantId) && r.onHand > 0);
      if (stocked.length > 0)
        await tx.insert(movements).values(
          stocked.map((r) => ({
            id: uuidv7(),
            variantId: r.variantId,
            quantity: r.onHand,
            reason: "replenishment" as const,
            note: "demo stock",
            actorId: seedActor,
            onHandAfter: r.onHand,
          })),
        );
      written += levels.length;
    });
  }
  return written;
}
