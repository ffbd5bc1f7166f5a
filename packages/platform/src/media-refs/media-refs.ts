import { eventSubjects } from "@mercato/contracts/events";
import { MediaKind, type MediaStatusChanged, Purpose } from "@mercato/contracts/mercato/media/v1/media_pb";
import { inArray, sql } from "drizzle-orm";
import { type PgSchema, pgSchema, text, timestamp, uuid } from "drizzle-orm/pg-core";
import type { Caller } from "../context/context.js";
import type { Database, Executor, Tx } from "../db/database.js";
import { type FieldViolation, InvalidArgument } from "../errors/errors.js";
import { type ConsumerDefinition, defineConsumer } from "../events/consumer.js";
import type { EventSubject } from "../events/envelope.js";

/** What a media was uploaded for, as the projection stores it. */
export type MediaPurposeName = "product" | "storefront_logo" | "storefront_banner" | "avatar" | "unspecified";

/** Image or video, as the projection stores it. */
export type MediaKindName = "image" | "video" | "unspecified";

/** Where a media stands in the projection: only `ready` ones may be attached. */
export type MediaStateName = "ready" | "failed" | "deleted";

/**
 * The `media_assets` table of a service's schema: the media the media service announced (ADR 0041),
 * one row per media id with its latest state. Each service declares it in its `schema.ts` with
 * this function and creates it in a migration of its own.
 */
export function mediaAssetsTable<Schema extends string>(schema: PgSchema<Schema>) {
  return schema.table("media_assets", {
    mediaId: uuid("media_id").primaryKey(),
    /** Account id of the uploader. */
    ownerId: uuid("owner_id").notNull(),
    purpose: text("purpose").$type<MediaPurposeName>().notNull(),
    kind: text("kind").$type<MediaKindName>().notNull(),
    /** `ready`, `failed` or `deleted`; a deleted media never comes back. */
    status: text("status").$type<MediaStateName>().notNull(),
    /** When the media service published the state kept here. */
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull(),
  });
}

type MediaAssets = ReturnType<typeof mediaAssetsTable<string>>;

/** A media id a request attaches, with the request field that names it (`media_ids[1]`, `logo_media_id`). */
export interface MediaReference {
  field: string;
  mediaId: string;
  purpose: Exclude<MediaPurposeName, "unspecified">;
  /** Kinds accepted for this field; default image and video. */
  kinds?: readonly Exclude<MediaKindName, "unspecified">[];
}

const purposeNames: Record<number, MediaPurposeName> = {
  [Purpose.PRODUCT]: "product",
  [Purpose.STOREFRONT_LOGO]: "storefront_logo",
  [Purpose.STOREFRONT_BANNER]: "storefront_banner",
  [Purpose.AVATAR]: "avatar",
};

const kindNames: Record<number, MediaKindName> = {
  [MediaKind.IMAGE]: "image",
  [MediaKind.VIDEO]: "video",
};

const purposeWords: Record<MediaReference["purpose"], string> = {
  product: "product",
  storefront_logo: "storefront logo",
  storefront_banner: "storefront banner",
  avatar: "avatar",
};

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The media a service may attach, kept from the media service's status events (ADR 0041): the
 * consumers that keep `<schema>.media_assets` and the check that turns attached ids into field
 * violations. Services never call the media service for it.
 */
export class MediaReferences {
  private readonly table: MediaAssets;

  constructor(private readonly database: Database) {
    this.table = mediaAssetsTable(pgSchema(database.schema));
  }

  /**
   * The durable consumers of `mercato.media.asset.ready`, `.failed` and `.deleted` (one subject
   * each, ADR 0007). Events may arrive in any order across them: the latest state wins by the time
   * it was published, and a deletion is final.
   */
  consumers(): ConsumerDefinition[] {
    const on = (
      name: string,
      subject: EventSubject<typeof eventSubjects.media.assetReady.schema>,
      status: MediaStateName,
    ) =>
      defineConsumer({
        name,
        on: subject,
        handle: async (_ctx, tx, message, event) => this.apply(tx, message, status, event.occurredAt),
      });
    return [
      on("media-ready", eventSubjects.media.assetReady, "ready"),
      on("media-failed", eventSubjects.media.assetFailed, "failed"),
      on("media-deleted", eventSubjects.media.assetDeleted, "deleted"),
    ] as ConsumerDefinition[];
  }

