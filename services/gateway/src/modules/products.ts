import type { MessageInitShape } from "@bufbuild/protobuf";
import {
  CategoryStatus,
  type CreateProductRequestSchema,
  type GetCategoryResponse,
  ProductStatus,
  ProductsService,
  SearchSort,
  type UpdateCategoryRequestSchema,
  type UpdateProductRequestSchema,
  type UpdateVariantRequestSchema,
  type VariantInputSchema,
} from "@mercato/contracts/mercato/products/v1/products_pb";
import { type FieldViolation, InvalidArgument, NotFound } from "@mercato/platform";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { defineGatewayModule, type GatewayModule, type GraphqlContext, requireCaller } from "../module.js";
import type { ServiceDirectory } from "../services.js";
import {
  clientField,
  connection,
  dateTime,
  idOrSlug,
  idOrSlugField,
  idParams,
  type MoneyInput,
  minorUnits,
  moneyBody,
  moneyRef,
  moneyRequest,
  moneySchema,
  type NearInput,
  nearQuery,
  nearRequest,
  nullableMoneyRef,
  nullableMoneySchema,
  oneKey,
  orNull,
  pageQueryProperties,
  pageSize,
  publicRoute,
  renamingFields,
  uuid,
} from "./catalog-common.js";
import {
  type CategoryJson,
  categoryJson,
  enumValue,
  hitJson,
  type ProductJson,
  pairs,
  productJson,
  type StorefrontJson,
  variantJson,
} from "./catalog-json.js";
import { type CatalogServiceNames, catalogLoaders } from "./catalog-loaders.js";
import { bearerSecurity, errorResponses } from "./rest.js";

/** A name and a value as GraphQL clients send options and attributes. */
interface Pair {
  name: string;
  value: string;
}

/** A variant as clients send it: options as a map (REST) or as pairs (GraphQL). */
interface VariantBody {
  sku: string;
  price: MoneyInput;
  compareAtPrice?: MoneyInput | null;
  options?: Record<string, string> | Pair[] | null;
}

/** A new product as clients send it. */
interface ProductBody {
  title: string;
  description?: string | null;
  categoryId: string;
  attributes?: Record<string, string> | Pair[] | null;
  optionNames?: string[] | null;
  mediaIds?: string[] | null;
  status?: string | null;
  variants?: VariantBody[] | null;
}

/** Product changes: omitted fields stay; attributes, media ids and option names replace the whole list. */
type ProductPatch = Partial<Omit<ProductBody, "variants">>;

/** Variant changes: omitted fields stay; a null compare-at price removes it. */
interface VariantPatch {
  sku?: string;
  price?: MoneyInput;
  compareAtPrice?: MoneyInput | null;
  options?: Record<string, string> | Pair[];
  position?: number;
}

/** Category fields as clients send them; a null parent is the root. */
interface CategoryBody {
  name?: string;
  slug?: string | null;
  parentId?: string | null;
  position?: number | null;
  status?: string;
}

/** Turns GraphQL pairs into a map, refusing a name given twice; a REST map passes as is. */
function mapOf(
  value: Record<string, string> | Pair[] | null | undefined,
  field: string,
): Record<string, string> {
  if (!value) return {};
  if (!Array.isArray(value)) return { ...value };
  const map: Record<string, string> = {};
  value.forEach((pair, index) => {
    if (Object.hasOwn(map, pair.name)) {
      throw InvalidArgument.field(`${field}[${index}].name`, `${pair.name} is given twice`);
    }
    map[pair.name] = pair.value;
  });
  return map;
}

function variantMessage(variant: VariantBody, field: string): MessageInitShape<typeof VariantInputSchema> {
  return {
    sku: variant.sku,
    price: moneyRequest(variant.price, `${field}.price`),
    ...(variant.compareAtPrice
      ? { compareAtPrice: moneyRequest(variant.compareAtPrice, `${field}.compareAtPrice`) }
      : {}),
    options: mapOf(variant.options, `${field}.options`),
  } as MessageInitShape<typeof VariantInputSchema>;
}

const productStatus = (name: string) => enumValue(ProductStatus, name);
const categoryStatus = (name: string) => enumValue(CategoryStatus, name);

function createProductRequest(
  body: ProductBody,
  prefix: string,
): MessageInitShape<typeof CreateProductRequestSchema> {
  return {
    title: body.title,
    description: body.description ?? "",
    categoryId: body.categoryId,
    attributes: mapOf(body.attributes, `${prefix}.attributes`),
    optionNames: body.optionNames ?? [],
    mediaIds: body.mediaIds ?? [],
    ...(body.status ? { status: productStatus(body.status) } : {}),
    variants: (body.variants ?? []).map((v, i) => variantMessage(v, `${prefix}.variants[${i}]`)),
  } as MessageInitShape<typeof CreateProductRequestSchema>;
}

function updateProductRequest(
  id: string,
  patch: ProductPatch,
  prefix: string,
): MessageInitShape<typeof UpdateProductRequestSchema> {
  const request: Record<string, unknown> = { id };
  if (patch.title !== undefined && patch.title !== null) request.title = patch.title;
  if (patch.description !== undefined) request.description = patch.description ?? "";
  if (patch.categoryId !== undefined && patch.categoryId !== null) request.categoryId = patch.categoryId;
  if (patch.attributes !== undefined) {
    request.replaceAttributes = true;
    request.attributes = mapOf(patch.attributes, `${prefix}.attributes`);
  }
  if (patch.mediaIds !== undefined) {
    request.replaceMediaIds = true;
    request.mediaIds = patch.mediaIds ?? [];
  }
  if (patch.status) request.status = productStatus(patch.status);
  if (patch.optionNames !== undefined) {
    request.replaceOptionNames = true;
    request.optionNames = patch.optionNames ?? [];
  }
  return request as MessageInitShape<typeof UpdateProductRequestSchema>;
}

