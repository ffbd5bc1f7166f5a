import { type Static, type TSchema, Type } from "typebox";
import { closedObject, DateTime, nullable, PageQuery, ref, stringEnum, Uuid } from "../../rest-schema.js";
import { Money, type MoneyInput, moneyBody, NullableMoney } from "../catalog-common.js";
import { mediaField, mediaListField } from "../media/schemas.js";

/** Whether a category is offered, as REST names it (GraphQL upper-cases it). */
export const categoryStatuses = ["active", "archived"] as const;

/** A category status as REST names it. */
export type CategoryStatusName = (typeof categoryStatuses)[number];

/** Whether buyers see a product, as REST names it (GraphQL upper-cases it). */
export const productStatuses = ["draft", "active", "archived"] as const;

/** A product status as REST names it. */
export type ProductStatusName = (typeof productStatuses)[number];

/** Orders of search results, as REST names them (GraphQL upper-cases them). */
export const searchSorts = ["relevance", "distance", "price_asc", "price_desc", "newest"] as const;

/** An order of search results as REST names it. */
export type SearchSortName = (typeof searchSorts)[number];

/** A `{name: value}` map of strings (GraphQL lists it as `{name, value}` pairs). */
const stringMap = (options: { description?: string } = {}) =>
  Type.Unsafe<Record<string, string>>({
    type: "object",
    additionalProperties: { type: "string" },
    ...options,
  });

/** An array schema with its bounds before its items, where the hand-written schemas had them. */
function boundedArray<T extends TSchema>(
  items: T,
  bounds: { maxItems: number; uniqueItems?: boolean; description?: string },
) {
  return Type.Unsafe<Static<T>[]>({ type: "array", ...bounds, items });
}

const categoryFields = {
  id: Uuid,
  parentId: nullable(Type.String({ description: "null for a root" })),
  name: Type.String(),
  slug: Type.String(),
  position: Type.Integer(),
  status: stringEnum(categoryStatuses),
  depth: Type.Integer({ description: "0 for a root" }),
  ancestorIds: Type.Array(Type.String(), { description: "root first" }),
  createdAt: DateTime,
  updatedAt: DateTime,
};

/** A node of the category tree as clients see it (REST `Category`). */
export const Category = Type.Object(categoryFields, { $id: "Category" });

/** A category with its ancestors (root first) and its children (REST `GET /categories/:idOrSlug`). */
export const CategoryDetail = Type.Object(
  {
    ...categoryFields,
    breadcrumbs: Type.Array(ref(Category), { description: "ancestors, root first" }),
    children: Type.Array(ref(Category)),
  },
  { $id: "CategoryDetail" },
);

/**
 * What the GraphQL `Category` resolves from: a category, with its breadcrumbs and children when
 * they came with it (one category read, or the whole list); otherwise they are loaded.
 */
export type CategoryModel = Static<typeof Category> &
  Partial<Pick<Static<typeof CategoryDetail>, "breadcrumbs" | "children">>;

/** One buyable version of a product: options as a map (REST `Variant`). */
export const Variant = Type.Object(
  {
    id: Uuid,
    productId: Uuid,
    sku: Type.String(),
    price: Money,
    compareAtPrice: NullableMoney,
    options: stringMap({ description: 'e.g. {"size": "M"}' }),
    position: Type.Integer(),
    createdAt: DateTime,
    updatedAt: DateTime,
  },
  { $id: "Variant" },
);

/** What the GraphQL `Variant` resolves from. */
export type VariantModel = Static<typeof Variant>;

const PriceRange = Type.Object({ min: Money, max: Money });

const publishedAt = nullable(Type.String({ format: "date-time" }));

/** An item a storefront sells, with its variants and price range (REST `Product`). */
export const Product = Type.Object(
  {
    id: Uuid,
    storefrontId: Uuid,
    title: Type.String(),
    description: Type.String(),
    categoryId: Uuid,
    attributes: stringMap(),
    optionNames: Type.Array(Type.String()),
    mediaIds: Type.Array(Type.String()),
    media: mediaListField,
    image: mediaField("the first of media"),
    status: stringEnum(productStatuses),
    variants: Type.Array(ref(Variant)),
    priceRange: Type.Union([PriceRange, Type.Null()], {
      description: "null without variants or with prices in several currencies",
    }),
    publishedAt,
    createdAt: DateTime,
    updatedAt: DateTime,
  },
  { $id: "Product" },
);

