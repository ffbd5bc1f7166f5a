import type { DomainError, FieldViolation } from "@mercato/platform";
import { sql } from "drizzle-orm";
import {
  bigint,
  boolean,
  char,
  check,
  foreignKey,
  index,
  integer,
  jsonb,
  pgSchema,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import type { OrderSnapshot, WantedLine } from "../domain/checkout-plan.js";
import type { OrderStatus } from "../domain/order-status.js";

/**
 * The orders service's own PostgreSQL schema, written to match `migrations/*.sql` exactly: the SQL
 * files are the one migration source (ADR 0033) and tests/repo/schema-matches-migrations.test.ts
 * checks the two agree. Keys the SQL declares inline keep the names PostgreSQL gave them (`_pkey`,
 * `_fkey`), and its `DESC` index columns sort nulls first, as PostgreSQL's `DESC` does.
 */
export const ordersSchema = pgSchema("orders");

/** `timestamp with time zone`, read as a Date. */
const timestamptz = (name: string) => timestamp(name, { withTimezone: true });

/** A buyer's cart: a line per variant, remembering the price it was added at. */
export const cartLines = ordersSchema.table(
  "cart_lines",
  {
    buyerId: uuid("buyer_id").notNull(),
    variantId: uuid("variant_id").notNull(),
    quantity: integer("quantity").notNull(),
    priceWhenAddedMinor: bigint("price_when_added_minor", { mode: "number" }).notNull(),
    /** ISO 4217; `char(3)`. */
    currencyWhenAdded: char("currency_when_added", { length: 3 }).notNull(),
    addedAt: timestamptz("added_at").notNull().defaultNow(),
    updatedAt: timestamptz("updated_at").notNull().defaultNow(),
  },
  (table) => [
    primaryKey({ name: "cart_lines_pkey", columns: [table.buyerId, table.variantId] }),
    check("cart_lines_quantity_check", sql`"quantity" > 0 AND "quantity" <= 1000`),
  ],
);

/** A cart add under an idempotency key, remembered for a day (ADR 0029). */
export const cartAddKeys = ordersSchema.table(
  "cart_add_keys",
  {
    buyerId: uuid("buyer_id").notNull(),
    idempotencyKey: text("idempotency_key").notNull(),
    variantId: uuid("variant_id").notNull(),
    quantity: integer("quantity").notNull(),
    createdAt: timestamptz("created_at").notNull().defaultNow(),
  },
  (table) => [
    primaryKey({ name: "cart_add_keys_pkey", columns: [table.buyerId, table.idempotencyKey] }),
    index("cart_add_keys_created_idx").on(table.createdAt),
  ],
);

/** How a checkout stands; `abandoned` is kept only until its reservation is released (ADR 0026). */
export type CheckoutStatus = "pending" | "completed" | "failed" | "abandoned";

/** A refusal a checkout keeps, so the same key replays it. */
export interface StoredCheckoutError {
  code: DomainError["code"];
  message: string;
  violations: FieldViolation[];
}

/** A checkout under a buyer's idempotency key, with the lease of whoever runs it. */
export const checkouts = ordersSchema.table(
  "checkouts",
  {
    id: uuid("id").primaryKey(),
    buyerId: uuid("buyer_id").notNull(),
    idempotencyKey: text("idempotency_key").notNull(),
    requestHash: text("request_hash").notNull(),
    status: text("status").$type<CheckoutStatus>().notNull(),
    lines: jsonb("lines").$type<WantedLine[]>().notNull(),
    fromCart: boolean("from_cart").notNull(),
    error: jsonb("error").$type<StoredCheckoutError>(),
    leaseUntil: timestamptz("lease_until").notNull(),
    leaseToken: uuid("lease_token").notNull(),
    createdAt: timestamptz("created_at").notNull().defaultNow(),
    updatedAt: timestamptz("updated_at").notNull().defaultNow(),
    releaseOwed: boolean("release_owed").notNull().default(false),
  },
  (table) => [
    uniqueIndex("checkouts_buyer_key_idx").on(table.buyerId, table.idempotencyKey),
    index("checkouts_pending_idx").on(table.leaseUntil).where(sql`"status" = 'pending'`),
    index("checkouts_release_owed_idx").on(table.leaseUntil).where(sql`"release_owed"`),
    check("checkouts_status_check", sql`"status" IN ('pending', 'completed', 'failed', 'abandoned')`),
    check("checkouts_abandoned_owes_check", sql`"status" <> 'abandoned' OR "release_owed"`),
  ],
);

/** What one seller owes one buyer from one checkout; the snapshot never changes (a trigger keeps it). */
export const orders = ordersSchema.table(
  "orders",
  {
    id: uuid("id").primaryKey(),
    checkoutId: uuid("checkout_id").notNull(),
    buyerId: uuid("buyer_id").notNull(),
    storefrontId: uuid("storefront_id").notNull(),
    sellerOwnerId: text("seller_owner_id").notNull(),
    status: text("status").$type<OrderStatus>().notNull(),
    currency: char("currency", { length: 3 }).notNull(),
    totalMinor: bigint("total_minor", { mode: "number" }).notNull(),
    snapshot: jsonb("snapshot").$type<OrderSnapshot>().notNull(),
    carrier: text("carrier").notNull().default(""),
    trackingNumber: text("tracking_number").notNull().default(""),
    version: bigint("version", { mode: "number" }).notNull().default(1),
    createdAt: timestamptz("created_at").notNull().defaultNow(),
    updatedAt: timestamptz("updated_at").notNull().defaultNow(),
  },
  (table) => [
    foreignKey({
      name: "orders_checkout_id_fkey",
      columns: [table.checkoutId],
      foreignColumns: [checkouts.id],
    }),
    uniqueIndex("orders_checkout_storefront_idx").on(table.checkoutId, table.storefrontId),
    index("orders_buyer_idx").on(table.buyerId, table.id.desc().nullsFirst()),
    index("orders_seller_idx").on(table.sellerOwnerId, table.id.desc().nullsFirst()),
    index("orders_storefront_idx").on(table.storefrontId, table.id.desc().nullsFirst()),
    index("orders_delivered_idx").on(table.updatedAt).where(sql`"status" = 'delivered'`),
    check(
      "orders_status_check",
      sql`"status" IN ('pending', 'placed', 'accepted', 'shipped', 'delivered', 'completed', 'cancelled')`,
    ),
    check("orders_total_check", sql`"total_minor" >= 0`),
  ],
);

/** A stored order row. */
export type OrderRow = typeof orders.$inferSelect;

/** Each status an order went through, numbered from 1. */
export const orderHistory = ordersSchema.table(
  "order_history",
  {
    orderId: uuid("order_id").notNull(),
    seq: integer("seq").notNull(),
    status: text("status").$type<OrderStatus>().notNull(),
    actorId: text("actor_id").notNull(),
    reason: text("reason").notNull().default(""),
    at: timestamptz("at").notNull().defaultNow(),
  },
  (table) => [
    primaryKey({ name: "order_history_pkey", columns: [table.orderId, table.seq] }),
    foreignKey({
      name: "order_history_order_id_fkey",
      columns: [table.orderId],
      foreignColumns: [orders.id],
    }),
  ],
);