function updateVariantRequest(
  id: string,
  patch: VariantPatch,
  prefix: string,
): MessageInitShape<typeof UpdateVariantRequestSchema> {
  const request: Record<string, unknown> = { id };
  if (patch.sku !== undefined && patch.sku !== null) request.sku = patch.sku;
  if (patch.price) request.price = moneyRequest(patch.price, `${prefix}.price`);
  if (patch.compareAtPrice === null) request.clearCompareAtPrice = true;
  else if (patch.compareAtPrice) {
    request.compareAtPrice = moneyRequest(patch.compareAtPrice, `${prefix}.compareAtPrice`);
  }
  if (patch.options !== undefined && patch.options !== null) {
    request.options = mapOf(patch.options, `${prefix}.options`);
  }
  if (patch.position !== undefined && patch.position !== null) request.position = patch.position;
  return request as MessageInitShape<typeof UpdateVariantRequestSchema>;
}

function updateCategoryRequest(
  id: string,
  body: CategoryBody,
): MessageInitShape<typeof UpdateCategoryRequestSchema> {
  const request: Record<string, unknown> = { id };
  if (body.name !== undefined && body.name !== null) request.name = body.name;
  if (body.slug !== undefined && body.slug !== null) request.slug = body.slug;
  // Present and null moves the category to the root; absent leaves it where it is.
  if (body.parentId !== undefined) request.parentId = body.parentId ?? "";
  if (body.position !== undefined && body.position !== null) request.position = body.position;
  if (body.status) request.status = categoryStatus(body.status);
  return request as MessageInitShape<typeof UpdateCategoryRequestSchema>;
}

function createCategoryRequest(body: CategoryBody & { name: string }) {
  return {
    name: body.name,
    slug: body.slug ?? "",
    parentId: body.parentId ?? "",
    position: body.position ?? 0,
  };
}

/** A category with its breadcrumbs and children already known. */
function categoryDetail(answer: GetCategoryResponse) {
  return {
    ...categoryJson(answer.category),
    breadcrumbs: answer.breadcrumbs.map(categoryJson),
    children: answer.children.map(categoryJson),
  };
}

/** The flat list with each category's breadcrumbs and children taken from the list itself. */
function categoryList(list: CategoryJson[]) {
  const byId = new Map(list.map((c) => [c.id, c]));
  return list.map((category) => ({
    ...category,
    breadcrumbs: category.ancestorIds.flatMap((id) => {
      const ancestor = byId.get(id);
      return ancestor ? [ancestor] : [];
    }),
    children: list.filter((c) => c.parentId === category.id),
  }));
}

/** Search filters as GraphQL and REST hand them over, already parsed. */
interface SearchFilters {
  query?: string | null | undefined;
  categoryId?: string | null | undefined;
  minPrice?: unknown | undefined;
  maxPrice?: unknown | undefined;
  currency?: string | null | undefined;
  storefrontId?: string | null | undefined;
  options?: Pair[] | null | undefined;
  inStock?: boolean | null | undefined;
  near?: ReturnType<typeof nearRequest> | undefined;
  sort?: string | null | undefined;
  limit: number;
  cursor?: string | null | undefined;
}

/** Checks search filters the service cannot name in the client's words, and builds the request. */
function searchRequest(filters: SearchFilters, names: { minPrice: string; maxPrice: string; sort: string }) {
  const min =
    filters.minPrice === undefined || filters.minPrice === null
      ? undefined
      : minorUnits(filters.minPrice, names.minPrice);
  const max =
    filters.maxPrice === undefined || filters.maxPrice === null
      ? undefined
      : minorUnits(filters.maxPrice, names.maxPrice);
  const violations: FieldViolation[] = [];
  if (min !== undefined && max !== undefined && max < min) {
    violations.push({ field: names.maxPrice, message: "must not be below minPrice" });
  }
  const sort = filters.sort ? enumValue(SearchSort, filters.sort) : SearchSort.UNSPECIFIED;
  if (sort === SearchSort.DISTANCE && !filters.near) {
    violations.push({ field: names.sort, message: "distance needs near" });
  }
  if (violations.length > 0) {
    throw new InvalidArgument(violations.map((v) => `${v.field}: ${v.message}`).join("; "), violations);
  }
  return {
    query: filters.query ?? "",
    categoryId: filters.categoryId ?? "",
    ...(min === undefined ? {} : { minPrice: min }),
    ...(max === undefined ? {} : { maxPrice: max }),
    currency: (filters.currency ?? "").trim().toUpperCase(),
    storefrontId: filters.storefrontId ?? "",
    options: filters.options ?? [],
    inStock: filters.inStock === true,
    ...(filters.near ? { near: filters.near } : {}),
    sort,
    limit: filters.limit,
    cursor: filters.cursor ?? "",
  };
}

/** Arguments of the products and search queries. */
const searchArguments = /* GraphQL */ `(
      query: String
      "This category or below it"
      categoryId: ID
      "Minor units; with currency"
      minPrice: SafeInt
      "Minor units; with currency"
      maxPrice: SafeInt
      currency: String
      storefrontId: ID
      "A variant with all these option values"
      options: [NameValueInput!]
      inStock: Boolean
      near: NearInput
      sort: ProductSort
      first: Int
      after: String
    )`;

