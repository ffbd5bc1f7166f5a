import { type Executor, type Placeholders, prepared, uuidArray } from "@mercato/platform";
import { and, eq, sql } from "drizzle-orm";
import { validate as isUuid } from "uuid";
import { assets, references, referrers } from "./schema.js";

// Every order and every product edit runs these two (built once per process, ADR 0037).
const seeReferrer = prepared(
  "media.see_referrer",
  (db, p: Placeholders<{ referrer: string; version: number }>) =>
    db
      .insert(referrers)
      .values({ referrer: p.referrer, version: p.version })
      .onConflictDoUpdate({
        target: referrers.referrer,
        set: { version: sql`excluded.version` },
        setWhere: sql`${referrers.version} < excluded.version`,
      })
      .returning(),
);
const dropOthers = prepared(
  "media.drop_other_references",
  (db, p: Placeholders<{ referrer: string; keep: string }>) =>
    db
      .delete(references)
      .where(
        and(eq(references.referrer, p.referrer), sql`NOT (${references.mediaId} = any(${p.keep}::uuid[]))`),
      )
      .returning(),
);

/** What shows media: products, storefronts, profiles (which change) and orders (which keep theirs). */
export class References {
  /**
   * Makes `referrer` show exactly `mediaIds` as of `version` (an older version than the one seen
   * changes nothing). Media it stops showing and nothing else shows start their grace period;
   * media it starts showing stop theirs. Returns false for a stale event.
   */
  async replace(
    tx: Executor,
    referrer: string,
    version: number,
    mediaIds: readonly string[],
  ): Promise<boolean> {
    const [seen] = await seeReferrer.run(tx, { referrer, version });
    if (!seen) return false;
    const ids = [...new Set(mediaIds.filter((id) => isUuid(id)))];
    const removed = await dropOthers.run(tx, { referrer, keep: uuidArray(ids) });
    if (ids.length > 0) {
      await tx
        .insert(references)
        .values(ids.map((mediaId) => ({ mediaId, referrer })))
        .onConflictDoNothing();
      await tx
        .update(assets)
        .set({ unreferencedSince: null })
        .where(
          sql`${assets.id} = any(${uuidArray(ids)}::uuid[]) AND ${assets.unreferencedSince} IS NOT NULL`,
        );
    }
    const dropped = removed.map((row) => row.mediaId);
    if (dropped.length > 0) await this.startGrace(tx, dropped);
    return true;
  }

  /** Who shows `mediaId`, at most `limit` of them. */
  async of(executor: Executor, mediaId: string, limit = 20): Promise<string[]> {
    const rows = await executor
      .select({ referrer: references.referrer })
      .from(references)
      .where(eq(references.mediaId, mediaId))
      .limit(limit);
    return rows.map((row) => row.referrer);
  }

  /** Starts the grace period of those of `mediaIds` nothing shows. */
  async startGrace(tx: Executor, mediaIds: readonly string[]): Promise<void> {
    await tx.execute(sql`
      UPDATE ${assets} SET unreferenced_since = now()
      WHERE id = any(${uuidArray(mediaIds)}::uuid[]) AND unreferenced_since IS NULL
        AND files_deleted_at IS NULL AND status IN ('ready', 'deleted')
        AND NOT EXISTS (SELECT 1 FROM ${references} r WHERE r.media_id = ${assets}.id)`);
  }
}
