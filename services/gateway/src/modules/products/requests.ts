import type { MessageInitShape } from "@bufbuild/protobuf";
import {
  CategoryStatus,
  type CreateProductRequestSchema,
  ProductStatus,
  SearchSort,
  type UpdateCategoryRequestSchema,
  type UpdateProductRequestSchema,
  type UpdateVariantRequestSchema,
  type VariantInputSchema,
} from "@mercato/contracts/mercato/products/v1/products_pb";
import { type FieldViolation, InvalidArgument } from "@mercato/platform/errors";
import type { Static } from "typebox";
import type { PageRequest } from "../../rest-schema.js";
import { minorUnits, moneyRequest, type nearRequest } from "../catalog-common.js";
import { enumValue } from "../catalog-json.js";
import type {
  CreateCategoryBody,
  CreateProductBody,
  ProductStatusName,
  SearchSortName,
  UpdateCategoryBody,
  UpdateProductBody,
  UpdateVariantBody,
  VariantBody,
} from "./schemas.js";

/**
 * A body as either API sends it: where REST leaves an optional field out, GraphQL may send null.
 * Maps (attributes, options) come as maps; GraphQL's resolvers turn its pairs into them.
 */
type Sent<T> = { [K in keyof T]: Partial<Pick<T, K>> extends Pick<T, K> ? T[K] | null | undefined : T[K] };

/** A new variant. */
export type NewVariant = Static<typeof VariantBody>;

/** Variant changes: omitted fields stay; a null compare-at price removes it. */
export type VariantChanges = Sent<Static<typeof UpdateVariantBody>>;

/** A new product; GraphQL may ask for any status (the service refuses what it does not allow). */
export type NewProduct = Sent<Omit<Static<typeof CreateProductBody>, "status">> & {
  status?: ProductStatusName | null | undefined;
};

/** Product changes: omitted fields stay; attributes, media ids and option names replace the whole list. */
export type ProductChanges = Sent<Static<typeof UpdateProductBody>>;

/** A new category; a null parent is the root. */
export type NewCategory = Sent<Static<typeof CreateCategoryBody>>;

/** Category changes: omitted fields stay; a null parent moves it to the root. */
export type CategoryChanges = Sent<Static<typeof UpdateCategoryBody>>;

/** A name and a value: an option value a variant must have. */
export interface NameValue {
  name: string;
  value: string;
}

/** Search filters, the circle already checked, and a page. */
export interface SearchInput extends PageRequest {
  query?: string | null | undefined;
  categoryId?: string | null | undefined;
  minPrice?: number | null | undefined;
  maxPrice?: number | null | undefined;
  currency?: string | null | undefined;
  storefrontId?: string | null | undefined;
  options?: NameValue[] | null | undefined;
  inStock?: boolean | null | undefined;
  near: ReturnType<typeof nearRequest> | undefined;
  sort?: SearchSortName | null | undefined;
}

const given = <T>(value: T | null | undefined): value is T => value !== undefined && value !== null;

/** A product status from its name; the schemas admit known names only. */
export const productStatus = (name: string) => enumValue(ProductStatus, name);

/** A variant as the service takes it; a refused price is named under `field` (say `variants[0]`). */
export function variantMessage(
  variant: NewVariant,
  field: string,
): MessageInitShape<typeof VariantInputSchema> {
  return {
    sku: variant.sku,
    price: moneyRequest(variant.price, `${field}.price`),
    ...(variant.compareAtPrice
      ? { compareAtPrice: moneyRequest(variant.compareAtPrice, `${field}.compareAtPrice`) }
      : {}),
    options: { ...variant.options },
  };
}

/** A new product as the service takes it: absent lists empty, the status only when given. */
export function createProductRequest(input: NewProduct): MessageInitShape<typeof CreateProductRequestSchema> {
  return {
    title: input.title,
    description: input.description ?? "",
    categoryId: input.categoryId,
    attributes: { ...input.attributes },
    optionNames: input.optionNames ?? [],
    mediaIds: input.mediaIds ?? [],
    ...(input.status ? { status: productStatus(input.status) } : {}),
    variants: (input.variants ?? []).map((v, i) => variantMessage(v, `variants[${i}]`)),
  };
}

