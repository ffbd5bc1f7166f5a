import { Type } from "typebox";
import type { RestApp } from "../../domain.js";
import { IdParams, ref, restPage, restPageOf } from "../../rest-schema.js";
import {
  clientField,
  idOrSlug,
  idOrSlugField,
  nearQuery,
  orNull,
  renamingFields,
} from "../catalog-common.js";
import type { ProductsOperations } from "./operations.js";
import type { NameValue } from "./requests.js";
import {
  CategoriesQuery,
  Category,
  CategoryDetail,
  CreateCategoryBody,
  CreateProductBody,
  IdOrSlugParams,
  Product,
  ProductPage,
  ProductSearchPage,
  ProductVariantParams,
  SearchQuery,
  StorefrontProductsQuery,
  UpdateCategoryBody,
  UpdateProductBody,
  UpdateVariantBody,
  VariantBody,
  VariantPayload,
} from "./schemas.js";

const body = clientField("body");
const query = clientField("querystring", {
  "near.radius_meters": "querystring.radius",
  min_price: "querystring.minPrice",
  max_price: "querystring.maxPrice",
});
// The service names a new variant's fields under `variant`; REST sends the variant as the body.
const variantBody = (field: string) => body(field.replace(/^variant\./, ""));

// One array for all category routes, as for the domain's own tag: the OpenAPI document writes it once.
const categoryTags = ["categories"];

/** `color:red` → `{ name: "color", value: "red" }`. */
function optionFilters(options: string[] | undefined): NameValue[] {
  return (options ?? []).map((option) => {
    const at = option.indexOf(":");
    return { name: option.slice(0, at), value: option.slice(at + 1) };
  });
}

/**
 * REST under /api/v1/categories, /api/v1/products and /api/v1/sellers/:id/products: each route
 * declares its operation's access and calls it.
 */
export function productsRoutes(app: RestApp, ops: ProductsOperations): void {
  app.get(
    "/categories",
    {
      config: { access: ops.categories.access },
      schema: {
        tags: categoryTags,
        summary: "The category tree as a flat list, parents before children, siblings by position then name",
        querystring: CategoriesQuery,
        response: { 200: Type.Object({ items: Type.Array(ref(Category)) }) },
      },
    },
    async (request) => ({
      items: await ops.categories(request.ctx, { includeArchived: request.query.includeArchived === true }),
    }),
  );

  app.get(
    "/categories/:idOrSlug",
    {
      config: { access: ops.category.access },
      schema: {
        tags: categoryTags,
        summary: "One category by id or slug, with its breadcrumbs (root first) and children",
        params: IdOrSlugParams,
        response: { 200: ref(CategoryDetail) },
      },
    },
    (request) =>
      renamingFields(ops.category(request.ctx, { key: idOrSlug(request.params.idOrSlug) }), idOrSlugField),
  );

  app.post(
    "/categories",
    {
      config: { access: ops.createCategory.access },
      schema: {
        tags: categoryTags,
        summary: "Add a category under a parent or at the root (admin)",
        body: CreateCategoryBody,
        response: { 201: ref(Category) },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await renamingFields(ops.createCategory(request.ctx, request.body), body)),
  );

  app.patch(
    "/categories/:id",
    {
      config: { access: ops.updateCategory.access },
      schema: {
        tags: categoryTags,
        summary:
          "Rename, move or archive a category (admin): omitted fields stay, parentId null moves it to the root, archiving archives its descendants",
        params: IdParams,
        body: UpdateCategoryBody,
        response: { 200: ref(Category) },
      },
    },
    (request) =>
      renamingFields(ops.updateCategory(request.ctx, { id: request.params.id, changes: request.body }), body),
  );

  app.get(
    "/products",
    {
      config: { access: ops.search.access },
      schema: {
        summary:
          "Search visible products by text (typo-tolerant), category (with descendants), price, storefront, options, stock and distance",
        querystring: SearchQuery,
        response: { 200: ref(ProductSearchPage) },
      },
    },
    async (request) => {
      const { option, near, radius, ...filters } = request.query;
      // The circle is checked here, where its fields are named as this client sent them.
      const input = {
        ...filters,
        ...restPage(request.query),
        options: optionFilters(option),
        near: nearQuery(near, radius),
      };
      const page = await renamingFields(ops.search(request.ctx, input), query);
      return { ...page, nextCursor: orNull(page.nextCursor) };
    },
  );

  app.get(
    "/products/:id",
    {
      config: { access: ops.product.access },
      schema: {
        summary:
          "One product with its variants: an active one of an active storefront to anyone, any to its seller",
        params: IdParams,
        response: { 200: ref(Product) },
      },
    },
    (request) => ops.product(request.ctx, request.params),
  );

  app.get(
    "/sellers/:id/products",
    {
      config: { access: ops.storefrontProducts.access },
      schema: {
        summary:
          "A storefront's products, newest first: every status for its seller and admins, active ones for others",
        params: IdParams,
        querystring: StorefrontProductsQuery,
        response: { 200: ref(ProductPage) },
      },
    },
    (request) => {
      const input = {
        ...restPage(request.query),
        storefrontId: request.params.id,
        status: request.query.status,
      };
      return restPageOf(renamingFields(ops.storefrontProducts(request.ctx, input), query));
    },
  );

  app.post(
    "/products",
    {
      config: { access: ops.createProduct.access },
      schema: {
        summary:
          "List a product in the caller's storefront (draft unless told otherwise; an active one needs a variant)",
        body: CreateProductBody,
        response: { 201: ref(Product) },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await renamingFields(ops.createProduct(request.ctx, request.body), body)),
  );

  app.patch(
    "/products/:id",
    {
      config: { access: ops.updateProduct.access },
      schema: {
        summary:
          "Change a product (its seller or an admin): omitted fields stay, attributes, mediaIds and optionNames replace (with variants, optionNames only renames)",
        params: IdParams,
        body: UpdateProductBody,
        response: { 200: ref(Product) },
      },
    },
    (request) =>
      renamingFields(ops.updateProduct(request.ctx, { id: request.params.id, changes: request.body }), body),
  );

  app.post(
    "/products/:id/variants",
    {
      config: { access: ops.addVariant.access },
      schema: {
        summary: "Add a variant to a product (its seller or an admin)",
        params: IdParams,
        body: VariantBody,
        response: { 201: ref(VariantPayload) },
      },
    },
    async (request, reply) => {
      const input = { productId: request.params.id, variant: request.body };
      return reply.status(201).send(await renamingFields(ops.addVariant(request.ctx, input), variantBody));
    },
  );

  app.patch(
    "/products/:id/variants/:variantId",
    {
      config: { access: ops.updateVariant.access },
      schema: {
        summary:
          "Change a variant (its seller or an admin): omitted fields stay, compareAtPrice null removes it, options replace all",
        params: ProductVariantParams,
        body: UpdateVariantBody,
        response: { 200: ref(VariantPayload) },
      },
    },
    (request) => {
      const { id: productId, variantId: id } = request.params;
      return renamingFields(ops.updateVariant(request.ctx, { id, productId, changes: request.body }), body);
    },
  );

  app.delete(
    "/products/:id/variants/:variantId",
    {
      config: { access: ops.deleteVariant.access },
      schema: {
        summary: "Remove a variant (its seller or an admin); an active product keeps at least one",
        params: ProductVariantParams,
        response: { 204: Type.Unsafe<undefined>({ type: "null", description: "Deleted" }) },
      },
    },
    async (request, reply) => {
      await ops.deleteVariant(request.ctx, { id: request.params.variantId, productId: request.params.id });
      return reply.status(204).send();
    },
  );
}
