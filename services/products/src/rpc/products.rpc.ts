import { create } from "@bufbuild/protobuf";
import type { ConnectRouter, ServiceImpl } from "@connectrpc/connect";
import {
  AddVariantResponseSchema,
  BatchGetProductsResponseSchema,
  BatchGetVariantsResponseSchema,
  CategoryStatus,
  CreateCategoryResponseSchema,
  CreateProductResponseSchema,
  DeleteVariantResponseSchema,
  GetCategoryResponseSchema,
  GetProductResponseSchema,
  ListCategoriesResponseSchema,
  ListStorefrontProductsResponseSchema,
  ProductStatus,
  ProductsService,
  UpdateCategoryResponseSchema,
  UpdateProductResponseSchema,
  UpdateVariantResponseSchema,
  VariantWithProductSchema,
} from "@mercato/contracts/mercato/products/v1/products_pb";
import { PermissionDenied } from "@mercato/platform";
import { isAdmin } from "../domain/catalog-access.js";
import { slugFromName } from "../domain/category-rules.js";
import type { Catalog, ProductView } from "../store/catalog.store.js";
import type { Categories } from "../store/categories.store.js";
import {
  categoryToProto,
  productStatusProto,
  productStatusText,
  productToProto,
  variantToProto,
} from "../store/mappers.js";
import { decodeProductCursor, encodeProductCursor } from "../store/product-cursor.js";
import { callerOf, requireAdmin, requireCaller, requireSeller } from "./caller.js";

/** Page size of ListStorefrontProducts when the request asks for 0. */
export const defaultProductPageSize = 20;

/** The SearchProducts handler, served by the search projection. */
export type SearchHandler = ServiceImpl<typeof ProductsService>["searchProducts"];

/** What the catalog handlers need. */
export interface CatalogRoutesDeps {
  categories: Categories;
  catalog: Catalog;
  /** SearchProducts; without it the method answers Unimplemented. */
  searchProducts?: SearchHandler | undefined;
}

const toProto = (view: ProductView) => productToProto(view.product, view.variants);

