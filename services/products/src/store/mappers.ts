import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { MoneySchema } from "@mercato/contracts/mercato/common/v1/common_pb";
import {
  type Category,
  CategorySchema,
  CategoryStatus,
  type Product,
  ProductSchema,
  ProductStatus,
  type Variant,
  VariantSchema,
} from "@mercato/contracts/mercato/products/v1/products_pb";
import type { CategoryRow, ProductRow, VariantRow } from "./schema.js";

/** Stored product statuses. */
export type ProductStatusText = "draft" | "active" | "archived";

const productStatuses: Record<ProductStatusText, ProductStatus> = {
  draft: ProductStatus.DRAFT,
  active: ProductStatus.ACTIVE,
  archived: ProductStatus.ARCHIVED,
};

/** The stored text of a product status (UNSPECIFIED reads as draft). */
export function productStatusText(status: ProductStatus): ProductStatusText {
  if (status === ProductStatus.ACTIVE) return "active";
  if (status === ProductStatus.ARCHIVED) return "archived";
  return "draft";
}

/** The contract's status of a stored product status. */
export function productStatusProto(status: string): ProductStatus {
  return productStatuses[status as ProductStatusText] ?? ProductStatus.UNSPECIFIED;
}

/** A stored category as the contract speaks it. */
export function categoryToProto(row: CategoryRow): Category {
  return create(CategorySchema, {
    id: row.id,
    parentId: row.parentId ?? "",
    name: row.name,
    slug: row.slug,
    position: row.position,
    status: row.status === "archived" ? CategoryStatus.ARCHIVED : CategoryStatus.ACTIVE,
    depth: row.ancestorIds.length,
    ancestorIds: row.ancestorIds,
    createdAt: timestampFromDate(row.createdAt),
    updatedAt: timestampFromDate(row.updatedAt),
  });
}

/** A stored variant as the contract speaks it. */
export function variantToProto(row: VariantRow): Variant {
  return create(VariantSchema, {
    id: row.id,
    productId: row.productId,
    sku: row.sku,
    price: create(MoneySchema, { amountMinor: BigInt(row.priceMinor), currency: row.currency }),
    ...(row.compareAtMinor === null
      ? {}
      : {
          compareAtPrice: create(MoneySchema, {
            amountMinor: BigInt(row.compareAtMinor),
            currency: row.currency,
          }),
        }),
    options: row.options,
    position: row.position,
    createdAt: timestampFromDate(row.createdAt),
    updatedAt: timestampFromDate(row.updatedAt),
  });
}

/** Orders variants for display: by position, then by id (creation order). */
export function byPosition(a: VariantRow, b: VariantRow): number {
  return a.position - b.position || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** A stored product with its variants as the contract speaks it. */
export function productToProto(row: ProductRow, variants: readonly VariantRow[]): Product {
  return create(ProductSchema, {
    id: row.id,
    storefrontId: row.storefrontId,
    title: row.title,
    description: row.description,
    categoryId: row.categoryId,
    attributes: row.attributes,
    optionNames: row.optionNames,
    mediaIds: row.mediaIds,
    status: productStatusProto(row.status),
    variants: [...variants].sort(byPosition).map(variantToProto),
    version: BigInt(row.version),
    ...(row.publishedAt ? { publishedAt: timestampFromDate(row.publishedAt) } : {}),
    createdAt: timestampFromDate(row.createdAt),
    updatedAt: timestampFromDate(row.updatedAt),
  });
}
