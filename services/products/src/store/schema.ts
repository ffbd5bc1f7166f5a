import { mediaAssetsTable } from "@mercato/platform";
import { sql } from "drizzle-orm";
import {
  bigint,
  customType,
  index,
  integer,
  jsonb,
  pgSchema,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";

/**
 * The products service's own PostgreSQL schema: the catalog's source tables (categories,
 * products, variants) and the storefronts it learns from the sellers service's events. The
 * search projection's tables have no Drizzle schema: src/search reads and writes them with its own
 * SQL, from its own migrations. The SQL migrations are the source (ADR 0033) and
 * tests/repo/schema-matches-migrations.test.ts checks this file agrees with them; drizzle-kit may
 * draft the next one, reviewed before it is committed, with
 * `npx drizzle-kit generate --dialect postgresql --schema services/products/src/store/schema.ts --out services/products/src/store/migrations --name <change>`.
 */
export const productsSchema = pgSchema("products");

/** PostGIS `geography(Point, 4326)`, read and written as WKT/EWKT text by the queries that use it. */
export const geographyPoint = customType<{ data: string; driverData: string }>({
  dataType: () => "geography(Point, 4326)",
});

/** The taxonomy tree. `ancestor_ids` runs from the root down to the parent. */
export const categories = productsSchema.table(
  "categories",
  {
    id: uuid("id").primaryKey(),
    parentId: uuid("parent_id"),
    name: text("name").notNull(),
    slug: text("slug").notNull(),
    position: integer("position").notNull().default(0),
    /** `active` or `archived`. */
    status: text("status").notNull().default("active"),
    ancestorIds: uuid("ancestor_ids").array().notNull().default(sql`'{}'::uuid[]`),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    uniqueIndex("categories_slug_idx").on(table.slug),
    index("categories_parent_idx").on(table.parentId, table.position),
    index("categories_ancestors_idx").using("gin", table.ancestorIds),
  ],
);

/** A stored category row. */
export type CategoryRow = typeof categories.$inferSelect;

/**
 * Storefronts as the sellers service announces them (StorefrontChanged events): who owns each,
 * whether it is active and where it is. The highest `version` wins; older events are ignored.
 */
export const storefronts = productsSchema.table(
  "storefronts",
  {
    id: uuid("id").primaryKey(),
    ownerId: uuid("owner_id").notNull(),
    name: text("name").notNull(),
    slug: text("slug").notNull(),
    /** `pending`, `active` or `suspended`. */
    status: text("status").notNull(),
    location: geographyPoint("location").notNull(),
    version: bigint("version", { mode: "number" }).notNull(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [index("storefronts_owner_idx").on(table.ownerId)],
);

/** A stored storefront row. */
export type StorefrontRow = typeof storefronts.$inferSelect;

/** Products; `version` grows with every change to the product or its variants. */
export const products = productsSchema.table(
  "products",
  {
    id: uuid("id").primaryKey(),
    storefrontId: uuid("storefront_id").notNull(),
    title: text("title").notNull(),
    description: text("description").notNull().default(""),
    categoryId: uuid("category_id").notNull(),
    attributes: jsonb("attributes").$type<Record<string, string>>().notNull().default({}),
    optionNames: text("option_names").array().notNull().default(sql`'{}'::text[]`),
    mediaIds: uuid("media_ids").array().notNull().default(sql`'{}'::uuid[]`),
    /** `draft`, `active` or `archived`. */
    status: text("status").notNull().default("draft"),
    version: bigint("version", { mode: "number" }).notNull().default(1),
    publishedAt: timestamp("published_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    index("products_storefront_idx").on(table.storefrontId, table.id.desc()),
    index("products_category_idx").on(table.categoryId),
  ],
);

/** A stored product row. */
export type ProductRow = typeof products.$inferSelect;

/** Variants: SKU unique within a storefront, each a distinct combination of option values. */
export const variants = productsSchema.table(
  "variants",
  {
    id: uuid("id").primaryKey(),
    productId: uuid("product_id")
      .notNull()
      .references(() => products.id, { onDelete: "cascade" }),
    storefrontId: uuid("storefront_id").notNull(),
    sku: text("sku").notNull(),
    priceMinor: bigint("price_minor", { mode: "number" }).notNull(),
    currency: text("currency").notNull(),
    compareAtMinor: bigint("compare_at_minor", { mode: "number" }),
    options: jsonb("options").$type<Record<string, string>>().notNull().default({}),
    position: integer("position").notNull().default(0),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    uniqueIndex("variants_storefront_sku_idx").on(table.storefrontId, table.sku),
    uniqueIndex("variants_product_options_idx").on(table.productId, table.options),
    index("variants_product_idx").on(table.productId, table.position),
  ],
);

/** A stored variant row. */
export type VariantRow = typeof variants.$inferSelect;

/** The media this service may attach, kept from the media service's status events (ADR 0041). */
export const mediaAssets = mediaAssetsTable(productsSchema);
