import {
  type Caller,
  Conflict,
  type Database,
  type Executor,
  isUniqueViolation,
  type MediaReferences,
  NotFound,
  type Outbox,
  type Placeholders,
  prepared,
  uuidsAmong,
} from "@mercato/platform";
import { and, asc, desc, eq, inArray, type SQL, sql } from "drizzle-orm";
import { validate as isUuid, v7 as uuidv7 } from "uuid";
import { type StorefrontFields, storefrontMediaReferences } from "../domain/storefront-fields.js";
import {
  assertFollowable,
  assertMayManage,
  maySee,
  type StorefrontStatusName,
} from "../domain/storefront-rules.js";
import {
  recordStorefrontChanged,
  recordStorefrontFollowed,
  recordStorefrontUnfollowed,
} from "../events/storefront-events.js";
import { decodeCursor, encodeCursor } from "./cursor.js";
import { pointToEwkt } from "./geo.js";
import { storefrontToProto } from "./mappers.js";
import { follows, type StorefrontRow, storefronts } from "./schema.js";

// What every checkout and storefront card asks (built once per process, ADR 0037); ids as one uuid[].
const storefrontsByIds = prepared("sellers.storefronts_by_ids", (db, p: Placeholders<{ ids: string }>) =>
  db.select().from(storefronts).where(sql`${storefronts.id} = any(${p.ids}::uuid[])`),
);
const followedOf = prepared(
  "sellers.followed_among",
  (db, p: Placeholders<{ userId: string; ids: string }>) =>
    db
      .select({ id: follows.storefrontId })
      .from(follows)
      .where(and(eq(follows.userId, p.userId), sql`${follows.storefrontId} = any(${p.ids}::uuid[])`)),
);

/** What a list of storefronts is narrowed to; `statuses` undefined means any status. */
export interface StorefrontFilter {
  near?: { latitude: number; longitude: number; radiusMeters: number } | undefined;
  /** Text the name or description contains, case-insensitive. */
  query?: string | undefined;
  countryCode?: string | undefined;
  statuses?: readonly StorefrontStatusName[] | undefined;
}

/** A storefront of a list, with its distance in metres when the list was near a point. */
export interface StorefrontHitRow {
  row: StorefrontRow;
  distanceMeters: number | undefined;
}

/** One page of a list. */
export interface Page<T> {
  items: T[];
  /** Cursor of the next page; undefined on the last one. */
  nextCursor: string | undefined;
}

/** The NotFound of every storefront the caller may not see, exactly like an unknown one. */
export function storefrontNotFound(): NotFound {
  return new NotFound("storefront not found");
}

const slugTaken = () => new Conflict("slug: another storefront already uses this slug");
const alreadyOpen = () =>
  new Conflict("this account already has a storefront; an account opens one storefront");

