import { sql } from "drizzle-orm";
import {
  bigint,
  boolean,
  check,
  foreignKey,
  index,
  pgSchema,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";

/**
 * The inventory service's own PostgreSQL schema, written to match `migrations/*.sql` exactly: the
 * SQL files are the one migration source (ADR 0033) and tests/repo/schema-matches-migrations.test.ts
 * checks the two agree. Keys the SQL declares inline keep the names PostgreSQL gave them (`_pkey`,
 * `_fkey`), and its `DESC` index columns sort nulls first, as PostgreSQL's `DESC` does.
 */
export const inventorySchema = pgSchema("inventory");

/** `timestamp with time zone`, read as a Date. */
const timestamptz = (name: string) => timestamp(name, { withTimezone: true });
/** `bigint` read as a number: unit counts stay far below 2^53. */
const int8 = (name: string) => bigint(name, { mode: "number" });

/** Why on-hand stock changed; reservations move `reserved`, not on-hand, and are not movements. */
export type MovementReason = "replenishment" | "adjustment" | "sale" | "cancellation";

/** How a reservation stands. */
export type ReservationStatus = "held" | "committed" | "released" | "expired";

/** Stock per variant; `version` grows with every change. */
export const stockLevels = inventorySchema.table(
  "stock_levels",
  {
    variantId: uuid("variant_id").primaryKey(),
    productId: uuid("product_id").notNull(),
    onHand: int8("on_hand").notNull().default(0),
    reserved: int8("reserved").notNull().default(0),
    lowStockThreshold: int8("low_stock_threshold"),
    low: boolean("low").notNull().default(false),
    version: int8("version").notNull().default(0),
    updatedAt: timestamptz("updated_at").notNull().defaultNow(),
  },
  (table) => [
    index("stock_levels_product_idx").on(table.productId),
    check("stock_levels_on_hand_check", sql`"on_hand" >= 0`),
    check("stock_levels_reserved_check", sql`"reserved" >= 0 AND "reserved" <= "on_hand"`),
    check("stock_levels_threshold_check", sql`"low_stock_threshold" IS NULL OR "low_stock_threshold" >= 0`),
  ],
);

/** A stored stock row. */
export type StockRow = typeof stockLevels.$inferSelect;

/** The ledger: every change of a variant's on-hand stock. */
export const movements = inventorySchema.table(
  "movements",
  {
    id: uuid("id").primaryKey(),
    variantId: uuid("variant_id").notNull(),
    quantity: int8("quantity").notNull(),
    reason: text("reason").$type<MovementReason>().notNull(),
    note: text("note").notNull().default(""),
    actorId: text("actor_id").notNull(),
    reservationId: uuid("reservation_id"),
    onHandAfter: int8("on_hand_after").notNull(),
    createdAt: timestamptz("created_at").notNull().defaultNow(),
    /** The cancelled order a `cancellation` put back; null otherwise. */
    orderId: uuid("order_id"),
  },
  (table) => [
    foreignKey({
      name: "movements_variant_id_fkey",
      columns: [table.variantId],
      foreignColumns: [stockLevels.variantId],
    }),
    index("movements_variant_idx").on(table.variantId, table.id.desc().nullsFirst()),
    uniqueIndex("movements_cancellation_once_idx")
      .on(table.orderId, table.variantId)
      .where(sql`"reason" = 'cancellation'`),
    index("movements_reservation_idx")
      .on(table.reservationId, table.variantId)
      .where(sql`"reservation_id" IS NOT NULL`),
    check("movements_reason_check", sql`"reason" IN ('replenishment', 'adjustment', 'sale', 'cancellation')`),
    check("movements_order_check", sql`("reason" = 'cancellation') = ("order_id" IS NOT NULL)`),
  ],
);

/** A stored ledger entry. */
export type MovementRow = typeof movements.$inferSelect;

/** Checkout reservations: stock held until committed, released or expired. */
export const reservations = inventorySchema.table(
  "reservations",
  {
    id: uuid("id").primaryKey(),
    status: text("status").$type<ReservationStatus>().notNull(),
    expiresAt: timestamptz("expires_at").notNull(),
    createdAt: timestamptz("created_at").notNull().defaultNow(),
    settledAt: timestamptz("settled_at"),
  },
  (table) => [
    index("reservations_held_expiry_idx").on(table.expiresAt).where(sql`"status" = 'held'`),
    check("reservations_status_check", sql`"status" IN ('held', 'committed', 'released', 'expired')`),
  ],
);

/** Units of one variant a reservation holds. */
export const reservationLines = inventorySchema.table(
  "reservation_lines",
  {
    reservationId: uuid("reservation_id").notNull(),
    variantId: uuid("variant_id").notNull(),
    quantity: int8("quantity").notNull(),
  },
  (table) => [
    primaryKey({ name: "reservation_lines_pkey", columns: [table.reservationId, table.variantId] }),
    foreignKey({
      name: "reservation_lines_reservation_id_fkey",
      columns: [table.reservationId],
      foreignColumns: [reservations.id],
    }),
    foreignKey({
      name: "reservation_lines_variant_id_fkey",
      columns: [table.variantId],
      foreignColumns: [stockLevels.variantId],
    }),
    check("reservation_lines_quantity_check", sql`"quantity" > 0`),
  ],
);

/** Variants of products, as the products service last announced them (ADR 0015). */
export const catalogVariants = inventorySchema.table(
  "catalog_variants",
  {
    variantId: uuid("variant_id").primaryKey(),
    productId: uuid("product_id").notNull(),
    storefrontId: uuid("storefront_id").notNull(),
    productVersion: int8("product_version").notNull(),
    removed: boolean("removed").notNull().default(false),
  },
  (table) => [index("catalog_variants_product_idx").on(table.productId)],
);

/** Who owns each storefront, as the sellers service last announced it. */
export const storefrontOwners = inventorySchema.table("storefront_owners", {
  storefrontId: uuid("storefront_id").primaryKey(),
  ownerId: uuid("owner_id").notNull(),
  version: int8("version").notNull(),
});

/** Orders whose cancellation put their units back, once each. */
export const cancelledOrders = inventorySchema.table("cancelled_orders", {
  orderId: uuid("order_id").primaryKey(),
  reservationId: uuid("reservation_id").notNull(),
  restockedAt: timestamptz("restocked_at").notNull().defaultNow(),
});
