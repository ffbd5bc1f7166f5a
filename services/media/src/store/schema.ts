import { sql } from "drizzle-orm";
import {
  bigint,
  check,
  index,
  integer,
  jsonb,
  pgSchema,
  primaryKey,
  text,
  timestamp,
  uuid,
} from "drizzle-orm/pg-core";

/**
 * The media service's own PostgreSQL schema. The SQL migrations are the source (ADR 0033) and
 * tests/repo/schema-matches-migrations.test.ts checks this file agrees with them; drizzle-kit may
 * draft the next one with
 * `npx drizzle-kit generate --dialect postgresql --schema services/media/src/store/schema.ts --out services/media/src/store/migrations --name <change>`.
 */
export const mediaSchema = pgSchema("media");

const timestamptz = (name: string) => timestamp(name, { withTimezone: true });

/** One rendition as stored: where its bytes are, not a URL (URLs are signed when read). */
export interface StoredRendition {
  size: string;
  format: "avif" | "webp";
  width: number;
  height: number;
  byteSize: number;
  key: string;
}

/** A processed video: its HLS files live under `prefix`, the master playlist is `prefix/master.m3u8`. */
export interface StoredVideo {
  durationSeconds: number;
  renditionHeights: number[];
  prefix: string;
}

/** Each uploaded image or video and what became of it. */
export const assets = mediaSchema.table(
  "assets",
  {
    id: uuid("id").primaryKey(),
    ownerId: uuid("owner_id").notNull(),
    purpose: text("purpose").notNull(),
    status: text("status").notNull(),
    kind: text("kind"),
    /** The type the client declared; never trusted, kept to explain a refusal. */
    declaredType: text("declared_type").notNull(),
    /** The type found in the bytes. */
    contentType: text("content_type"),
    byteSize: bigint("byte_size", { mode: "number" }).notNull(),
    /** Where the client uploads the original; deleted once processed or refused. */
    uploadKey: text("upload_key").notNull(),
    uploadExpiresAt: timestamptz("upload_expires_at").notNull(),
    width: integer("width"),
    height: integer("height"),
    placeholder: text("placeholder"),
    dominantColor: text("dominant_color"),
    renditions: jsonb("renditions").$type<StoredRendition[]>().notNull().default([]),
    video: jsonb("video").$type<StoredVideo>(),
    progress: integer("progress").notNull().default(0),
    failureReason: text("failure_reason"),
    /** Since when nothing shows it (set when ready, cleared while referenced); the collector's clock. */
    unreferencedSince: timestamptz("unreferenced_since"),
    /** When its renditions were removed from storage. */
    filesDeletedAt: timestamptz("files_deleted_at"),
    createdAt: timestamptz("created_at").notNull().defaultNow(),
    updatedAt: timestamptz("updated_at").notNull().defaultNow(),
  },
  (t) => [
    index("assets_owner_idx").on(t.ownerId, t.id.desc()),
    index("assets_collect_idx")
      .on(t.unreferencedSince)
      .where(sql`${t.unreferencedSince} IS NOT NULL AND ${t.filesDeletedAt} IS NULL`),
    index("assets_pending_idx").on(t.uploadExpiresAt).where(sql`${t.status} = 'pending_upload'`),
    check(
      "assets_purpose_check",
      sql`${t.purpose} IN ('product', 'storefront_logo', 'storefront_banner', 'avatar')`,
    ),
    check(
      "assets_status_check",
      sql`${t.status} IN ('pending_upload', 'processing', 'ready', 'failed', 'deleted')`,
    ),
    check("assets_kind_check", sql`${t.kind} IN ('image', 'video')`),
    check("assets_progress_check", sql`${t.progress} BETWEEN 0 AND 100`),
  ],
);

/** Which object keys each media's files use; content-addressed keys may be shared by several media. */
export const objects = mediaSchema.table(
  "objects",
  {
    mediaId: uuid("media_id").notNull(),
    key: text("key").notNull(),
  },
  (t) => [primaryKey({ columns: [t.mediaId, t.key] }), index("objects_key_idx").on(t.key)],
);

/**
 * What shows each media, from the other services' events: `product:<id>`, `storefront:<id>`,
 * `profile:<id>`, `order:<id>`. A media with none is collected after the grace period.
 */
export const references = mediaSchema.table(
  "references",
  {
    mediaId: uuid("media_id").notNull(),
    referrer: text("referrer").notNull(),
  },
  (t) => [primaryKey({ columns: [t.mediaId, t.referrer] }), index("references_referrer_idx").on(t.referrer)],
);

/** The newest version of each referrer seen, so an older event never undoes a newer one. */
export const referrers = mediaSchema.table("referrers", {
  referrer: text("referrer").primaryKey(),
  version: bigint("version", { mode: "number" }).notNull(),
});

/** Keys the service made for itself (the URL signing secret). */
export const settings = mediaSchema.table("settings", {
  name: text("name").primaryKey(),
  value: text("value").notNull(),
});

export type AssetRow = typeof assets.$inferSelect;