  /** The state the projection holds for `mediaId`; undefined when it never heard of it. */
  async stateOf(mediaId: string): Promise<MediaStateName | undefined> {
    if (!uuidPattern.test(mediaId)) return undefined;
    const [row] = await this.database.db
      .select({ status: this.table.status })
      .from(this.table)
      .where(inArray(this.table.mediaId, [mediaId.toLowerCase()]));
    return row?.status;
  }

  /**
   * One violation for each reference that is not a ready media of the caller (an admin may attach
   * anyone's) uploaded for its purpose and of an accepted kind. Unknown, foreign, pending, failed
   * and deleted media get the same message, so nobody learns of another account's media.
   */
  async violations(
    db: Executor,
    caller: Caller,
    references: readonly MediaReference[],
  ): Promise<FieldViolation[]> {
    if (references.length === 0) return [];
    const ids = [
      ...new Set(references.map((r) => r.mediaId.toLowerCase()).filter((id) => uuidPattern.test(id))),
    ];
    const rows =
      ids.length === 0 ? [] : await db.select().from(this.table).where(inArray(this.table.mediaId, ids));
    const byId = new Map(rows.map((row) => [row.mediaId, row]));
    const admin = caller.roles.includes("admin");
    const violations: FieldViolation[] = [];
    for (const reference of references) {
      const row = byId.get(reference.mediaId.toLowerCase());
      const kinds = reference.kinds ?? ["image", "video"];
      const usable =
        row !== undefined &&
        row.status === "ready" &&
        row.purpose === reference.purpose &&
        (kinds as readonly string[]).includes(row.kind) &&
        (admin || row.ownerId === caller.id.toLowerCase());
      if (!usable) violations.push({ field: reference.field, message: describe(reference, kinds, admin) });
    }
    return violations;
  }

  /** Throws an InvalidArgument naming every reference `violations` refuses; resolves when there is none. */
  async check(db: Executor, caller: Caller, references: readonly MediaReference[]): Promise<void> {
    const violations = await this.violations(db, caller, references);
    if (violations.length > 0) {
      throw new InvalidArgument(violations.map((v) => `${v.field}: ${v.message}`).join("; "), violations);
    }
  }

  private async apply(tx: Tx, message: MediaStatusChanged, status: MediaStateName, at: Date): Promise<void> {
    // Retrying cannot fix such an event; it is parked after the attempts for inspection.
    if (!uuidPattern.test(message.mediaId) || !uuidPattern.test(message.ownerId))
      throw new Error("MediaStatusChanged carries a media or owner id that is not a UUID");
    const table = this.table;
    await tx
      .insert(table)
      .values({
        mediaId: message.mediaId.toLowerCase(),
        ownerId: message.ownerId.toLowerCase(),
        purpose: purposeNames[message.purpose] ?? "unspecified",
        kind: kindNames[message.kind] ?? "unspecified",
        status,
        updatedAt: at,
      })
      .onConflictDoUpdate({
        target: table.mediaId,
        set: {
          ownerId: sql`excluded.owner_id`,
          purpose: sql`excluded.purpose`,
          kind: sql`excluded.kind`,
          status: sql`excluded.status`,
          updatedAt: sql`excluded.updated_at`,
        },
        // A deletion is final; otherwise the later state wins, whatever order the consumers ran in.
        setWhere: sql`${table.status} <> 'deleted' and (excluded.status = 'deleted' or ${table.updatedAt} <= excluded.updated_at)`,
      });
  }
}

/** The references of a list field (`media_ids[i]`) whose ids are not in `kept`: only new ids are checked. */
export function listedMediaReferences(
  field: string,
  ids: readonly string[],
  purpose: MediaReference["purpose"],
  kept: readonly string[] = [],
): MediaReference[] {
  const old = new Set(kept.map((id) => id.toLowerCase()));
  return ids.flatMap((mediaId, i) =>
    old.has(mediaId.toLowerCase()) ? [] : [{ field: `${field}[${i}]`, mediaId, purpose }],
  );
}

function describe(reference: MediaReference, kinds: readonly string[], admin: boolean): string {
  const what = kinds.length === 1 ? kinds[0] : "image or video";
  return `media ${reference.mediaId} is not a ready ${purposeWords[reference.purpose]} ${what}${admin ? "" : " of yours"}`;
}
