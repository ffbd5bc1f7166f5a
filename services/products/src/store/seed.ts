import { type Database, inChunks, jsonRecordset, rowsOf } from "@mercato/platform";
import { sql } from "drizzle-orm";
import { categories, products, storefronts, variants } from "./schema.js";
import type { StorefrontProjection } from "./storefronts.store.js";

/** A storefront for the projection, as the demo seed knows it (the sellers seed uses the same ids). */
export type SeedStorefrontProjection = StorefrontProjection;

/** A category of the demo tree; parents come before their children. */
export interface SeedCategory {
  id: string;
  /** Null for a root category. */
  parentId: string | null;
  name: string;
  slug: string;
  position: number;
}

/** A variant of a demo product; amounts in minor units. */
export interface SeedVariant {
  id: string;
  sku: string;
  priceMinor: number;
  currency: string;
  compareAtMinor: number | null;
  options: Record<string, string>;
  position: number;
  /** Units on hand, as the inventory seed writes them; absent: stock untracked (counts as in stock). */
  stock?: number;
}

/** A demo product with its variants. */
export interface SeedProduct {
  id: string;
  storefrontId: string;
  title: string;
  description: string;
  categoryId: string;
  attributes: Record<string, string>;
  optionNames: string[];
  mediaIds: string[];
  status: "draft" | "active" | "archived";
  publishedAt: Date | string | null;
  variants: SeedVariant[];
}

/** Everything seedCatalog writes. */
export interface SeedCatalogInput {
  storefronts: readonly SeedStorefrontProjection[];
  categories: readonly SeedCategory[];
  products: readonly SeedProduct[];
}

/** Rows per INSERT statement of the seed. */
export const seedChunkSize = 1000;

/**
 * Writes demo data straight into the catalog tables: the storefronts projection, the category tree
 * (ancestor ids computed here) and products with variants, in statements of about 1000 rows that
 * skip rows already present, so running it twice changes nothing. It publishes no events: the
 * search projection is rebuilt from these tables afterwards. Returns how many products it inserted.
 */
export async function seedCatalog(
  database: Database,
  input: SeedCatalogInput,
): Promise<{ products: number }> {
  const db = database.db;
  for (const chunk of inChunks(input.storefronts, seedChunkSize)) {
    const rows = chunk.map((s) => ({
      id: s.id,
      owner_id: s.ownerId,
      name: s.name,
      slug: s.slug,
      status: s.status,
      lat: s.location.lat,
      lng: s.location.lng,
      version: s.version,
    }));
    await db.execute(sql`
      insert into ${storefronts} (id, owner_id, name, slug, status, location, version)
      select id, owner_id, name, slug, status,
        ST_SetSRID(ST_MakePoint(lng, lat), 4326)::geography, version
      from ${jsonRecordset(rows, "id uuid, owner_id uuid, name text, slug text, status text, lat float8, lng float8, version bigint")}
      on conflict do nothing`);
  }

  const ancestors = new Map<string, string[]>();
  const categoryRows = input.categories.map((c) => {
    let ancestorIds: string[] = [];
    if (c.parentId !== null) {
      const parentAncestors = ancestors.get(c.parentId);
      if (!parentAncestors) throw new Error(`seed category ${c.slug} comes before its parent ${c.parentId}`);
      ancestorIds = [...parentAncestors, c.parentId];
    }
    ancestors.set(c.id, ancestorIds);
    return {
      id: c.id,
      parent_id: c.parentId,
      name: c.name,
      slug: c.slug,
      position: c.position,
      ancestor_ids: ancestorIds,
    };
  });
  for (const chunk of inChunks(categoryRows, seedChunkSize)) {
    await db.execute(sql`
      insert into ${categories} (id, parent_id, name, slug, position, ancestor_ids)
      select id, parent_id, name, slug, position, ancestor_ids
      from ${jsonRecordset(chunk, "id uuid, parent_id uuid, name text, slug text, position int, ancestor_ids uuid[]")}
      on conflict do nothing`);
  }

  let inserted = 0;
  for (const chunk of inChunks(input.products, seedChunkSize)) {
    const rows = chunk.map((p) => ({
      id: p.id,
      storefront_id: p.storefrontId,
      title: p.title,
      description: p.description,
      category_id: p.categoryId,
      attributes: p.attributes,
      option_names: p.optionNames,
      media_ids: p.mediaIds,
      status: p.status,
      published_at: p.publishedAt instanceof Date ? p.publishedAt.toISOString() : p.publishedAt,
    }));
    const [counted] = rowsOf<{ n: number | string }>(
      await db.execute(sql`
        with inserted as (
          insert into ${products}
            (id, storefront_id, title, description, category_id, attributes, option_names, media_ids, status, published_at)
          select id, storefront_id, title, description, category_id, attributes, option_names, media_ids, status, published_at
          from ${jsonRecordset(rows, "id uuid, storefront_id uuid, title text, description text, category_id uuid, attributes jsonb, option_names text[], media_ids uuid[], status text, published_at timestamptz")}
          on conflict do nothing
          returning 1)
        select count(*) as n from inserted`),
    );
    inserted += Number(counted?.n ?? 0);
  }

  const variantRows = input.products.flatMap((p) =>
    p.variants.map((v) => ({
      id: v.id,
      product_id: p.id,
      storefront_id: p.storefrontId,
      sku: v.sku,
      price_minor: v.priceMinor,
      currency: v.currency,
      compare_at_minor: v.compareAtMinor,
      options: v.options,
      position: v.position,
    })),
  );
  for (const chunk of inChunks(variantRows, seedChunkSize)) {
    await db.execute(sql`
      insert into ${variants}
        (id, product_id, storefront_id, sku, price_minor, currency, compare_at_minor, options, position)
      select id, product_id, storefront_id, sku, price_minor, currency, compare_at_minor, options, position
      from ${jsonRecordset(chunk, "id uuid, product_id uuid, storefront_id uuid, sku text, price_minor bigint, currency text, compare_at_minor bigint, options jsonb, position int")}
      on conflict do nothing`);
  }
  // The search projection's copy of the stock the inventory seed writes (version 1 there too), so
  // in-stock filtering is right from the first search; later stock events carry higher versions.
  const stockRows = input.products.flatMap((p) =>
    p.variants.flatMap((v) =>
      v.stock === undefined ? [] : [{ variant_id: v.id, product_id: p.id, available: v.stock }],
    ),
  );
  for (const chunk of inChunks(stockRows, seedChunkSize)) {
    await db.execute(sql`
      insert into products.search_variant_stock (variant_id, product_id, available, version)
      select variant_id, product_id, available, 1
      from ${jsonRecordset(chunk, "variant_id uuid, product_id uuid, available bigint")}
      on conflict do nothing`);
  }
  return { products: inserted };
}