const schema = /* GraphQL */ `
  "Whether a category is offered."
  enum CategoryStatus {
    ACTIVE
    "No new products; existing ones stay findable under it"
    ARCHIVED
  }
  "A node of the category tree."
  type Category {
    id: ID!
    "Null for a root category"
    parentId: ID
    parent: Category
    name: String!
    slug: String!
    "Order among its siblings, smaller first"
    position: Int!
    status: CategoryStatus!
    "0 for a root"
    depth: Int!
    "Ids from the root down to its parent"
    ancestorIds: [ID!]!
    "Its ancestors, root first"
    breadcrumbs: [Category!]!
    "Its direct children (archived ones only when it is archived or archived ones were asked for)"
    children: [Category!]!
    "ISO 8601"
    createdAt: String!
    "ISO 8601"
    updatedAt: String!
  }
  "A new category."
  input CreateCategoryInput {
    "1 to 100 characters"
    name: String!
    "a-z, 0-9 and single dashes; derived from the name when omitted"
    slug: String
    "Null for a root category"
    parentId: ID
    position: Int
  }
  "Category changes: omitted fields stay; parentId null moves it to the root; ARCHIVED archives its descendants too."
  input UpdateCategoryInput {
    name: String
    slug: String
    parentId: ID
    position: Int
    status: CategoryStatus
  }
  "Whether buyers see a product."
  enum ProductStatus {
    "Seen by its seller only"
    DRAFT
    "Visible to buyers while its storefront is active"
    ACTIVE
    "Withdrawn; seen by its seller only"
    ARCHIVED
  }
  "One option value of a variant, e.g. size M."
  type ProductOption {
    name: String!
    value: String!
  }
  "A free-form attribute, e.g. material leather."
  type ProductAttribute {
    name: String!
    value: String!
  }
  "A name and a value."
  input NameValueInput {
    name: String!
    value: String!
  }
  "Lowest and highest price."
  type PriceRange {
    min: Money!
    max: Money!
  }
  "One buyable version of a product."
  type Variant {
    id: ID!
    productId: ID!
    "Unique within the seller's storefront"
    sku: String!
    price: Money!
    "Former price shown crossed out; greater than price"
    compareAtPrice: Money
    "One value for each of the product's option names"
    options: [ProductOption!]!
    position: Int!
    "ISO 8601"
    createdAt: String!
    "ISO 8601"
    updatedAt: String!
  }
  "An item a storefront sells, with its variants."
  type Product {
    id: ID!
    storefrontId: ID!
    "Null when the storefront is hidden from the caller"
    storefront: Storefront
    title: String!
    description: String!
    categoryId: ID!
    category: Category
    attributes: [ProductAttribute!]!
    "Names of the options its variants differ in"
    optionNames: [String!]!
    "Images and videos in display order"
    mediaIds: [ID!]!
    status: ProductStatus!
    variants: [Variant!]!
    "Null without variants or when they are priced in several currencies"
    priceRange: PriceRange
    "ISO 8601; null before it was first made ACTIVE"
    publishedAt: String
    "ISO 8601"
    createdAt: String!
    "ISO 8601"
    updatedAt: String!
  }
  "One product of a page."
  type ProductEdge {
    "The cursor after this product; only the last edge of a page that has a next one carries it."
    cursor: String
    node: Product!
  }
  "A page of products."
  type ProductConnection {
    edges: [ProductEdge!]!
    pageInfo: PageInfo!
  }
  "Order of search results."
  enum ProductSort {
    "Best text match first (the default with a query)"
    RELEVANCE
    "Nearest storefront first (needs near; the default with near and no query)"
    DISTANCE
    PRICE_ASC
    PRICE_DESC
    "Most recently published first (the default otherwise)"
    NEWEST
  }
  "A search result: what a product card shows."
  type ProductHit {
    "Product id"
    id: ID!
    "The full product (one batched call for every hit of the request)"
    product: Product
    title: String!
    storefrontId: ID!
    storefrontName: String!
    storefront: Storefront
    categoryId: ID!
    category: Category
    "First image; null when none"
    mediaId: ID
    priceRange: PriceRange!
    "Highest compare-at price among the variants"
    compareAtPrice: Money
    "A variant is in stock (or stock is not tracked)"
    inStock: Boolean!
    "Metres from the point of near to the storefront; null without near"
    distanceMeters: Float
    "Text relevance; 0 without a query"
    relevance: Float!
    "ISO 8601"
    publishedAt: String
  }
  "One search result of a page."
  type ProductHitEdge {
    "The cursor after this hit; only the last edge of a page that has a next one carries it."
    cursor: String
    node: ProductHit!
    "Metres from the point of near; null without near"
    distanceMeters: Float
  }
  "A page of search results."
  type ProductSearchConnection {
    edges: [ProductHitEdge!]!
    pageInfo: PageInfo!
    "The query after spelling corrections; null when no word was corrected"
    correctedQuery: String
  }
  "A variant as a seller writes it."
  input VariantInput {
    "1 to 64 of letters, digits, dot, dash, underscore"
    sku: String!
    price: MoneyInput!
    compareAtPrice: MoneyInput
    "One value for each of the product's option names"
    options: [NameValueInput!]
  }
  "A new product (DRAFT unless told otherwise; an ACTIVE one needs a variant)."
  input CreateProductInput {
    title: String!
    description: String
    "An active category"
    categoryId: ID!
    attributes: [NameValueInput!]
    "At most 5 distinct names"
    optionNames: [String!]
    mediaIds: [ID!]
    "DRAFT or ACTIVE"
    status: ProductStatus
    variants: [VariantInput!]
  }
  "Product changes: omitted fields stay; attributes, mediaIds and optionNames replace the whole list."
  input UpdateProductInput {
    title: String
    description: String
    categoryId: ID
    attributes: [NameValueInput!]
    mediaIds: [ID!]
    status: ProductStatus
    "With variants, only a rename: as many names, each taking the place of the one at its position"
    optionNames: [String!]
  }
  "Variant changes: omitted fields stay; compareAtPrice null removes it; options replace all."
  input UpdateVariantInput {
    sku: String
    price: MoneyInput
    compareAtPrice: MoneyInput
    options: [NameValueInput!]
    position: Int
  }
  "A changed variant and its product."
  type VariantPayload {
    variant: Variant!
    product: Product!
  }
  extend type Storefront {
    "Its products, newest first: every status for its owner and admins (status filters), active ones for others"
    products(first: Int, after: String, status: ProductStatus): ProductConnection!
  }
  extend type Query {
    "The category tree as a flat list, parents before children (children and breadcrumbs link it up)"
    categories(includeArchived: Boolean = false): [Category!]!
    "One category by id or slug"
    category(id: ID, slug: String): Category
    "One product: an active one of an active storefront to anyone, any to its seller or an admin"
    product(id: ID!): Product
    "Search visible products. first: 1 to 100, default 20"
    products${searchArguments}: ProductSearchConnection!
    "The same as products"
    search${searchArguments}: ProductSearchConnection!
  }
  extend type Mutation {
    "Add a category (admin)"
    createCategory(input: CreateCategoryInput!): Category!
    "Rename, move or archive a category (admin)"
    updateCategory(id: ID!, input: UpdateCategoryInput!): Category!
    "List a product in the caller's storefront"
    createProduct(input: CreateProductInput!): Product!
    "Change a product (its seller or an admin)"
    updateProduct(id: ID!, input: UpdateProductInput!): Product!
    "Add a variant to a product (its seller or an admin)"
    addVariant(productId: ID!, input: VariantInput!): VariantPayload!
    "Change a variant (its seller or an admin)"
    updateVariant(id: ID!, input: UpdateVariantInput!): VariantPayload!
    "Remove a variant (its seller or an admin); an active product keeps at least one. Returns the product"
    deleteVariant(id: ID!): Product!
  }
`;

