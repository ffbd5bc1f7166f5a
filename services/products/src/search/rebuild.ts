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
 * Rebuilds every search document from the source tables, in product-id order and one transaction
 * per batch (each batch one set-based statement), drops documents of products that are gone and
 * makes the spelling lexicon match the visible documents. Safe while the service runs: the
 * consumers' version guards keep whichever of a batch and a concurrent event is newer.
 */
export async function rebuildSearchProjection(
  database: Database,
  options: RebuildOptions = {},
): Promise<{ documents: number }> {
  const batchSize = Math.max(1, Math.min(options.batchSize ?? refreshChunk, 10_000));
  let after = "00000000-0000-0000-0000-000000000000";
  let documents = 0;
  for (;;) {
    const ids = rowsOf<{ id: string }>(
      await database.db.execute(sql`
        select id from products.products where id > ${after}::uuid order by id limit ${batchSize}`),
    ).map((row) => row.id);
    const last = ids[ids.length - 1];
    if (!last) break;
    await database.transaction((tx) => refreshDocuments(tx, ids, { lexicon: false }));
    documents += ids.length;
    after = last;
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
