import { sql } from "drizzle-orm";
import {
  bigint,
  customType,
  index,
  integer,
  pgSchema,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { type LatLng, pointFromEwkbHex, pointToEwkt } from "./geo.js";

/**
 * The sellers service's own PostgreSQL schema. Migrations are generated with
 * `npx drizzle-kit generate --dialect postgresql --schema services/sellers/src/store/schema.ts --out services/sellers/src/store/migrations --name <change>`
 * (then `CREATE SCHEMA IF NOT EXISTS` and the geography type unquoted).
 */
export const sellersSchema = pgSchema("sellers");

/** PostGIS `geography(Point, 4326)`: written as EWKT, read from the hex EWKB PostgreSQL returns. */
export const geographyPoint = customType<{ data: LatLng; driverData: string }>({
  dataType: () => "geography(Point, 4326)",
  toDriver: pointToEwkt,
  fromDriver: pointFromEwkbHex,
});

/** Storefronts: one per seller account; optional text is stored as empty strings, as the contract speaks it. */
export const storefronts = sellersSchema.table(
  "storefronts",
  {
    id: uuid("id").primaryKey(),
    ownerId: uuid("owner_id").notNull(),
    name: text("name").notNull(),
    slug: text("slug").notNull(),
    description: text("description").notNull().default(""),
    logoMediaId: uuid("logo_media_id"),
    bannerMediaId: uuid("banner_media_id"),
    contactEmail: text("contact_email").notNull().default(""),
    contactPhone: text("contact_phone").notNull().default(""),
    contactWebsite: text("contact_website").notNull().default(""),
    addressLine1: text("address_line1").notNull(),
    addressLine2: text("address_line2").notNull().default(""),
    city: text("city").notNull(),
    region: text("region").notNull().default(""),
    postalCode: text("postal_code").notNull().default(""),
    countryCode: text("country_code").notNull(),
    location: geographyPoint("location").notNull(),
    /** `pending`, `active` or `suspended`. */
    status: text("status").notNull(),
    statusReason: text("status_reason").notNull().default(""),
    followerCount: integer("follower_count").notNull().default(0),
    /** Grows by one with every change that publishes StorefrontChanged (follows do not count). */
    version: bigint("version", { mode: "number" }).notNull().default(1),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    uniqueIndex("storefronts_owner_id_idx").on(table.ownerId),
    uniqueIndex("storefronts_slug_idx").on(table.slug),
    index("storefronts_location_idx").using("gist", table.location),
    index("storefronts_newest_idx").on(table.createdAt.desc(), table.id.desc()),
    index("storefronts_country_idx").on(table.countryCode),
    index("storefronts_name_trgm_idx").using("gin", sql`${table.name} gin_trgm_ops`),
    index("storefronts_description_trgm_idx").using("gin", sql`${table.description} gin_trgm_ops`),
  ],
);

/** A stored storefront row. */
export type StorefrontRow = typeof storefronts.$inferSelect;

/** Who follows which storefront; the storefront's follower_count is kept in the same transaction. */
export const follows = sellersSchema.table(
  "follows",
  {
    storefrontId: uuid("storefront_id")
      .notNull()
      .references(() => storefronts.id, { onDelete: "cascade" }),
    userId: uuid("user_id").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    primaryKey({ columns: [table.storefrontId, table.userId] }),
    index("follows_user_idx").on(table.userId, table.createdAt, table.storefrontId),
  ],
);