const errors = errorResponses;
const security = bearerSecurity;
const productTags = ["products"];
const categoryTags = ["categories"];
const stringMap = (maxValue: number) => ({
  type: "object",
  propertyNames: { minLength: 1, maxLength: 40 },
  additionalProperties: { type: "string", maxLength: maxValue },
});
const productStatusNames = ["draft", "active", "archived"] as const;
const sortNames = ["relevance", "distance", "price_asc", "price_desc", "newest"] as const;

const categorySchema = {
  $id: "Category",
  type: "object",
  required: [
    "id",
    "parentId",
    "name",
    "slug",
    "position",
    "status",
    "depth",
    "ancestorIds",
    "createdAt",
    "updatedAt",
  ],
  properties: {
    id: uuid,
    parentId: { type: ["string", "null"], description: "null for a root" },
    name: { type: "string" },
    slug: { type: "string" },
    position: { type: "integer" },
    status: { type: "string", enum: ["active", "archived"] },
    depth: { type: "integer", description: "0 for a root" },
    ancestorIds: { type: "array", items: { type: "string" }, description: "root first" },
    createdAt: dateTime,
    updatedAt: dateTime,
  },
} as const;

const categoryDetailSchema = {
  $id: "CategoryDetail",
  type: "object",
  required: [...categorySchema.required, "breadcrumbs", "children"],
  properties: {
    ...categorySchema.properties,
    breadcrumbs: { type: "array", items: { $ref: "Category#" }, description: "ancestors, root first" },
    children: { type: "array", items: { $ref: "Category#" } },
  },
} as const;

const variantSchema = {
  $id: "Variant",
  type: "object",
  required: [
    "id",
    "productId",
    "sku",
    "price",
    "compareAtPrice",
    "options",
    "position",
    "createdAt",
    "updatedAt",
  ],
  properties: {
    id: uuid,
    productId: uuid,
    sku: { type: "string" },
    price: moneyRef,
    compareAtPrice: nullableMoneyRef,
    options: { type: "object", additionalProperties: { type: "string" }, description: 'e.g. {"size": "M"}' },
    position: { type: "integer" },
    createdAt: dateTime,
    updatedAt: dateTime,
  },
} as const;

const priceRangeSchema = {
  type: "object",
  required: ["min", "max"],
  properties: { min: moneyRef, max: moneyRef },
} as const;

const productSchema = {
  $id: "Product",
  type: "object",
  required: [
    "id",
    "storefrontId",
    "title",
    "description",
    "categoryId",
    "attributes",
    "optionNames",
    "mediaIds",
    "status",
    "variants",
    "priceRange",
    "publishedAt",
    "createdAt",
    "updatedAt",
  ],
  properties: {
    id: uuid,
    storefrontId: uuid,
    title: { type: "string" },
    description: { type: "string" },
    categoryId: uuid,
    attributes: { type: "object", additionalProperties: { type: "string" } },
    optionNames: { type: "array", items: { type: "string" } },
    mediaIds: { type: "array", items: { type: "string" } },
    status: { type: "string", enum: productStatusNames },
    variants: { type: "array", items: { $ref: "Variant#" } },
    priceRange: {
      anyOf: [priceRangeSchema, { type: "null" }],
      description: "null without variants or with prices in several currencies",
    },
    publishedAt: { type: ["string", "null"], format: "date-time" },
    createdAt: dateTime,
    updatedAt: dateTime,
  },
} as const;

const productHitSchema = {
  $id: "ProductHit",
  type: "object",
  required: [
    "id",
    "storefrontId",
    "storefrontName",
    "title",
    "categoryId",
    "mediaId",
    "priceRange",
    "compareAtPrice",
    "inStock",
    "distanceMeters",
    "relevance",
    "publishedAt",
  ],
  properties: {
    id: { ...uuid, description: "product id" },
    storefrontId: uuid,
    storefrontName: { type: "string" },
    title: { type: "string" },
    categoryId: uuid,
    mediaId: { type: ["string", "null"], description: "first image" },
    priceRange: priceRangeSchema,
    compareAtPrice: nullableMoneyRef,
    inStock: { type: "boolean" },
    distanceMeters: { type: ["number", "null"], description: "metres from near to the storefront" },
    relevance: { type: "number" },
    publishedAt: { type: ["string", "null"], format: "date-time" },
  },
} as const;

