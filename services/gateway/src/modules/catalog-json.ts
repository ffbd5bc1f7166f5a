import type {
  Category,
  Product,
  ProductHit,
  Variant,
} from "@mercato/contracts/mercato/products/v1/products_pb";
import { CategoryStatus, ProductStatus } from "@mercato/contracts/mercato/products/v1/products_pb";
import type { Storefront } from "@mercato/contracts/mercato/sellers/v1/sellers_pb";
import { StorefrontStatus } from "@mercato/contracts/mercato/sellers/v1/sellers_pb";
import { jsonInteger, moneyJson, orNull } from "./catalog-common.js";
import { postalAddressJson } from "./postal-address.js";
import { isoTime } from "./rest.js";

/** A contract enum value as clients see it: `STOREFRONT_STATUS_ACTIVE` (2) → `active`. */
export function enumName(names: Record<number, string>, value: number): string {
  return (names[value] ?? "unspecified").toLowerCase();
}

/** A `{name: value}` map as a list of `{name, value}` pairs, sorted by name. */
export function pairs(map: Record<string, string>) {
  return Object.entries(map)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, value]) => ({ name, value }));
}

/** A storefront as clients see it: camelCase, unset fields null, status lower-case, times ISO 8601. */
export function storefrontJson(storefront: Storefront | undefined) {
  if (!storefront) throw new Error("the sellers service answered without a storefront");
  return {
    id: storefront.id,
    ownerId: storefront.ownerId,
    name: storefront.name,
    slug: storefront.slug,
    description: storefront.description,
    logoMediaId: orNull(storefront.logoMediaId),
    bannerMediaId: orNull(storefront.bannerMediaId),
    contact: {
      email: orNull(storefront.contact?.email ?? ""),
      phone: orNull(storefront.contact?.phone ?? ""),
      website: orNull(storefront.contact?.website ?? ""),
    },
    address: postalAddressJson(storefront.address),
    location: { lat: storefront.location?.latitude ?? 0, lng: storefront.location?.longitude ?? 0 },
    status: enumName(StorefrontStatus, storefront.status),
    statusReason: orNull(storefront.statusReason),
    followerCount: jsonInteger(storefront.followerCount),
    followedByMe: storefront.followedByMe,
    createdAt: isoTime(storefront.createdAt),
    updatedAt: isoTime(storefront.updatedAt),
  };
}

/** A storefront as the gateway hands it to clients. */
export type StorefrontJson = ReturnType<typeof storefrontJson>;

/** A category as clients see it. */
export function categoryJson(category: Category | undefined) {
  if (!category) throw new Error("the products service answered without a category");
  return {
    id: category.id,
    parentId: orNull(category.parentId),
    name: category.name,
    slug: category.slug,
    position: category.position,
    status: enumName(CategoryStatus, category.status),
    depth: category.depth,
    ancestorIds: [...category.ancestorIds],
    createdAt: isoTime(category.createdAt),
    updatedAt: isoTime(category.updatedAt),
  };
}

/** A category as the gateway hands it to clients. */
export type CategoryJson = ReturnType<typeof categoryJson>;

/** A variant as clients see it: options as a map (GraphQL lists them as `{name, value}` pairs). */
export function variantJson(variant: Variant | undefined) {
  if (!variant) throw new Error("the products service answered without a variant");
  return {
    id: variant.id,
    productId: variant.productId,
    sku: variant.sku,
    price: moneyJson(variant.price),
    compareAtPrice: moneyJson(variant.compareAtPrice),
    options: { ...variant.options },
    position: variant.position,
    createdAt: isoTime(variant.createdAt),
    updatedAt: isoTime(variant.updatedAt),
  };
}

/** A product as clients see it, with its variants and price range. */
export function productJson(product: Product | undefined) {
  if (!product) throw new Error("the products service answered without a product");
  const prices = product.variants.flatMap((v) => (v.price ? [v.price] : []));
  const sorted = [...prices].sort((a, b) =>
    a.amountMinor < b.amountMinor ? -1 : a.amountMinor > b.amountMinor ? 1 : 0,
  );
  const singleCurrency = new Set(prices.map((p) => p.currency)).size === 1;
  return {
    id: product.id,
    storefrontId: product.storefrontId,
    title: product.title,
    description: product.description,
    categoryId: product.categoryId,
    attributes: { ...product.attributes },
    optionNames: [...product.optionNames],
    mediaIds: [...product.mediaIds],
    status: enumName(ProductStatus, product.status),
    variants: product.variants.map(variantJson),
    // A range only means something in one currency; a mixed product shows none.
    priceRange: singleCurrency
      ? { min: moneyJson(sorted[0]), max: moneyJson(sorted[sorted.length - 1]) }
      : null,
    publishedAt: isoTime(product.publishedAt),
    createdAt: isoTime(product.createdAt),
    updatedAt: isoTime(product.updatedAt),
  };
}

/** A product as the gateway hands it to clients. */
export type ProductJson = ReturnType<typeof productJson>;

/** A search hit as clients see it: what a product card shows. */
export function hitJson(hit: ProductHit) {
  return {
    id: hit.productId,
    productId: hit.productId,
    storefrontId: hit.storefrontId,
    storefrontName: hit.storefrontName,
    title: hit.title,
    categoryId: hit.categoryId,
    mediaId: orNull(hit.mediaId),
    priceRange: { min: moneyJson(hit.minPrice), max: moneyJson(hit.maxPrice) },
    compareAtPrice: moneyJson(hit.compareAtPrice),
    inStock: hit.inStock,
    distanceMeters: hit.distanceMeters ?? null,
    relevance: hit.relevance,
    publishedAt: isoTime(hit.publishedAt),
  };
}

/** A contract enum value from a client's name (`active`, `ACTIVE`); routes and the schema admit known names only. */
export function enumValue<E extends Record<string, string | number>>(values: E, name: string): E[keyof E] {
  const value = values[name.toUpperCase() as keyof E];
  if (typeof value !== "number") throw new Error(`unknown value ${name}`);
  return value;
}