// The UTC text of a timestamp with all six fractional digits, for exact keyset cursors.
const utcText = (column: SQL | typeof storefronts.createdAt | typeof follows.createdAt) =>
  sql<string>`to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/**
 * Storefronts and their followers. Every change that publishes StorefrontChanged bumps `version`
 * and writes the event in its transaction; follows keep `follower_count` in theirs.
 */
export class Storefronts {
  constructor(
    private readonly database: Database,
    private readonly outbox: Outbox,
    private readonly media: MediaReferences,
  ) {}

  /** Opens a storefront for `ownerId`; Conflict when the account has one or the slug is taken. */
  async create(
    caller: Caller,
    fields: StorefrontFields,
    status: StorefrontStatusName,
  ): Promise<StorefrontRow> {
    const ownerId = caller.id;
    try {
      return await this.database.transaction(async (tx) => {
        const [owned] = await tx
          .select({ id: storefronts.id })
          .from(storefronts)
          .where(eq(storefronts.ownerId, ownerId))
          .limit(1);
        if (owned) throw alreadyOpen();
        if (await this.slugInUse(tx, fields.slug)) throw slugTaken();
        await this.media.check(tx, caller, storefrontMediaReferences(fields));
        const [row] = await tx
          .insert(storefronts)
          .values({ id: uuidv7(), ownerId, ...fields, status, version: 1 })
          .returning();
        if (!row) throw new Error("insert returned no row");
        await recordStorefrontChanged(this.outbox, tx, "created", storefrontToProto(row));
        return row;
      });
    } catch (error) {
      throw uniqueViolationAsConflict(error);
    }
  }

  /** The storefront with this id, slug or owner, whatever its status; undefined when there is none. */
  async find(
    key: { id: string } | { slug: string } | { ownerId: string },
  ): Promise<StorefrontRow | undefined> {
    const condition =
      "id" in key
        ? eq(storefronts.id, key.id)
        : "slug" in key
          ? eq(storefronts.slug, key.slug)
          : eq(storefronts.ownerId, key.ownerId);
    const [row] = await this.database.db.select().from(storefronts).where(condition).limit(1);
    return row;
  }

  /** The storefronts among `ids`, whatever their status, in no particular order. */
  async byIds(ids: readonly string[]): Promise<StorefrontRow[]> {
    const wanted = uuidsAmong(ids);
    if (!wanted) return [];
    return storefrontsByIds.run(this.database.db, { ids: wanted });
  }

  /**
   * Applies `changes` for `caller` (the owner or an admin; anyone else PermissionDenied, or NotFound
   * when the storefront is not active) and
   * publishes StorefrontChanged with the next version; changing nothing writes and publishes nothing.
   */
  async update(caller: Caller, id: string, changes: Partial<StorefrontFields>): Promise<StorefrontRow> {
    try {
      return await this.database.transaction(async (tx) => {
        const current = await this.lockedById(tx, id);
        // A pending or suspended storefront of someone else is NotFound, as it is to read.
        if (!current || !maySee(caller, current)) throw storefrontNotFound();
        assertMayManage(caller, current.ownerId);
        const changed = changedFields(current, changes);
        if (Object.keys(changed).length === 0) return current;
        if (changed.slug !== undefined && (await this.slugInUse(tx, changed.slug))) throw slugTaken();
        // Only a logo or banner the change sets is checked: one deleted since it was set stays (ADR 0041).
        await this.media.check(tx, caller, storefrontMediaReferences(changed));
        return this.applyChange(tx, id, changed);
      });
    } catch (error) {
      throw uniqueViolationAsConflict(error);
    }
  }

  /** Sets the status (and its reason) and publishes StorefrontChanged; the same status and reason change nothing. */
  async setStatus(
    id: string,
    change: { status: StorefrontStatusName; statusReason: string },
  ): Promise<StorefrontRow> {
    return this.database.transaction(async (tx) => {
      const current = await this.lockedById(tx, id);
      if (!current) throw storefrontNotFound();
      if (current.status === change.status && current.statusReason === change.statusReason) return current;
      return this.applyChange(tx, id, change);
    });
  }

  /**
   * Makes `userId` follow an active storefront; a second follow changes nothing. The follower
   * count grows in the same transaction, under the storefront's row lock; StorefrontFollowed is
   * published for a new follow only.
   */
  async follow(caller: Caller, id: string): Promise<StorefrontRow> {
    return this.database.transaction(async (tx) => {
      const current = await this.lockedById(tx, id);
      if (!current || !maySee(caller, current)) throw storefrontNotFound();
      assertFollowable(caller, current);
      const followedAt = new Date();
      const [added] = await tx
        .insert(follows)
        .values({ storefrontId: id, userId: caller.id, createdAt: followedAt })
        .onConflictDoNothing()
        .returning({ createdAt: follows.createdAt });
      if (!added) return current;
      const [row] = await tx
        .update(storefronts)
        .set({ followerCount: sql`${storefronts.followerCount} + 1` })
        .where(eq(storefronts.id, id))
        .returning();
      await recordStorefrontFollowed(this.outbox, tx, {
        storefrontId: id,
        userId: caller.id,
        followedAt: added.createdAt,
      });
      return row ?? current;
    });
  }

  /**
   * Ends `caller`'s follow; not following is no error. A follower may unfollow a storefront that
   * has since been hidden; anybody else gets NotFound for one they may not see. StorefrontUnfollowed
   * is published for an ended follow only.
   */
  async unfollow(caller: Caller, id: string): Promise<StorefrontRow> {
    return this.database.transaction(async (tx) => {
      const current = await this.lockedById(tx, id);
      if (!current) throw storefrontNotFound();
      const [removed] = await tx
        .delete(follows)
        .where(and(eq(follows.storefrontId, id), eq(follows.userId, caller.id)))
        .returning({ userId: follows.userId });
      if (!removed) {
        if (!maySee(caller, current)) throw storefrontNotFound();
        return current;
      }
      const [row] = await tx
        .update(storefronts)
        .set({ followerCount: sql`greatest(${storefronts.followerCount} - 1, 0)` })
        .where(eq(storefronts.id, id))
        .returning();
      await recordStorefrontUnfollowed(this.outbox, tx, {
        storefrontId: id,
        userId: caller.id,
        unfollowedAt: new Date(),
      });
      return row ?? current;
    });
  }

  /** The ids among `ids` that `userId` follows. */
  async followedAmong(userId: string, ids: readonly string[]): Promise<Set<string>> {
    const wanted = uuidsAmong(ids);
    if (!wanted || !isUuid(userId)) return new Set();
    const rows = await followedOf.run(this.database.db, { userId, ids: wanted });
    return new Set(rows.map((row) => row.id));
  }

  /**
   * One page of storefronts: within `near` ordered by distance then id (GiST-backed ST_DWithin on
   * the geography, distances on the spheroid), else newest first. A `query` keeps those whose name
   * or description contains it (case-insensitive) and puts name matches first. `cursor` is a
   * previous page's.
   */
  async list(
    filter: StorefrontFilter,
    limit: number,
    cursor: string | undefined,
  ): Promise<Page<StorefrontHitRow>> {
    const conditions: SQL[] = [];
    if (filter.statuses) conditions.push(inArray(storefronts.status, [...filter.statuses]));
    if (filter.countryCode) conditions.push(eq(storefronts.countryCode, filter.countryCode));
    let rank: SQL<number> | undefined;
    if (filter.query) {
      const pattern = `%${escapeLike(filter.query)}%`;
      const inName = sql`${storefronts.name} ilike ${pattern} escape '\\'`;
      conditions.push(sql`(${inName} or ${storefronts.description} ilike ${pattern} escape '\\')`);
      rank = sql<number>`(case when ${inName} then 0 else 1 end)`;
    }
    const ranked = rank !== undefined;
    const rankOf = (last: { rank: number }) => (ranked ? { rank: Number(last.rank) } : {});
    const ranking = rank === undefined ? [] : [asc(rank)];
    if (filter.near) {
      const point = sql`${pointToEwkt(filter.near)}::geography`;
      const distance = sql<number>`st_distance(${storefronts.location}, ${point})`;
      conditions.push(sql`st_dwithin(${storefronts.location}, ${point}, ${filter.near.radiusMeters})`);
      if (cursor !== undefined) {
        const after = decodeCursor(cursor, "near", ranked);
        conditions.push(
          afterInRank(
            rank,
            after.rank,
            sql`(${distance}, ${storefronts.id}) > (${after.meters}::float8, ${after.id}::uuid)`,
          ),
        );
      }
      const rows = await this.database.db
        .select({ row: storefronts, distance, rank: rank ?? sql<number>`0` })
        .from(storefronts)
        .where(and(...conditions))
        .orderBy(...ranking, asc(distance), asc(storefronts.id))
        .limit(limit + 1);
      return pageOf(
        rows,
        limit,
        (last) => ({ kind: "near", meters: Number(last.distance), id: last.row.id, ...rankOf(last) }),
        (r) => ({
          row: r.row,
          distanceMeters: Number(r.distance),
        }),
      );
    }
    if (cursor !== undefined) {
      const after = decodeCursor(cursor, "newest", ranked);
      conditions.push(
        afterInRank(
          rank,
          after.rank,
          sql`(${storefronts.createdAt}, ${storefronts.id}) < (${after.at}::timestamptz, ${after.id}::uuid)`,
        ),
      );
    }
    const rows = await this.database.db
      .select({ row: storefronts, at: utcText(storefronts.createdAt), rank: rank ?? sql<number>`0` })
      .from(storefronts)
      .where(and(...conditions))
      .orderBy(...ranking, desc(storefronts.createdAt), desc(storefronts.id))
      .limit(limit + 1);
    return pageOf(
      rows,
      limit,
      (last) => ({ kind: "newest", at: last.at, id: last.row.id, ...rankOf(last) }),
      (r) => ({
        row: r.row,
        distanceMeters: undefined,
      }),
    );
  }

  /** One page of the active storefronts `userId` follows, newest follow first. */
  async listFollowed(
    userId: string,
    limit: number,
    cursor: string | undefined,
  ): Promise<Page<StorefrontRow>> {
    const conditions: SQL[] = [eq(follows.userId, userId), eq(storefronts.status, "active")];
    if (cursor !== undefined) {
      const after = decodeCursor(cursor, "followed");
      conditions.push(
        sql`(${follows.createdAt}, ${follows.storefrontId}) < (${after.at}::timestamptz, ${after.id}::uuid)`,
      );
    }
    const rows = await this.database.db
      .select({ row: storefronts, at: utcText(follows.createdAt) })
      .from(follows)
      .innerJoin(storefronts, eq(storefronts.id, follows.storefrontId))
      .where(and(...conditions))
      .orderBy(desc(follows.createdAt), desc(follows.storefrontId))
      .limit(limit + 1);
    return pageOf(
      rows,
      limit,
      (last) => ({ kind: "followed", at: last.at, id: last.row.id }),
      (r) => r.row,
    );
  }

  private async lockedById(tx: Executor, id: string): Promise<StorefrontRow | undefined> {
    // NO KEY UPDATE: serialises changes and follower counts of one storefront, while follow rows
    // (whose foreign key takes KEY SHARE) can still be inserted.
    const [row] = await tx
      .select()
      .from(storefronts)
      .where(eq(storefronts.id, id))
      .for("no key update")
      .limit(1);
    return row;
  }

  private async slugInUse(tx: Executor, slug: string): Promise<boolean> {
    const [row] = await tx
      .select({ id: storefronts.id })
      .from(storefronts)
      .where(eq(storefronts.slug, slug))
      .limit(1);
    return row !== undefined;
  }

  private async applyChange(
    tx: Executor,
    id: string,
    changes: Partial<StorefrontFields> | { status: StorefrontStatusName; statusReason: string },
  ): Promise<StorefrontRow> {
    const [row] = await tx
      .update(storefronts)
      .set({ ...changes, version: sql`${storefronts.version} + 1`, updatedAt: sql`now()` })
      .where(eq(storefronts.id, id))
      .returning();
    if (!row) throw storefrontNotFound();
    await recordStorefrontChanged(this.outbox, tx, "updated", storefrontToProto(row));
    return row;
  }
}

/** Rows after a cursor: with a rank, those of a later rank or of its rank and after `within`. */
function afterInRank(rank: SQL<number> | undefined, after: number | undefined, within: SQL): SQL {
  return rank === undefined
    ? within
    : sql`(${rank} > ${after ?? 0} or (${rank} = ${after ?? 0} and ${within}))`;
}

function pageOf<R, T>(
  rows: R[],
  limit: number,
  cursorOf: (last: R) => Parameters<typeof encodeCursor>[0],
  item: (row: R) => T,
): Page<T> {
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    items: page.map(item),
    nextCursor: rows.length > limit && last ? encodeCursor(cursorOf(last)) : undefined,
  };
}

/** The fields of `changes` whose value differs from the stored row. */
function changedFields(
  current: StorefrontRow,
  changes: Partial<StorefrontFields>,
): Partial<StorefrontFields> {
  const changed: Partial<Record<keyof StorefrontFields, unknown>> = {};
  for (const [key, value] of Object.entries(changes) as [keyof StorefrontFields, unknown][]) {
    if (value === undefined) continue;
    const stored = current[key];
    const same =
      key === "location"
        ? current.location.latitude === changes.location?.latitude &&
          current.location.longitude === changes.location?.longitude
        : stored === value;
    if (!same) changed[key] = value;
  }
  return changed as Partial<StorefrontFields>;
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** A unique violation that slipped past the checks (a concurrent request) as the Conflict it means. */
function uniqueViolationAsConflict(error: unknown): unknown {
  if (isUniqueViolation(error, "storefronts_slug_idx")) return slugTaken();
  if (isUniqueViolation(error, "storefronts_owner_id_idx")) return alreadyOpen();
  return error;
}