const productPageSchema = {
  $id: "ProductPage",
  type: "object",
  required: ["items", "nextCursor"],
  properties: {
    items: { type: "array", items: { $ref: "Product#" } },
    nextCursor: { type: ["string", "null"] },
  },
} as const;

const searchPageSchema = {
  $id: "ProductSearchPage",
  type: "object",
  required: ["items", "nextCursor", "correctedQuery"],
  properties: {
    items: { type: "array", items: { $ref: "ProductHit#" } },
    nextCursor: { type: ["string", "null"], description: "pass as cursor with the same filters" },
    correctedQuery: {
      type: ["string", "null"],
      description: "the query after spelling corrections; null when none",
    },
  },
} as const;

const variantPayloadSchema = {
  $id: "VariantPayload",
  type: "object",
  required: ["variant", "product"],
  properties: { variant: { $ref: "Variant#" }, product: { $ref: "Product#" } },
} as const;

const variantBody = {
  type: "object",
  required: ["sku", "price"],
  additionalProperties: false,
  properties: {
    sku: { type: "string", pattern: "^[A-Za-z0-9._-]{1,64}$" },
    price: moneyBody,
    compareAtPrice: { anyOf: [moneyBody, { type: "null" }], description: "greater than price" },
    options: {
      ...stringMap(60),
      maxProperties: 10,
      description: 'one value per option name, e.g. {"size": "M"}',
    },
  },
} as const;

const mediaIds = { type: "array", maxItems: 20, uniqueItems: true, items: uuid } as const;

const optionNames = {
  type: "array",
  maxItems: 5,
  uniqueItems: true,
  items: { type: "string", minLength: 1, maxLength: 40 },
} as const;

const productBodyProperties = {
  title: { type: "string", minLength: 2, maxLength: 200 },
  description: { type: ["string", "null"], maxLength: 10_000 },
  categoryId: uuid,
  attributes: { ...stringMap(200), maxProperties: 50 },
  mediaIds,
} as const;

const categorySlug = { type: "string", pattern: "^[a-z0-9](?:[a-z0-9]|-[a-z0-9]){0,79}$" };

const idOrSlugParams = {
  type: "object",
  required: ["idOrSlug"],
  additionalProperties: false,
  properties: { idOrSlug: { type: "string", minLength: 1, maxLength: 80, description: "id or slug" } },
} as const;

const variantParams = {
  type: "object",
  required: ["id", "variantId"],
  additionalProperties: false,
  properties: { id: uuid, variantId: uuid },
} as const;

/** Checked before validation, so an anonymous change is a 401 whatever it sends. */
async function signedIn(request: FastifyRequest): Promise<void> {
  requireCaller(request.ctx);
}

interface SearchQuery {
  query?: string;
  categoryId?: string;
  minPrice?: number;
  maxPrice?: number;
  currency?: string;
  storefrontId?: string;
  option?: string[];
  inStock?: boolean;
  near?: string;
  radius?: number;
  sort?: (typeof sortNames)[number];
  limit: number;
  cursor?: string;
}

/** `color:red` → `{ name: "color", value: "red" }`. */
function optionFilters(options: string[] | undefined): Pair[] {
  return (options ?? []).map((option) => {
    const at = option.indexOf(":");
    return { name: option.slice(0, at), value: option.slice(at + 1) };
  });
}

