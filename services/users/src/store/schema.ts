import { mediaAssetsTable } from "@mercato/platform";
import { sql } from "drizzle-orm";
import { boolean, index, pgSchema, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";

/**
 * The users service's own PostgreSQL schema. The SQL migrations are the source (ADR 0033) and
 * tests/repo/schema-matches-migrations.test.ts checks this file agrees with them; drizzle-kit may
 * draft the next one, reviewed before it is committed, with
 * `npx drizzle-kit generate --dialect postgresql --schema services/users/src/store/schema.ts --out services/users/src/store/migrations --name <change>`.
 */
export const usersSchema = pgSchema("users");

/** One profile per account, created when the auth service reports the registration. */
export const profiles = usersSchema.table("profiles", {
  userId: uuid("user_id").primaryKey(),
  displayName: text("display_name"),
  email: text("email"),
  phone: text("phone"),
  avatarMediaId: uuid("avatar_media_id"),
  locale: text("locale").notNull().default("en"),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});

/** A stored profile row. */
export type ProfileRow = typeof profiles.$inferSelect;

/** A user's address book; optional parts are stored as empty strings, as the contract speaks them. */
export const addresses = usersSchema.table(
  "addresses",
  {
    id: uuid("id").primaryKey(),
    userId: uuid("user_id").notNull(),
    label: text("label").notNull().default(""),
    recipientName: text("recipient_name").notNull(),
    company: text("company").notNull().default(""),
    line1: text("line1").notNull(),
    line2: text("line2").notNull().default(""),
    city: text("city").notNull(),
    region: text("region").notNull().default(""),
    postalCode: text("postal_code").notNull().default(""),
    countryCode: text("country_code").notNull(),
    phone: text("phone").notNull().default(""),
    defaultShipping: boolean("default_shipping").notNull().default(false),
    defaultBilling: boolean("default_billing").notNull().default(false),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    index("addresses_user_id_idx").on(table.userId, table.id.desc()),
    uniqueIndex("addresses_one_default_shipping_idx").on(table.userId).where(sql`default_shipping`),
    uniqueIndex("addresses_one_default_billing_idx").on(table.userId).where(sql`default_billing`),
  ],
);

/** A stored address row. */
export type AddressRow = typeof addresses.$inferSelect;

/** The media this service may attach, kept from the media service's status events (ADR 0041). */
export const mediaAssets = mediaAssetsTable(usersSchema);