/** What the GraphQL `Product` resolves from: attributes as a map. */
export type ProductModel = Static<typeof Product>;

/** A search result: what a product card shows (REST `ProductHit`). */
export const ProductHit = Type.Object(
  {
    id: Type.String({ format: "uuid", description: "product id" }),
    storefrontId: Uuid,
    storefrontName: Type.String(),
    title: Type.String(),
    categoryId: Uuid,
    mediaId: nullable(Type.String({ description: "first image" })),
    image: mediaField("the image of mediaId"),
    priceRange: PriceRange,
    compareAtPrice: NullableMoney,
    inStock: Type.Boolean(),
    distanceMeters: nullable(Type.Number({ description: "metres from near to the storefront" })),
    relevance: Type.Number(),
    publishedAt,
  },
  { $id: "ProductHit" },
);

/** What the GraphQL `ProductHit` resolves from. */
export type ProductHitModel = Static<typeof ProductHit>;

/** A REST page of a storefront's products. */
export const ProductPage = Type.Object(
  { items: Type.Array(ref(Product)), nextCursor: nullable(Type.String()) },
  { $id: "ProductPage" },
);

/** A REST page of search results, with the query as spelling corrected it. */
export const ProductSearchPage = Type.Object(
  {
    items: Type.Array(ref(ProductHit)),
    nextCursor: nullable(Type.String({ description: "pass as cursor with the same filters" })),
    correctedQuery: nullable(
      Type.String({ description: "the query after spelling corrections; null when none" }),
    ),
  },
  { $id: "ProductSearchPage" },
);

/** A changed variant and its product. */
export const VariantPayload = Type.Object(
  { variant: ref(Variant), product: ref(Product) },
  { $id: "VariantPayload" },
);

/** The shared schemas the domain's routes reference, in the order the OpenAPI document lists them. */
export const productsSchemas = [
  Category,
  CategoryDetail,
  Variant,
  Product,
  ProductHit,
  ProductPage,
  ProductSearchPage,
  VariantPayload,
];

/** A map a client sends: names of 1 to 40 characters, values of at most `maxValue`. */
const sentMap = (maxValue: number, options: { maxProperties: number; description?: string }) =>
  Type.Unsafe<Record<string, string>>({
    type: "object",
    propertyNames: { minLength: 1, maxLength: 40 },
    additionalProperties: { type: "string", maxLength: maxValue },
    ...options,
  });

const MoneyBody = Type.Unsafe<MoneyInput>(moneyBody);

const variantFields = {
  sku: Type.String({ pattern: "^[A-Za-z0-9._-]{1,64}$" }),
  price: MoneyBody,
  compareAtPrice: Type.Optional(Type.Union([MoneyBody, Type.Null()], { description: "greater than price" })),
  options: Type.Optional(
    sentMap(60, { maxProperties: 10, description: 'one value per option name, e.g. {"size": "M"}' }),
  ),
};

/** REST body of a new variant (GraphQL `VariantInput`, options as pairs). */
export const VariantBody = closedObject(variantFields);

/** REST body of variant changes: omitted fields stay, a null compare-at price removes it (GraphQL `UpdateVariantInput`). */
export const UpdateVariantBody = closedObject({
  ...Type.Partial(Type.Object(variantFields)).properties,
  position: Type.Optional(Type.Integer({ minimum: 0, maximum: 10_000 })),
});

const productFields = {
  title: Type.String({ minLength: 2, maxLength: 200 }),
  description: Type.Optional(nullable(Type.String({ maxLength: 10_000 }))),
  categoryId: Uuid,
  attributes: Type.Optional(sentMap(200, { maxProperties: 50 })),
  mediaIds: Type.Optional(boundedArray(Uuid, { maxItems: 20, uniqueItems: true })),
  optionNames: Type.Optional(
    boundedArray(Type.String({ minLength: 1, maxLength: 40 }), { maxItems: 5, uniqueItems: true }),
  ),
};

