import { type Database, inChunks, jsonRecordset, rowsOf } from "@mercato/platform";
import { sql } from "drizzle-orm";
import { v7 as uuidv7 } from "uuid";

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
    const records = chunk.map((r) => ({
      variant_id: r.variantId,
      product_id: r.productId,
      storefront_id: r.storefrontId,
      owner_id: r.ownerId,
      on_hand: r.onHand,
      movement_id: uuidv7(),
    }));
    const columns =
      "variant_id uuid, product_id uuid, storefront_id uuid, owner_id uuid, on_hand bigint, movement_id uuid";
    await database.transaction(async (tx) => {
      await tx.execute(sql`
        insert into inventory.storefront_owners (storefront_id, owner_id, version)
        select distinct storefront_id, owner_id, 1 from ${jsonRecordset(records, columns)}
        on conflict do nothing`);
      await tx.execute(sql`
        insert into inventory.catalog_variants (variant_id, product_id, storefront_id, product_version)
        select variant_id, product_id, storefront_id, 1 from ${jsonRecordset(records, columns)}
        on conflict do nothing`);
      const levels = rowsOf<{ variant_id: string }>(
        await tx.execute(sql`
          insert into inventory.stock_levels (variant_id, product_id, on_hand, version)
          select variant_id, product_id, on_hand, 1 from ${jsonRecordset(records, columns)}
          on conflict do nothing
          returning variant_id`),
      );
      const fresh = new Set(levels.map((level) => level.variant_id));
      const movements = records.filter((r) => fresh.has(r.variant_id) && r.on_hand > 0);
      if (movements.length > 0)
        await tx.execute(sql`
          insert into inventory.movements (id, variant_id, quantity, reason, note, actor_id, on_hand_after)
          select movement_id, variant_id, on_hand, 'replenishment', 'demo stock', ${seedActor}, on_hand
          from ${jsonRecordset(movements, columns)}`);
      written += levels.length;
    });
  }
  return written;
}