function restRoutes(app: FastifyInstance, services: ServiceDirectory, serviceName: string): void {
  const products = () => services.client(serviceName, ProductsService);
  for (const shared of [
    moneySchema,
    nullableMoneySchema,
    categorySchema,
    categoryDetailSchema,
    variantSchema,
    productSchema,
    productHitSchema,
    productPageSchema,
    searchPageSchema,
    variantPayloadSchema,
  ]) {
    app.addSchema(shared);
  }
  const body = clientField("body");
  const variantBodyNames = clientField("body", { "variant.sku": "body.sku" });
  const query = clientField("querystring", {
    "near.radius_meters": "querystring.radius",
    min_price: "querystring.minPrice",
    max_price: "querystring.maxPrice",
  });

  /** The product's variant, or NOT_FOUND when the variant belongs to another product. */
  const checkVariant = async (productId: string, variantId: string) => {
    const { product } = await products().getProduct({ id: productId });
    if (!product?.variants.some((v) => v.id === variantId)) {
      throw new NotFound(`product ${productId} has no variant ${variantId}`);
    }
  };

  app.get<{ Querystring: { includeArchived?: boolean } }>(
    "/categories",
    {
      config: publicRoute,
      schema: {
        tags: categoryTags,
        summary: "The category tree as a flat list, parents before children, siblings by position then name",
        querystring: {
          type: "object",
          additionalProperties: false,
          properties: { includeArchived: { type: "boolean", default: false } },
        },
        response: {
          200: {
            type: "object",
            required: ["items"],
            properties: { items: { type: "array", items: { $ref: "Category#" } } },
          },
          ...errors,
        },
      },
    },
    async (request) => {
      const answer = await products().listCategories({
        includeArchived: request.query.includeArchived === true,
      });
      return { items: answer.categories.map(categoryJson) };
    },
  );

  app.get<{ Params: { idOrSlug: string } }>(
    "/categories/:idOrSlug",
    {
      config: publicRoute,
      schema: {
        tags: categoryTags,
        summary: "One category by id or slug, with its breadcrumbs (root first) and children",
        params: idOrSlugParams,
        response: { 200: { $ref: "CategoryDetail#" }, ...errors },
      },
    },
    async (request) =>
      categoryDetail(
        await renamingFields(
          products().getCategory({ key: idOrSlug(request.params.idOrSlug) }),
          idOrSlugField,
        ),
      ),
  );

  app.post<{ Body: CategoryBody & { name: string } }>(
    "/categories",
    {
      onRequest: signedIn,
      schema: {
        tags: categoryTags,
        summary: "Add a category under a parent or at the root (admin)",
        security,
        body: {
          type: "object",
          required: ["name"],
          additionalProperties: false,
          properties: {
            name: { type: "string", minLength: 1, maxLength: 100 },
            slug: { ...categorySlug, description: "derived from the name when omitted" },
            parentId: { type: ["string", "null"], format: "uuid", description: "null or absent for a root" },
            position: { type: "integer", minimum: -2147483648, maximum: 2147483647 },
          },
        },
        response: { 201: { $ref: "Category#" }, ...errors },
      },
    },
    async (request, reply) => {
      const answer = await renamingFields(
        products().createCategory(createCategoryRequest(request.body)),
        body,
      );
      return reply.status(201).send(categoryJson(answer.category));
    },
  );

  app.patch<{ Params: { id: string }; Body: CategoryBody }>(
    "/categories/:id",
    {
      onRequest: signedIn,
      schema: {
        tags: categoryTags,
        summary:
          "Rename, move or archive a category (admin): omitted fields stay, parentId null moves it to the root, archiving archives its descendants",
        security,
        params: idParams,
        body: {
          type: "object",
          additionalProperties: false,
          properties: {
            name: { type: "string", minLength: 1, maxLength: 100 },
            slug: categorySlug,
            parentId: { type: ["string", "null"], format: "uuid" },
            position: { type: "integer", minimum: -2147483648, maximum: 2147483647 },
            status: { type: "string", enum: ["active", "archived"] },
          },
        },
        response: { 200: { $ref: "Category#" }, ...errors },
      },
    },
    async (request) => {
      const answer = await renamingFields(
        products().updateCategory(updateCategoryRequest(request.params.id, request.body)),
        body,
      );
      return categoryJson(answer.category);
    },
  );

  app.get<{ Querystring: SearchQuery }>(
    "/products",
    {
      config: publicRoute,
      schema: {
        tags: productTags,
        summary:
          "Search visible products by text (typo-tolerant), category (with descendants), price, storefront, options, stock and distance",
        querystring: {
          type: "object",
          additionalProperties: false,
          properties: {
            query: { type: "string", maxLength: 200 },
            categoryId: { ...uuid, description: "this category or below it" },
            minPrice: {
              type: "integer",
              minimum: 0,
              maximum: Number.MAX_SAFE_INTEGER,
              description: "minor units",
            },
            maxPrice: {
              type: "integer",
              minimum: 0,
              maximum: Number.MAX_SAFE_INTEGER,
              description: "minor units",
            },
            currency: { type: "string", pattern: "^[A-Za-z]{3}$", description: "ISO 4217" },
            storefrontId: uuid,
            option: {
              type: "array",
              maxItems: 10,
              items: { type: "string", pattern: "^[^:]{1,40}:.{1,60}$" },
              description:
                "name:value, repeatable: a variant with all of them, e.g. option=color:red&option=size:M",
            },
            inStock: { type: "boolean" },
            near: {
              type: "string",
              pattern: "^-?[0-9]+(\\.[0-9]+)?,-?[0-9]+(\\.[0-9]+)?$",
              description: "lat,lng in degrees; only storefronts within radius",
            },
            radius: {
              type: "number",
              exclusiveMinimum: 0,
              maximum: 20_000_000,
              description: "metres around near; default 50000",
            },
            sort: {
              type: "string",
              enum: sortNames,
              description: "default: relevance with a query, else distance with near, else newest",
            },
            ...pageQueryProperties,
          },
        },
        response: { 200: { $ref: "ProductSearchPage#" }, ...errors },
      },
    },
    async (request) => {
      const q = request.query;
      const near = nearQuery(q.near, q.radius);
      const filters = searchRequest(
        {
          ...q,
          options: optionFilters(q.option),
          near,
          limit: q.limit,
        },
        { minPrice: "querystring.minPrice", maxPrice: "querystring.maxPrice", sort: "querystring.sort" },
      );
      const page = await renamingFields(products().searchProducts(filters), query);
      return {
        items: page.hits.map(hitJson),
        nextCursor: orNull(page.nextCursor),
        correctedQuery: orNull(page.correctedQuery),
      };
    },
  );

  app.get<{ Params: { id: string } }>(
    "/products/:id",
    {
      config: publicRoute,
      schema: {
        tags: productTags,
        summary:
          "One product with its variants: an active one of an active storefront to anyone, any to its seller",
        params: idParams,
        response: { 200: { $ref: "Product#" }, ...errors },
      },
    },
    async (request) => productJson((await products().getProduct({ id: request.params.id })).product),
  );

  app.get<{ Params: { id: string }; Querystring: { limit: number; cursor?: string; status?: string } }>(
    "/sellers/:id/products",
    {
      config: publicRoute,
      schema: {
        tags: productTags,
        summary:
          "A storefront's products, newest first: every status for its seller and admins, active ones for others",
        params: idParams,
        querystring: {
          type: "object",
          additionalProperties: false,
          properties: {
            ...pageQueryProperties,
            status: { type: "string", enum: productStatusNames, description: "its seller and admins only" },
          },
        },
        response: { 200: { $ref: "ProductPage#" }, ...errors },
      },
    },
    async (request) => {
      const q = request.query;
      const page = await renamingFields(
        products().listStorefrontProducts({
          storefrontId: request.params.id,
          limit: q.limit,
          cursor: q.cursor ?? "",
          ...(q.status ? { status: productStatus(q.status) } : {}),
        }),
        query,
      );
      return { items: page.products.map(productJson), nextCursor: orNull(page.nextCursor) };
    },
  );

  app.post<{ Body: ProductBody }>(
    "/products",
    {
      onRequest: signedIn,
      schema: {
        tags: productTags,
        summary:
          "List a product in the caller's storefront (draft unless told otherwise; an active one needs a variant)",
        security,
        body: {
          type: "object",
          required: ["title", "categoryId"],
          additionalProperties: false,
          properties: {
            ...productBodyProperties,
            optionNames,
            status: { type: "string", enum: ["draft", "active"] },
            variants: { type: "array", maxItems: 100, items: variantBody },
          },
        },
        response: { 201: { $ref: "Product#" }, ...errors },
      },
    },
    async (request, reply) => {
      const answer = await renamingFields(
        products().createProduct(createProductRequest(request.body, "body")),
        body,
      );
      return reply.status(201).send(productJson(answer.product));
    },
  );

  app.patch<{ Params: { id: string }; Body: ProductPatch }>(
    "/products/:id",
    {
      onRequest: signedIn,
      schema: {
        tags: productTags,
        summary:
          "Change a product (its seller or an admin): omitted fields stay, attributes, mediaIds and optionNames replace (with variants, optionNames only renames)",
        security,
        params: idParams,
        body: {
          type: "object",
          additionalProperties: false,
          properties: {
            ...productBodyProperties,
            optionNames,
            status: { type: "string", enum: productStatusNames },
          },
        },
        response: { 200: { $ref: "Product#" }, ...errors },
      },
    },
    async (request) => {
      const answer = await renamingFields(
        products().updateProduct(updateProductRequest(request.params.id, request.body, "body")),
        body,
      );
      return productJson(answer.product);
    },
  );

  app.post<{ Params: { id: string }; Body: VariantBody }>(
    "/products/:id/variants",
    {
      onRequest: signedIn,
      schema: {
        tags: productTags,
        summary: "Add a variant to a product (its seller or an admin)",
        security,
        params: idParams,
        body: variantBody,
        response: { 201: { $ref: "VariantPayload#" }, ...errors },
      },
    },
    async (request, reply) => {
      const answer = await renamingFields(
        products().addVariant({
          productId: request.params.id,
          variant: variantMessage(request.body, "body"),
        }),
        (field) => variantBodyNames(field.replace(/^variant\./, "")),
      );
      return reply
        .status(201)
        .send({ variant: variantJson(answer.variant), product: productJson(answer.product) });
    },
  );

  app.patch<{ Params: { id: string; variantId: string }; Body: VariantPatch }>(
    "/products/:id/variants/:variantId",
    {
      onRequest: signedIn,
      schema: {
        tags: productTags,
        summary:
          "Change a variant (its seller or an admin): omitted fields stay, compareAtPrice null removes it, options replace all",
        security,
        params: variantParams,
        body: {
          type: "object",
          additionalProperties: false,
          properties: {
            ...variantBody.properties,
            position: { type: "integer", minimum: 0, maximum: 10_000 },
          },
        },
        response: { 200: { $ref: "VariantPayload#" }, ...errors },
      },
    },
    async (request) => {
      await checkVariant(request.params.id, request.params.variantId);
      const answer = await renamingFields(
        products().updateVariant(updateVariantRequest(request.params.variantId, request.body, "body")),
        body,
      );
      return { variant: variantJson(answer.variant), product: productJson(answer.product) };
    },
  );

  app.delete<{ Params: { id: string; variantId: string } }>(
    "/products/:id/variants/:variantId",
    {
      onRequest: signedIn,
      schema: {
        tags: productTags,
        summary: "Remove a variant (its seller or an admin); an active product keeps at least one",
        security,
        params: variantParams,
        response: { 204: { type: "null", description: "Deleted" }, ...errors },
      },
    },
    async (request, reply) => {
      await checkVariant(request.params.id, request.params.variantId);
      await products().deleteVariant({ id: request.params.variantId });
      return reply.status(204).send();
    },
  );
}

