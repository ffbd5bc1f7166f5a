import { type Database, rowsOf } from "@mercato/platform";
import { sql } from "drizzle-orm";
import type { Logger } from "pino";
import { refreshChunk, refreshDocuments, syncLexicon } from "./projection.js";

/** Options of rebuildSearchProjection. */
export interface RebuildOptions {
  /** Products per transaction; default 1000. */
  batchSize?: number;
  logger?: Pick<Logger, "info">;
}

/**
 * Rebuilds every search document from the source tables, in storefront-location order and one
 * transaction per batch (each batch one set-based statement), drops documents of products that are gone and
 * makes the spelling lexicon match the visible documents. Safe while the service runs: the
 * consumers' version guards keep whichever of a batch and a concurrent event is newer.
 */
export async function rebuildSearchProjection(
  database: Database,
  options: RebuildOptions = {},
): Promise<{ documents: number }> {
  const batchSize = Math.max(1, Math.min(options.batchSize ?? refreshChunk, 10_000));
  // Documents are written in the order of their storefronts' places (geohash cells), so the rows a
  // near-search reads lie in few pages instead of one page each: on a freshly rebuilt 100k
  // catalog a 25 km circle touches about a sixth of the pages it touches in product-id order.
  const ids = rowsOf<{ id: string }>(
    await database.db.execute(sql`
      select p.id from products.products p
      left join products.storefronts s on s.id = p.storefront_id
      order by ST_GeoHash(s.location::geometry, 8) nulls last, p.storefront_id, p.id`),
  ).map((row) => row.id);
  let documents = 0;
  for (let start = 0; start < ids.length; start += batchSize) {
    const batch = ids.slice(start, start + batchSize);
    await database.transaction((tx) => refreshDocuments(tx, batch, { lexicon: false }));
    documents += batch.length;
    options.logger?.info({ documents }, "search documents rebuilt so far");
  }
  await database.transaction(async (tx) => {
    await tx.execute(sql`
      delete from products.search_documents d
      where not exists (select 1 from products.products p where p.id = d.product_id)`);
    await syncLexicon(tx);
  });
  // Fresh statistics let the planner pick the partial indexes right after a bulk load.
  await database.db.execute(sql`analyze products.search_documents`);
  return { documents };
}