/** Registers the ProductsService handlers: categories (admin writes), products and variants (owner or admin writes). */
export function catalogRoutes(router: ConnectRouter, deps: CatalogRoutesDeps): void {
  const { categories, catalog } = deps;
  const handlers: Partial<ServiceImpl<typeof ProductsService>> = {
    async createCategory(req, context) {
      requireAdmin(context);
      const row = await categories.create({
        name: req.name.trim(),
        slug: req.slug === "" ? slugFromName(req.name) : req.slug,
        parentId: req.parentId === "" ? undefined : req.parentId.toLowerCase(),
        position: req.position,
      });
      return create(CreateCategoryResponseSchema, { category: categoryToProto(row) });
    },

    async updateCategory(req, context) {
      requireAdmin(context);
      const row = await categories.update(req.id.toLowerCase(), {
        name: req.name?.trim(),
        slug: req.slug,
        parentId:
          req.parentId === undefined ? undefined : req.parentId === "" ? null : req.parentId.toLowerCase(),
        position: req.position,
        status:
          req.status === undefined
            ? undefined
            : req.status === CategoryStatus.ARCHIVED
              ? "archived"
              : "active",
      });
      return create(UpdateCategoryResponseSchema, { category: categoryToProto(row) });
    },

    async getCategory(req) {
      const key = req.key.case === "id" ? { id: req.key.value.toLowerCase() } : { slug: req.key.value ?? "" };
      const view = await categories.get(key);
      return create(GetCategoryResponseSchema, {
        category: categoryToProto(view.category),
        breadcrumbs: view.breadcrumbs.map(categoryToProto),
        children: view.children.map(categoryToProto),
      });
    },

    async listCategories(req, context) {
      if (req.includeArchived && !isAdmin(callerOf(context))) {
        throw new PermissionDenied("only admins list archived categories");
      }
      const rows = await categories.list(req.includeArchived);
      return create(ListCategoriesResponseSchema, { categories: rows.map(categoryToProto) });
    },

    async createProduct(req, context) {
      const caller = requireSeller(context);
      const view = await catalog.createProduct(caller, {
        title: req.title,
        description: req.description,
        categoryId: req.categoryId.toLowerCase(),
        attributes: req.attributes,
        optionNames: req.optionNames,
        mediaIds: req.mediaIds.map((id) => id.toLowerCase()),
        status: productStatusText(req.status),
        variants: req.variants,
      });
      return create(CreateProductResponseSchema, { product: toProto(view) });
    },

    async updateProduct(req, context) {
      const caller = requireCaller(context);
      const view = await catalog.updateProduct(caller, req.id.toLowerCase(), {
        title: req.title,
        description: req.description,
        categoryId: req.categoryId?.toLowerCase(),
        attributes: req.replaceAttributes ? req.attributes : undefined,
        mediaIds: req.replaceMediaIds ? req.mediaIds.map((id) => id.toLowerCase()) : undefined,
        status: req.status === undefined ? undefined : productStatusText(req.status),
        optionNames: req.replaceOptionNames ? req.optionNames : undefined,
      });
      return create(UpdateProductResponseSchema, { product: toProto(view) });
    },

    async getProduct(req, context) {
      const view = await catalog.getProduct(callerOf(context), req.id.toLowerCase());
      return create(GetProductResponseSchema, { product: toProto(view) });
    },

    async batchGetProducts(req, context) {
      const ids = [...new Set(req.ids.map((id) => id.toLowerCase()))];
      const views = await catalog.batchGetProducts(callerOf(context), ids);
      return create(BatchGetProductsResponseSchema, { products: views.map(toProto) });
    },

    async listStorefrontProducts(req, context) {
      const limit = req.limit || defaultProductPageSize;
      const page = await catalog.listStorefrontProducts(callerOf(context), req.storefrontId.toLowerCase(), {
        status: req.status === ProductStatus.UNSPECIFIED ? undefined : productStatusText(req.status),
        limit,
        afterId: req.cursor === "" ? undefined : decodeProductCursor(req.cursor),
      });
      return create(ListStorefrontProductsResponseSchema, {
        products: page.products.map(toProto),
        nextCursor: page.lastId ? encodeProductCursor(page.lastId) : "",
      });
    },

    async addVariant(req, context) {
      const caller = requireCaller(context);
      const input = req.variant ?? { sku: "", options: {} };
      const result = await catalog.addVariant(caller, req.productId.toLowerCase(), input);
      return create(AddVariantResponseSchema, {
        variant: variantToProto(result.variant),
        product: toProto(result.product),
      });
    },

    async updateVariant(req, context) {
      const caller = requireCaller(context);
      const result = await catalog.updateVariant(caller, req.id.toLowerCase(), {
        sku: req.sku,
        price: req.price,
        compareAtPrice: req.compareAtPrice,
        clearCompareAtPrice: req.clearCompareAtPrice,
        options: Object.keys(req.options).length > 0 ? req.options : undefined,
        position: req.position,
      });
      return create(UpdateVariantResponseSchema, {
        variant: variantToProto(result.variant),
        product: toProto(result.product),
      });
    },

    async deleteVariant(req, context) {
      const caller = requireCaller(context);
      const view = await catalog.deleteVariant(caller, req.id.toLowerCase());
      return create(DeleteVariantResponseSchema, { product: toProto(view) });
    },

    async batchGetVariants(req, context) {
      const ids = [...new Set(req.ids.map((id) => id.toLowerCase()))];
      const views = await catalog.batchGetVariants(callerOf(context), ids);
      return create(BatchGetVariantsResponseSchema, {
        variants: views.map(({ variant, product }) =>
          create(VariantWithProductSchema, {
            variant: variantToProto(variant),
            productTitle: product.title,
            storefrontId: product.storefrontId,
            mediaId: product.mediaIds[0] ?? "",
            productStatus: productStatusProto(product.status),
          }),
        ),
      });
    },
  };
  if (deps.searchProducts) handlers.searchProducts = deps.searchProducts;
  router.service(ProductsService, handlers);
}
