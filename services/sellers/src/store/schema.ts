import { mediaAssetsTable } from "@mercato/platform";
import { sql } from "drizzle-orm";
import {
  bigint,
  check,
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
 * The sellers service's own PostgreSQL schema. The SQL migrations are the source (ADR 0033) and
 * tests/repo/schema-matches-migrations.test.ts checks this file agrees with them; drizzle-kit may
 * draft the next one, reviewed before it is committed, with
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

/** What each storefront holds per currency: the running sum of its ledger, and the row payouts lock. */
export const balances = sellersSchema.table(
  "balances",
  {
    storefrontId: uuid("storefront_id")
      .notNull()
      .references(() => storefronts.id),
    /** ISO 4217 code in upper case. */
    currency: text("currency").notNull(),
    /** Sum of the ledger entries of this storefront in this currency, in minor units; never negative. */
    availableMinor: bigint("available_minor", { mode: "bigint" }).notNull().default(sql`0`),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    primaryKey({ columns: [table.storefrontId, table.currency] }),
    check("balances_currency_check", sql`${table.currency} ~ '^[A-Z]{3}$'`),
    check("balances_available_check", sql`${table.availableMinor} >= 0`),
  ],
);

/** A stored balance row. */
export type BalanceRow = typeof balances.$inferSelect;

/** Payouts: the whole available balance of one currency, requested by the owner, marked by an admin. */
export const payouts = sellersSchema.table(
  "payouts",
  {
    id: uuid("id").primaryKey(),
    storefrontId: uuid("storefront_id")
      .notNull()
      .references(() => storefronts.id),
    currency: text("currency").notNull(),
    amountMinor: bigint("amount_minor", { mode: "bigint" }).notNull(),
    /** `requested`, `paid` or `failed`. */
    status: text("status").notNull(),
    requestedBy: uuid("requested_by").notNull(),
    /** Name of the PayoutProvider that sends it. */
    provider: text("provider").notNull(),
    providerReference: text("provider_reference").notNull().default(""),
    failureReason: text("failure_reason").notNull().default(""),
    decidedBy: uuid("decided_by"),
    requestedAt: timestamp("requested_at", { withTimezone: true }).notNull().defaultNow(),
    decidedAt: timestamp("decided_at", { withTimezone: true }),
  },
  (table) => [
    index("payouts_storefront_idx").on(table.storefrontId, table.id.desc()),
    index("payouts_status_idx").on(table.status, table.id.desc()),
    check("payouts_amount_check", sql`${table.amountMinor} > 0`),
    check("payouts_status_check", sql`${table.status} in ('requested', 'paid', 'failed')`),
  ],
);

/** A stored payout row. */
export type PayoutRow = typeof payouts.$inferSelect;

/**
 * The balance ledger: every change of a storefront's balance in one currency. One credit per
 * completed order (unique order_id), one debit and at most one reversal per payout.
 */
export const ledgerEntries = sellersSchema.table(
  "ledger_entries",
  {
    id: uuid("id").primaryKey(),
    storefrontId: uuid("storefront_id")
      .notNull()
      .references(() => storefronts.id),
    currency: text("currency").notNull(),
    /** `order_credit`, `payout_debit` or `payout_reversal`. */
    kind: text("kind").notNull(),
    /** Signed change of the balance, in minor units. */
    amountMinor: bigint("amount_minor", { mode: "bigint" }).notNull(),
    balanceAfterMinor: bigint("balance_after_minor", { mode: "bigint" }).notNull(),
    orderId: uuid("order_id"),
    payoutId: uuid("payout_id").references(() => payouts.id),
    grossMinor: bigint("gross_minor", { mode: "bigint" }),
    commissionMinor: bigint("commission_minor", { mode: "bigint" }),
    commissionBps: integer("commission_bps"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    uniqueIndex("ledger_entries_order_idx").on(table.orderId),
    uniqueIndex("ledger_entries_payout_kind_idx").on(table.payoutId, table.kind),
    index("ledger_entries_storefront_idx").on(table.storefrontId, table.id.desc()),
    check(
      "ledger_entries_kind_check",
      sql`${table.kind} in ('order_credit', 'payout_debit', 'payout_reversal')`,
    ),
    check(
      "ledger_entries_credit_check",
      sql`${table.kind} <> 'order_credit' or (${table.orderId} is not null and ${table.payoutId} is null and ${table.amountMinor} >= 0 and ${table.amountMinor} = ${table.grossMinor} - ${table.commissionMinor})`,
    ),
    check(
      "ledger_entries_payout_check",
      sql`${table.kind} = 'order_credit' or (${table.payoutId} is not null and ${table.orderId} is null and (${table.kind} = 'payout_debit') = (${table.amountMinor} < 0))`,
    ),
    check("ledger_entries_balance_check", sql`${table.balanceAfterMinor} >= 0`),
  ],
);

/** A stored ledger entry row. */
export type LedgerEntryRow = typeof ledgerEntries.$inferSelect;

/** The media this service may attach, kept from the media service's status events (ADR 0041). */
export const mediaAssets = mediaAssetsTable(sellersSchema);
