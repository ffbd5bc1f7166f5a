import {
  type GetCategoryRequest,
  type GetCategoryResponse,
  ProductsService,
} from "@mercato/contracts/mercato/products/v1/products_pb";
import type { RequestContext } from "@mercato/platform/context";
import { NotFound } from "@mercato/platform/errors";
import type { GatewayDeps } from "../../module.js";
import { anyone, operation, signedIn } from "../../operation.js";
import type { PageRequest } from "../../rest-schema.js";
import { orNull } from "../catalog-common.js";
import { type CatalogServiceNames, catalogLoaders } from "../catalog-loaders.js";
import { categoryJson, hitJson, productJson, variantJson } from "./product-json.js";
import {
  type CategoryChanges,
  createCategoryRequest,
  createProductRequest,
  type NewCategory,
  type NewProduct,
  type NewVariant,
  type ProductChanges,
  productStatus,
  type SearchInput,
  searchRequest,
  updateCategoryRequest,
  updateProductRequest,
  updateVariantRequest,
  type VariantChanges,
  variantMessage,
} from "./requests.js";
import type { ProductStatusName } from "./schemas.js";

/** The services behind the products domain: products, and sellers for the storefronts of products. */
export const defaultProductsServiceNames: CatalogServiceNames = { products: "products", sellers: "sellers" };

/** A page of a storefront's products, of one status for its seller and admins. */
export interface StorefrontProductsInput extends PageRequest {
  storefrontId: string;
  status?: ProductStatusName | null | undefined;
}

/** A variant addressed by id, and under its product when the client named one (REST's path does). */
export interface VariantKey {
  id: string;
  productId?: string | undefined;
}

/** A category with its breadcrumbs and children as the service found them. */
function categoryDetail(answer: GetCategoryResponse) {
  return {
    ...categoryJson(answer.category),
    breadcrumbs: answer.breadcrumbs.map(categoryJson),
    children: answer.children.map(categoryJson),
  };
}

/**
 * The public surface of the products service: categories, products, variants and search. Only
 * the caller's sign-in is checked here; who may change a category (admins) or a product (its
 * seller, admins) is the service's rule. Field names in refusals are the service's; the
 * adapters rename them.
 */
export function productsOperations({ services }: GatewayDeps, names = defaultProductsServiceNames) {
  const products = () => services.client(names.products, ProductsService);
  const productOf = async (answer: Promise<{ product?: Parameters<typeof productJson>[0] }>) =>
    productJson((await answer).product);
  const payload = async (
    answer: Promise<{
      variant?: Parameters<typeof variantJson>[0];
      product?: Parameters<typeof productJson>[0];
    }>,
  ) => {
    const { variant, product } = await answer;
    return { variant: variantJson(variant), product: productJson(product) };
  };
  /** NOT_FOUND unless the product has the variant: a variant addressed under another product is not there. */
  const checkVariant = async ({ id, productId }: VariantKey) => {
    if (productId === undefined) return;
    const { product } = await products().getProduct({ id: productId });
    if (!product?.variants.some((v) => v.id === id)) {
      throw new NotFound(`product ${productId} has no variant ${id}`);
    }
  };

  return {
    /** The request's loaders of storefronts, products and categories, each batched into one call. */
    loaders: (ctx: RequestContext) => catalogLoaders(ctx, services, names),

    /** The category tree as a flat list, parents before children (archived ones when asked). */
    categories: operation(anyone, async (_ctx, input: { includeArchived: boolean }) => {
      const answer = await products().listCategories(input);
      return answer.categories.map(categoryJson);
    }),

    /** One category by id or slug, with its breadcrumbs and children. */
    category: operation(anyone, async (_ctx, input: { key: GetCategoryRequest["key"] }) =>
      categoryDetail(await products().getCategory(input)),
    ),

    /** Adds a category. */
    createCategory: operation(signedIn, async (_ctx, input: NewCategory) =>
      categoryJson((await products().createCategory(createCategoryRequest(input))).category),
    ),

    /** Renames, moves or archives a category. */
    updateCategory: operation(signedIn, async (_ctx, input: { id: string; changes: CategoryChanges }) =>
      categoryJson(
        (await products().updateCategory(updateCategoryRequest(input.id, input.changes))).category,
      ),
    ),

    /** Searches visible products; the page carries the query as spelling corrected it (null when unchanged). */
    search: operation(anyone, async (_ctx, input: SearchInput) => {
      const page = await products().searchProducts(searchRequest(input));
      return {
        items: page.hits.map(hitJson),
        nextCursor: page.nextCursor,
        correctedQuery: orNull(page.correctedQuery),
      };
    }),

    /** One product: an active one of an active storefront to anyone, any to its seller or an admin. */
    product: operation(anyone, async (ctx, input: { id: string }) => {
      const loaders = catalogLoaders(ctx, services, names);
      const kept = loaders.kept(input.id.toLowerCase());
      if (kept) return kept;
      const epoch = loaders.epoch();
      const product = await productOf(products().getProduct(input));
      loaders.remember(epoch, [product]);
      return product;
    }),

    /** A storefront's products, newest first. */
    storefrontProducts: operation(anyone, async (_ctx, input: StorefrontProductsInput) => {
      const page = await products().listStorefrontProducts({
        storefrontId: input.storefrontId,
        limit: input.limit,
        cursor: input.cursor,
        ...(input.status ? { status: productStatus(input.status) } : {}),
      });
      return { items: page.products.map(productJson), nextCursor: page.nextCursor };
    }),

    /** Lists a product in the caller's storefront. */
    createProduct: operation(signedIn, (_ctx, input: NewProduct) =>
      productOf(products().createProduct(createProductRequest(input))),
    ),

    /** Changes a product: omitted fields stay, lists replace. */
    updateProduct: operation(signedIn, (_ctx, input: { id: string; changes: ProductChanges }) =>
      productOf(products().updateProduct(updateProductRequest(input.id, input.changes))),
    ),

    /** Adds a variant to a product; answers it with its product. */
    addVariant: operation(signedIn, (_ctx, input: { productId: string; variant: NewVariant }) =>
      payload(
        products().addVariant({
          productId: input.productId,
          variant: variantMessage(input.variant, "variant"),
        }),
      ),
    ),

    /** Changes a variant; answers it with its product. */
    updateVariant: operation(signedIn, async (_ctx, input: VariantKey & { changes: VariantChanges }) => {
      await checkVariant(input);
      return payload(products().updateVariant(updateVariantRequest(input.id, input.changes)));
    }),

    /** Removes a variant (an active product keeps at least one); answers its product. */
    deleteVariant: operation(signedIn, async (_ctx, input: VariantKey) => {
      await checkVariant(input);
      return productOf(products().deleteVariant({ id: input.id }));
    }),
  };
}

/** The products domain's operations. */
export type ProductsOperations = ReturnType<typeof productsOperations>;
