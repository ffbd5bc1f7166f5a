import { InvalidArgument } from "@mercato/platform/errors";
import { graphqlPage, resolveWith } from "../../domain.js";
import type {
  NameValueInput,
  QueryProductsArgs,
  Resolvers,
  VariantInput as VariantInputArgs,
} from "../../gen/graphql.js";
import type { GraphqlContext } from "../../module.js";
import { clientField, connection, nearArgNames, nearRequest, oneKey } from "../catalog-common.js";
import { pairs } from "../catalog-json.js";
import type { ProductsOperations } from "./operations.js";
import type { NewVariant } from "./requests.js";
import type { CategoryModel } from "./schemas.js";

const input = clientField("input");
const inputOrId = (field: string) => (field === "id" ? "id" : input(field));
// The service names a new variant's fields under `variant`; GraphQL sends the variant as input.
const variantInput = (field: string) =>
  field === "product_id" ? "productId" : input(field.replace(/^variant\./, ""));

const upper = <S extends string>(value: { status: S }) => value.status.toUpperCase() as Uppercase<S>;
const lower = <S extends string>(value: S | null | undefined) =>
  value?.toLowerCase() as Lowercase<S> | undefined;

/** GraphQL's name-value pairs as a map; a name given twice is refused, named under `field` as the client sent it. */
function mapOf(list: readonly NameValueInput[] | null | undefined, field: string): Record<string, string> {
  const map: Record<string, string> = {};
  (list ?? []).forEach((pair, index) => {
    if (Object.hasOwn(map, pair.name)) {
      throw InvalidArgument.field(`${field}[${index}].name`, `${pair.name} is given twice`);
    }
    map[pair.name] = pair.value;
  });
  return map;
}

const newVariant = (variant: VariantInputArgs, field: string): NewVariant => ({
  ...variant,
  options: mapOf(variant.options, `${field}.options`),
});

/** The flat list with each category's breadcrumbs and children taken from the list itself. */
function categoryList(list: CategoryModel[]): CategoryModel[] {
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

/**
 * GraphQL of the products domain: each field calls its operation; statuses and sorts go
 * upper-case, attributes and options as name-value pairs; the storefronts, categories and
 * products of results load through the request's batched loaders.
 */
export function productsResolvers(ops: ProductsOperations): Resolvers {
  const loaders = (context: GraphqlContext) => ops.loaders(context.ctx);
  const storefrontOf = (value: { storefrontId: string }, _args: unknown, context: GraphqlContext) =>
    loaders(context).storefronts.load(value.storefrontId);
  const categoryOf = (value: { categoryId: string }, _args: unknown, context: GraphqlContext) =>
    loaders(context).categories.load(value.categoryId);
  const search = resolveWith(
    ops.search,
    (args: QueryProductsArgs) => ({
      ...args,
      near: args.near ? nearRequest(args.near, "near") : undefined,
      ...graphqlPage(args),
      sort: lower(args.sort),
    }),
    {
      names: nearArgNames,
      answer: (page) => ({
        ...connection(page.items, page.nextCursor, (hit) => ({ distanceMeters: hit.distanceMeters })),
        correctedQuery: page.correctedQuery,
      }),
    },
  );
  return {
    Category: {
      status: upper,
      parent: (category, _args, context) =>
        category.parentId ? loaders(context).categories.load(category.parentId) : null,
      breadcrumbs: async (category, _args, context) => {
        if (category.breadcrumbs) return category.breadcrumbs;
        const found = await loaders(context).categories.loadMany(category.ancestorIds);
        return found.filter((c): c is CategoryModel => c !== null && !(c instanceof Error));
      },
      children: async (category, _args, context) => {
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
      attributes: (product) => pairs(product.attributes),
    },
    Variant: { options: (variant) => pairs(variant.options) },
    ProductHit: {
      storefront: storefrontOf,
      category: categoryOf,
      product: (hit, _args, context) => loaders(context).products.load(hit.id),
    },
    Storefront: {
      products: (storefront, args, context) =>
        resolveWith(
          ops.storefrontProducts,
          () => ({ ...graphqlPage(args), storefrontId: storefront.id, status: lower(args.status) }),
          { answer: (page) => connection(page.items, page.nextCursor) },
        )(storefront, args, context),
    },
    Query: {
      categories: resolveWith(
        ops.categories,
        (args) => ({ includeArchived: args.includeArchived === true }),
        {
          answer: categoryList,
        },
      ),
      category: resolveWith(ops.category, (args) => ({ key: oneKey(args) })),
      product: resolveWith(ops.product, (args) => ({ id: args.id })),
      products: search,
      search,
    },
    Mutation: {
      createCategory: resolveWith(ops.createCategory, (args) => args.input, { names: input }),
      updateCategory: resolveWith(
        ops.updateCategory,
        (args) => ({ id: args.id, changes: { ...args.input, status: lower(args.input.status) } }),
        { names: inputOrId },
      ),
      createProduct: resolveWith(
        ops.createProduct,
        ({ input: product }) => ({
          ...product,
          status: lower(product.status),
          attributes: mapOf(product.attributes, "input.attributes"),
          variants: product.variants?.map((variant, i) => newVariant(variant, `input.variants[${i}]`)),
        }),
        { names: input },
      ),
      updateProduct: resolveWith(
        ops.updateProduct,
        ({ id, input: changes }) => ({
          id,
          changes: {
            ...changes,
            status: lower(changes.status),
            // Attributes sent, even null, replace the whole map.
            attributes:
              changes.attributes === undefined ? undefined : mapOf(changes.attributes, "input.attributes"),
          },
        }),
        { names: inputOrId },
      ),
      addVariant: resolveWith(
        ops.addVariant,
        (args) => ({ productId: args.productId, variant: newVariant(args.input, "input") }),
        { names: variantInput },
      ),
      updateVariant: resolveWith(
        ops.updateVariant,
        ({ id, input: changes }) => ({
          id,
          changes: { ...changes, options: changes.options && mapOf(changes.options, "input.options") },
        }),
        { names: inputOrId },
      ),
      deleteVariant: resolveWith(ops.deleteVariant, (args) => ({ id: args.id })),
    },
  };
}
