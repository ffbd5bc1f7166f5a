import { type Database, type Executor, idFromCursor, idPage, uuidArray } from "@mercato/platform";
import { and, desc, eq, inArray, isNull, lt, or, type SQL, sql } from "drizzle-orm";
import { type AssetRow, assets, objects, type StoredRendition, type StoredVideo } from "./schema.js";

/** Largest page of ListMyMedia. */
export const maxMediaPage = 100;

/** What processing found, written when a media becomes ready. */
export interface ReadyFields {
  width: number;
  height: number;
  placeholder: string;
  dominantColor: string;
  renditions: StoredRendition[];
  video?: StoredVideo;
}

/** The assets table: each media's state, and the object keys its files use. */
export class Assets {
  constructor(private readonly database: Database) {}

  async insert(tx: Executor, row: typeof assets.$inferInsert): Promise<AssetRow> {
    const [inserted] = await tx.insert(assets).values(row).returning();
    if (!inserted) throw new Error("media row not inserted");
    return inserted;
  }

  async get(id: string, executor: Executor = this.database.db): Promise<AssetRow | undefined> {
    const [row] = await executor.select().from(assets).where(eq(assets.id, id));
    return row;
  }

  /** The row, locked for the caller's transaction. */
  async lock(tx: Executor, id: string): Promise<AssetRow | undefined> {
    const [row] = await tx.select().from(assets).where(eq(assets.id, id)).for("update");
    return row;
  }

  /** One page of `ownerId`'s media (not deleted), newest first. */
  async listByOwner(
    ownerId: string,
    options: { limit: number; cursor?: string; purpose?: string },
  ): Promise<{ rows: AssetRow[]; nextCursor: string }> {
    const conditions: SQL[] = [eq(assets.ownerId, ownerId), sql`${assets.status} <> 'deleted'`];
    if (options.purpose) conditions.push(eq(assets.purpose, options.purpose));
    if (options.cursor) conditions.push(lt(assets.id, idFromCursor(options.cursor)));
    const rows = await this.database.db
      .select()
      .from(assets)
      .where(and(...conditions))
      .orderBy(desc(assets.id))
      .limit(options.limit + 1);
    return idPage(rows, options.limit);
  }

  /** Media whose files can be shown: ready, or deleted by the owner but kept for an order. */
  async servable(ids: readonly string[]): Promise<AssetRow[]> {
    if (ids.length === 0) return [];
    return this.database.db
      .select()
      .from(assets)
      .where(
        and(
          sql`${assets.id} = any(${uuidArray(ids)}::uuid[])`,
          or(eq(assets.status, "ready"), and(eq(assets.status, "deleted"), isNull(assets.filesDeletedAt))),
          sql`${assets.renditions} <> '[]'::jsonb`,
        ),
      );
  }

  async update(
    tx: Executor,
    id: string,
    fields: Partial<typeof assets.$inferInsert>,
  ): Promise<AssetRow | undefined> {
    const [row] = await tx
      .update(assets)
      .set({ ...fields, updatedAt: new Date() })
      .where(eq(assets.id, id))
      .returning();
    return row;
  }

  /** Records the processing progress (0–100) unless the media moved on. */
  async progress(id: string, percent: number): Promise<void> {
    await this.database.db
      .update(assets)
      .set({ progress: Math.max(0, Math.min(100, Math.round(percent))), updatedAt: new Date() })
      .where(and(eq(assets.id, id), eq(assets.status, "processing")));
  }

  /** Records which keys a media's files use. */
  async addObjects(tx: Executor, mediaId: string, keys: readonly string[]): Promise<void> {
    if (keys.length === 0) return;
    await tx
      .insert(objects)
      .values(keys.map((key) => ({ mediaId, key })))
      .onConflictDoNothing();
  }

  /**
   * Forgets a media's keys and returns those no other media uses, which the caller may delete
   * from storage (content-addressed keys are shared by media with the same bytes).
   */
  async releaseObjects(tx: Executor, mediaId: string): Promise<string[]> {
    const released = await tx.delete(objects).where(eq(objects.mediaId, mediaId)).returning();
    const keys = released.map((row) => row.key);
    if (keys.length === 0) return [];
    const shared = await tx
      .selectDistinct({ key: objects.key })
      .from(objects)
      .where(inArray(objects.key, keys));
    const stillUsed = new Set(shared.map((row) => row.key));
    return keys.filter((key) => !stillUsed.has(key));
  }

  /** Ready media nothing has shown for longer than `graceMs`, oldest first. */
  async unreferenced(graceMs: number, limit: number): Promise<AssetRow[]> {
    return this.database.db
      .select()
      .from(assets)
      .where(
        and(
          sql`${assets.unreferencedSince} < now() - make_interval(secs => ${graceMs / 1000})`,
          isNull(assets.filesDeletedAt),
        ),
      )
      .orderBy(assets.unreferencedSince)
      .limit(limit);
  }

  /** Uploads whose URL expired more than `graceMs` ago without being completed. */
  async abandoned(graceMs: number, limit: number): Promise<AssetRow[]> {
    return this.database.db
      .select()
      .from(assets)
      .where(
        and(
          eq(assets.status, "pending_upload"),
          sql`${assets.uploadExpiresAt} < now() - make_interval(secs => ${graceMs / 1000})`,
        ),
      )
      .orderBy(assets.uploadExpiresAt)
      .limit(limit);
  }
}
