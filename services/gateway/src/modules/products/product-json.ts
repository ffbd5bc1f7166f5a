import {
  type Category,
  CategoryStatus,
  type Product,
  type ProductHit,
  ProductStatus,
  type Variant,
} from "@mercato/contracts/mercato/products/v1/products_pb";
import { type MoneyJson, moneyJson, orNull } from "../catalog-common.js";
import { enumName } from "../catalog-json.js";
import { isoTime } from "../rest.js";
import type {
  CategoryModel,
  CategoryStatusName,
  ProductHitModel,
  ProductModel,
  ProductStatusName,
  VariantModel,
} from "./schemas.js";

// The products service always prices a variant and a hit; the contract's messages leave it optional.
const money = (value: Parameters<typeof moneyJson>[0]) => moneyJson(value) as MoneyJson;

/** A category as clients see it. */
export function categoryJson(category: Category | undefined): CategoryModel {
  if (!category) throw new Error("the products service answered without a category");
  return {
    id: category.id,
    parentId: orNull(category.parentId),
    name: category.name,
    slug: category.slug,
    position: category.position,
    status: enumName(CategoryStatus, category.status) as CategoryStatusName,
    depth: category.depth,
    ancestorIds: [...category.ancestorIds],
    createdAt: isoTime(category.createdAt),
    updatedAt: isoTime(category.updatedAt),
  };
}

/** A variant as clients see it: options as a map (GraphQL lists them as `{name, value}` pairs). */
export function variantJson(variant: Variant | undefined): VariantModel {
  if (!variant) throw new Error("the products service answered without a variant");
  return {
    id: variant.id,
    productId: variant.productId,
    sku: variant.sku,
    price: money(variant.price),
    compareAtPrice: moneyJson(variant.compareAtPrice),
    options: { ...variant.options },
    position: variant.position,
    createdAt: isoTime(variant.createdAt),
    updatedAt: isoTime(variant.updatedAt),
  };
}

/** A product as clients see it, with its variants and price range. */
export function productJson(product: Product | undefined): ProductModel {
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
    status: enumName(ProductStatus, product.status) as ProductStatusName,
    variants: product.variants.map(variantJson),
    // A range only means something in one currency; a mixed product shows none.
    priceRange: singleCurrency ? { min: money(sorted[0]), max: money(sorted[sorted.length - 1]) } : null,
    publishedAt: isoTime(product.publishedAt),
    createdAt: isoTime(product.createdAt),
    updatedAt: isoTime(product.updatedAt),
  };
}

/** A search hit as clients see it: what a product card shows. */
export function hitJson(hit: ProductHit): ProductHitModel {
  return {
    id: hit.productId,
    storefrontId: hit.storefrontId,
    storefrontName: hit.storefrontName,
    title: hit.title,
    categoryId: hit.categoryId,
    mediaId: orNull(hit.mediaId),
    priceRange: { min: money(hit.minPrice), max: money(hit.maxPrice) },
    compareAtPrice: moneyJson(hit.compareAtPrice),
    inStock: hit.inStock,
    distanceMeters: hit.distanceMeters ?? null,
    relevance: hit.relevance,
    publishedAt: isoTime(hit.publishedAt),
  };
}