/** The fields among `keys` sent with a value: null, like absence, leaves a field as it is. */
function valuesSent<T, K extends keyof T>(changes: T, keys: readonly K[]) {
  const sent = keys.flatMap((key) => (given(changes[key]) ? [[key, changes[key]]] : []));
  return Object.fromEntries(sent) as { [P in K]?: NonNullable<T[P]> };
}

/** Only the fields sent; a list sent (even null) replaces the whole list. */
export function updateProductRequest(
  id: string,
  changes: ProductChanges,
): MessageInitShape<typeof UpdateProductRequestSchema> {
  const { attributes, mediaIds, optionNames, status } = changes;
  return {
    id,
    ...valuesSent(changes, ["title", "categoryId"]),
    ...(changes.description === undefined ? {} : { description: changes.description ?? "" }),
    ...(attributes === undefined ? {} : { replaceAttributes: true, attributes: { ...attributes } }),
    ...(mediaIds === undefined ? {} : { replaceMediaIds: true, mediaIds: mediaIds ?? [] }),
    ...(optionNames === undefined ? {} : { replaceOptionNames: true, optionNames: optionNames ?? [] }),
    ...(status ? { status: productStatus(status) } : {}),
  };
}

/** Only the fields sent; a null compare-at price clears it. */
export function updateVariantRequest(
  id: string,
  changes: VariantChanges,
): MessageInitShape<typeof UpdateVariantRequestSchema> {
  const { price, compareAtPrice, options } = changes;
  return {
    id,
    ...valuesSent(changes, ["sku", "position"]),
    ...(price ? { price: moneyRequest(price, "price") } : {}),
    ...(compareAtPrice === null ? { clearCompareAtPrice: true } : {}),
    ...(compareAtPrice ? { compareAtPrice: moneyRequest(compareAtPrice, "compareAtPrice") } : {}),
    ...(given(options) ? { options: { ...options } } : {}),
  };
}

/** A new category as the service takes it: unset fields empty. */
export function createCategoryRequest(input: NewCategory) {
  return {
    name: input.name,
    slug: input.slug ?? "",
    parentId: input.parentId ?? "",
    position: input.position ?? 0,
  };
}

/** Only the fields sent. */
export function updateCategoryRequest(
  id: string,
  changes: CategoryChanges,
): MessageInitShape<typeof UpdateCategoryRequestSchema> {
  return {
    id,
    ...valuesSent(changes, ["name", "slug", "position"]),
    // Present and null moves the category to the root; absent leaves it where it is.
    ...(changes.parentId === undefined ? {} : { parentId: changes.parentId ?? "" }),
    ...(changes.status ? { status: enumValue(CategoryStatus, changes.status) } : {}),
  };
}

const price = (value: number | null | undefined, field: string) =>
  given(value) ? minorUnits(value, field) : undefined;

/**
 * Checks what the service cannot name in the client's words (prices, a distance sort without a
 * circle) and builds the search request; fields are named as the service names them.
 */
export function searchRequest(input: SearchInput) {
  const min = price(input.minPrice, "min_price");
  const max = price(input.maxPrice, "max_price");
  const violations: FieldViolation[] = [];
  if (min !== undefined && max !== undefined && max < min) {
    violations.push({ field: "max_price", message: "must not be below minPrice" });
  }
  const sort = input.sort ? enumValue(SearchSort, input.sort) : SearchSort.UNSPECIFIED;
  if (sort === SearchSort.DISTANCE && !input.near) {
    violations.push({ field: "sort", message: "distance needs near" });
  }
  if (violations.length > 0) {
    throw new InvalidArgument(violations.map((v) => `${v.field}: ${v.message}`).join("; "), violations);
  }
  return {
    query: input.query ?? "",
    categoryId: input.categoryId ?? "",
    ...(min === undefined ? {} : { minPrice: min }),
    ...(max === undefined ? {} : { maxPrice: max }),
    currency: (input.currency ?? "").trim().toUpperCase(),
    storefrontId: input.storefrontId ?? "",
    options: input.options ?? [],
    inStock: input.inStock === true,
    ...(input.near ? { near: input.near } : {}),
    sort,
    limit: input.limit,
    cursor: input.cursor,
  };
}