/** REST body of a new product, draft unless told otherwise (GraphQL `CreateProductInput`). */
export const CreateProductBody = closedObject({
  ...productFields,
  status: Type.Optional(stringEnum(["draft", "active"])),
  variants: Type.Optional(boundedArray(VariantBody, { maxItems: 100 })),
});

/** REST body of product changes: omitted fields stay, lists replace (GraphQL `UpdateProductInput`). */
export const UpdateProductBody = closedObject({
  ...Type.Partial(Type.Object(productFields)).properties,
  status: Type.Optional(stringEnum(productStatuses)),
});

const position = Type.Integer({ minimum: -2147483648, maximum: 2147483647 });
const slugPattern = "^[a-z0-9](?:[a-z0-9]|-[a-z0-9]){0,79}$";
const name = Type.String({ minLength: 1, maxLength: 100 });

/** REST body of a new category (GraphQL `CreateCategoryInput`). */
export const CreateCategoryBody = closedObject({
  name,
  slug: Type.Optional(
    Type.String({ pattern: slugPattern, description: "derived from the name when omitted" }),
  ),
  parentId: Type.Optional(
    nullable(Type.String({ format: "uuid", description: "null or absent for a root" })),
  ),
  position: Type.Optional(position),
});

/** REST body of category changes: omitted fields stay, a null parent moves it to the root (GraphQL `UpdateCategoryInput`). */
export const UpdateCategoryBody = closedObject({
  name: Type.Optional(name),
  slug: Type.Optional(Type.String({ pattern: slugPattern })),
  parentId: Type.Optional(nullable(Type.String({ format: "uuid" }))),
  position: Type.Optional(position),
  status: Type.Optional(stringEnum(categoryStatuses)),
});

/** REST `GET /categories` query. */
export const CategoriesQuery = closedObject({
  includeArchived: Type.Optional(Type.Boolean({ default: false })),
});

/** REST params naming a category by id or slug. */
export const IdOrSlugParams = closedObject({
  idOrSlug: Type.String({ minLength: 1, maxLength: 80, description: "id or slug" }),
});

/** REST params naming a variant of a product. */
export const ProductVariantParams = closedObject({ id: Uuid, variantId: Uuid });

const priceBound = Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER, description: "minor units" });

/** REST `GET /products` query: the search filters and a page. */
export const SearchQuery = closedObject({
  query: Type.Optional(Type.String({ maxLength: 200 })),
  categoryId: Type.Optional(Type.String({ format: "uuid", description: "this category or below it" })),
  minPrice: Type.Optional(priceBound),
  maxPrice: Type.Optional(priceBound),
  currency: Type.Optional(Type.String({ pattern: "^[A-Za-z]{3}$", description: "ISO 4217" })),
  storefrontId: Type.Optional(Uuid),
  option: Type.Optional(
    boundedArray(Type.String({ pattern: "^[^:]{1,40}:.{1,60}$" }), {
      maxItems: 10,
      description: "name:value, repeatable: a variant with all of them, e.g. option=color:red&option=size:M",
    }),
  ),
  inStock: Type.Optional(Type.Boolean()),
  near: Type.Optional(
    Type.String({
      pattern: "^-?[0-9]+(\\.[0-9]+)?,-?[0-9]+(\\.[0-9]+)?$",
      description: "lat,lng in degrees; only storefronts within radius",
    }),
  ),
  radius: Type.Optional(
    Type.Number({
      exclusiveMinimum: 0,
      maximum: 20_000_000,
      description: "metres around near; default 50000",
    }),
  ),
  sort: Type.Optional(
    Type.Unsafe<SearchSortName>({
      ...stringEnum(searchSorts),
      description: "default: relevance with a query, else distance with near, else newest",
    }),
  ),
  ...PageQuery.properties,
});

/** REST `GET /sellers/:id/products` query: a page, of one status for the seller and admins. */
export const StorefrontProductsQuery = closedObject({
  ...PageQuery.properties,
  status: Type.Optional(
    Type.Unsafe<ProductStatusName>({
      ...stringEnum(productStatuses),
      description: "its seller and admins only",
    }),
  ),
});