/** Search arguments of GraphQL. */
interface SearchArgs {
  query?: string | null;
  categoryId?: string | null;
  minPrice?: unknown;
  maxPrice?: unknown;
  currency?: string | null;
  storefrontId?: string | null;
  options?: Pair[] | null;
  inStock?: boolean | null;
  near?: NearInput | null;
  sort?: string | null;
  first?: number | null;
  after?: string | null;
}

type Hit = ReturnType<typeof hitJson>;
type CategoryNode = CategoryJson & { breadcrumbs?: CategoryJson[]; children?: CategoryJson[] };

/** Options of productsGatewayModule. */
export interface ProductsModuleOptions {
  /** Name of the products service in the gateway's directory; default `products`. */
  products?: string;
  /** Name of the sellers service, for storefronts of products; default `sellers`. */
  sellers?: string;
}

/**
 * The public surface of the products service: categories, products, variants and search in
 * GraphQL (`categories`, `category`, `product`, `products`/`search`, `Storefront.products` and
 * the seller and admin mutations; storefronts and categories of results batched with DataLoader)
 * and REST under /api/v1/categories, /api/v1/products and /api/v1/sellers/:id/products. Needs the
 * sellers module (its Storefront, PageInfo, Money and NearInput types).
 */
export function productsGatewayModule(options: ProductsModuleOptions = {}): GatewayModule {
  const names: CatalogServiceNames = {
    products: options.products ?? "products",
    sellers: options.sellers ?? "sellers",
  };
  return defineGatewayModule({
    name: "products",
    schema,
    resolvers: ({ services }) => {
      const products = () => services.client(names.products, ProductsService);
      const loaders = (context: GraphqlContext) => catalogLoaders(context.ctx, services, names);
      const input = clientField("input");
      const argNames = clientField(null, {
        cursor: "after",
        limit: "first",
        "near.radius_meters": "near.radiusMeters",
        "near.point.latitude": "near.lat",
        "near.point.longitude": "near.lng",
      });
      const idOrInput = (field: string) => (field === "id" ? "id" : input(field));
      const signedInOnly = (context: GraphqlContext) => requireCaller(context.ctx);
      const upper = (value: { status: string }) => value.status.toUpperCase();
      const storefrontOf = (value: { storefrontId: string }, _args: unknown, context: GraphqlContext) =>
        loaders(context).storefronts.load(value.storefrontId);
      const categoryOf = (value: { categoryId: string }, _args: unknown, context: GraphqlContext) =>
        loaders(context).categories.load(value.categoryId);
      const search = async (_root: unknown, args: SearchArgs) => {
        const request = searchRequest(
          {
            ...args,
            near: args.near ? nearRequest(args.near, "near") : undefined,
            limit: pageSize(args.first),
            cursor: args.after ?? null,
          },
          { minPrice: "minPrice", maxPrice: "maxPrice", sort: "sort" },
        );
        const page = await renamingFields(products().searchProducts(request), argNames);
        return {
          ...connection(page.hits.map(hitJson), page.nextCursor, (hit: Hit) => ({
            distanceMeters: hit.distanceMeters,
          })),
          correctedQuery: orNull(page.correctedQuery),
        };
      };
      const variantPayload = (answer: {
        variant?: Parameters<typeof variantJson>[0];
        product?: Parameters<typeof productJson>[0];
      }) => ({
        variant: variantJson(answer.variant),
        product: productJson(answer.product),
      });
      return {
        Category: {
          status: upper,
          parent: (category: CategoryNode, _args: unknown, context: GraphqlContext) =>
            category.parentId ? loaders(context).categories.load(category.parentId) : null,
          breadcrumbs: async (category: CategoryNode, _args: unknown, context: GraphqlContext) => {
            if (category.breadcrumbs) return category.breadcrumbs;
            const found = await loaders(context).categories.loadMany(category.ancestorIds);
            return found.filter((c): c is CategoryJson => c !== null && !(c instanceof Error));
          },
          children: async (category: CategoryNode, _args: unknown, context: GraphqlContext) => {
            if (category.children) return category.children;
            const { list } = await loaders(context).categoryTree();
            return list.filter(
              (c) => c.parentId === category.id && (c.status === "active" || category.status === "archived"),
            );
          },
        },
        Product: {
          status: upper,
          storefront: storefrontOf,
          category: categoryOf,
          attributes: (product: ProductJson) => pairs(product.attributes),
        },
        Variant: {
          options: (variant: ReturnType<typeof variantJson>) => pairs(variant.options),
        },
        ProductHit: {
          storefront: storefrontOf,
          category: categoryOf,
          product: (hit: Hit, _args: unknown, context: GraphqlContext) =>
            loaders(context).products.load(hit.id),
        },
        Storefront: {
          products: async (
            storefront: StorefrontJson,
            args: { first?: number | null; after?: string | null; status?: string | null },
          ) => {
            const page = await renamingFields(
              products().listStorefrontProducts({
                storefrontId: storefront.id,
                limit: pageSize(args.first),
                cursor: args.after ?? "",
                ...(args.status ? { status: productStatus(args.status) } : {}),
              }),
              argNames,
            );
            return connection(page.products.map(productJson), page.nextCursor);
          },
        },
        Query: {
          categories: async (_root: unknown, args: { includeArchived?: boolean | null }) => {
            const answer = await products().listCategories({
              includeArchived: args.includeArchived === true,
            });
            return categoryList(answer.categories.map(categoryJson));
          },
          category: async (_root: unknown, args: { id?: string | null; slug?: string | null }) => {
            return categoryDetail(await products().getCategory({ key: oneKey(args) }));
          },
          product: async (_root: unknown, args: { id: string }) =>
            productJson((await products().getProduct({ id: args.id })).product),
          products: search,
          search,
        },
        Mutation: {
          createCategory: async (
            _root: unknown,
            args: { input: CategoryBody & { name: string } },
            context: GraphqlContext,
          ) => {
            signedInOnly(context);
            const answer = await renamingFields(
              products().createCategory(createCategoryRequest(args.input)),
              input,
            );
            return categoryJson(answer.category);
          },
          updateCategory: async (
            _root: unknown,
            args: { id: string; input: CategoryBody },
            context: GraphqlContext,
          ) => {
            signedInOnly(context);
            const answer = await renamingFields(
              products().updateCategory(updateCategoryRequest(args.id, args.input)),
              idOrInput,
            );
            return categoryJson(answer.category);
          },
          createProduct: async (_root: unknown, args: { input: ProductBody }, context: GraphqlContext) => {
            signedInOnly(context);
            const answer = await renamingFields(
              products().createProduct(createProductRequest(args.input, "input")),
              input,
            );
            return productJson(answer.product);
          },
          updateProduct: async (
            _root: unknown,
            args: { id: string; input: ProductPatch },
            context: GraphqlContext,
          ) => {
            signedInOnly(context);
            const answer = await renamingFields(
              products().updateProduct(updateProductRequest(args.id, args.input, "input")),
              idOrInput,
            );
            return productJson(answer.product);
          },
          addVariant: async (
            _root: unknown,
            args: { productId: string; input: VariantBody },
            context: GraphqlContext,
          ) => {
            signedInOnly(context);
            const answer = await renamingFields(
              products().addVariant({
                productId: args.productId,
                variant: variantMessage(args.input, "input"),
              }),
              (field) => (field === "product_id" ? "productId" : input(field.replace(/^variant\./, ""))),
            );
            return variantPayload(answer);
          },
          updateVariant: async (
            _root: unknown,
            args: { id: string; input: VariantPatch },
            context: GraphqlContext,
          ) => {
            signedInOnly(context);
            const answer = await renamingFields(
              products().updateVariant(updateVariantRequest(args.id, args.input, "input")),
              idOrInput,
            );
            return variantPayload(answer);
          },
          deleteVariant: async (_root: unknown, args: { id: string }, context: GraphqlContext) => {
            signedInOnly(context);
            return productJson((await products().deleteVariant({ id: args.id })).product);
          },
        },
      };
    },
    rest: async (app, { services }) => {
      await app.register(async (scoped) => restRoutes(scoped, services, names.products));
    },
  });
}
