import { afterCommit, type Database, type Logger, type ObjectStore } from "@mercato/platform";
import { and, eq, lt, sql } from "drizzle-orm";
import { type MediaLibrary, removeFiles } from "./library.workflow.js";
import type { Assets } from "./store/assets.store.js";
import type { References } from "./store/references.store.js";
import { assets as assetsTable } from "./store/schema.js";

export interface CollectorDeps {
  database: Database;
  assets: Assets;
  references: References;
  store: ObjectStore;
  library: MediaLibrary;
  logger: Logger;
  /** How long media nothing shows is kept, and how long after its URL expired an upload may still be completed. */
  graceMs: number;
}

/** Media handled per pass, so one pass stays short. */
const batch = 100;

/** A media processing this long without news has lost its job (a restart): it is queued again. */
const stuckAfterMs = 15 * 60_000;

/**
 * Deletes from storage what nothing needs any more (ADR 0040): media no product, storefront,
 * profile or order has shown for the grace period, and uploads never completed; queues again
 * media whose processing job was lost.
 */
export class Collector {
  constructor(private readonly deps: CollectorDeps) {}

  async run(): Promise<{ collected: number; abandoned: number; requeued: number }> {
    const { assets, library } = this.deps;
    let collected = 0;
    for (const row of await assets.unreferenced(this.deps.graceMs, batch))
      if (await this.collect(row.id)) collected++;
    const abandoned = await assets.abandoned(this.deps.graceMs, batch);
    for (const row of abandoned) await library.fail(row.id, "the upload was never completed");
    const stuck = await this.deps.database.db
      .select({ id: assetsTable.id })
      .from(assetsTable)
      .where(
        and(
          eq(assetsTable.status, "processing"),
          lt(assetsTable.updatedAt, sql`now() - make_interval(secs => ${stuckAfterMs / 1000})`),
        ),
      )
      .limit(batch);
    for (const row of stuck) await library.enqueue(row.id);
    return { collected, abandoned: abandoned.length, requeued: stuck.length };
  }

  /** Deletes one unreferenced media's files (and the media, when it was still ready). */
  private async collect(mediaId: string): Promise<boolean> {
    const { database, assets, references, store, library, logger, graceMs } = this.deps;
    return database.transaction(async (tx) => {
      const row = await assets.lock(tx, mediaId);
      if (
        !row?.unreferencedSince ||
        row.filesDeletedAt ||
        row.unreferencedSince.getTime() > Date.now() - graceMs ||
        (await references.of(tx, mediaId, 1)).length > 0
      )
        return false;
      const released = await assets.releaseObjects(tx, mediaId);
      await assets.update(tx, mediaId, { status: "deleted", filesDeletedAt: new Date() });
      if (row.status === "ready") await library.publish(tx, row, "deleted");
      afterCommit(tx, () => {
        void removeFiles(store, row, released).catch((error: unknown) =>
          logger.warn({ mediaId, error: String(error) }, "files of a collected media not removed"),
        );
      });
      return true;
    });
  }
}
