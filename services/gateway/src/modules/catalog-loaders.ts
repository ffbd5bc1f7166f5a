import { ProductsService } from "@mercato/contracts/mercato/products/v1/products_pb";
import { SellersService } from "@mercato/contracts/mercato/sellers/v1/sellers_pb";
import type { RequestContext } from "@mercato/platform/context";
import DataLoader from "dataloader";
import type { ServiceDirectory } from "../services.js";
import { type StorefrontJson, storefrontJson } from "./catalog-json.js";
import { categoryJson, productJson } from "./products/product-json.js";
import type { CategoryModel, ProductModel } from "./products/schemas.js";

/** The whole category tree of one request, flat and by id. */
export interface CategoryTree {
  list: CategoryModel[];
  byId: Map<string, CategoryModel>;
}

/** Loaders of one request: each batches what the request's resolvers ask for into one call per service. */
export interface CatalogLoaders {
  /** Storefronts by id through one BatchGetStorefronts (per 200 ids); null when hidden or unknown. */
  storefronts: DataLoader<string, StorefrontJson | null>;
  /** Products by id through one BatchGetProducts (per 200 ids); null when hidden or unknown. */
  products: DataLoader<string, ProductModel | null>;
  /** Categories by id from one ListCategories (archived ones only for admins). */
  categories: DataLoader<string, CategoryModel | null>;
  /** The whole tree the caller may see (archived categories only for admins), from the same ListCategories. */
  categoryTree(): Promise<CategoryTree>;
}

/** Names of the services the loaders call. */
export interface CatalogServiceNames {
  sellers: string;
  products: string;
}

const perRequest = new WeakMap<RequestContext, Map<string, CatalogLoaders>>();

function byId<T extends { id: string }>(ids: readonly string[], found: readonly T[]): (T | null)[] {
  const map = new Map(found.map((item) => [item.id, item]));
  return ids.map((id) => map.get(id) ?? null);
}

/**
 * The loaders of the request `ctx`, made on first use and shared by every resolver of that
 * request (and no other: answers depend on the caller).
 */
export function catalogLoaders(
  ctx: RequestContext,
  services: ServiceDirectory,
  names: CatalogServiceNames,
): CatalogLoaders {
  const key = `${names.sellers}|${names.products}`;
  let mine = perRequest.get(ctx);
  if (!mine) {
    mine = new Map();
    perRequest.set(ctx, mine);
  }
  const existing = mine.get(key);
  if (existing) return existing;

  let tree: Promise<CategoryTree> | undefined;
  const categoryTree = () => {
    tree ??= services
      .client(names.products, ProductsService)
      // Archived categories are the admins' to see; anyone else gets the live tree, so a product
      // in an archived category shows no category instead of failing the whole request.
      .listCategories({ includeArchived: ctx.caller?.roles.includes("admin") === true })
      .then((answer) => {
        const list = answer.categories.map(categoryJson);
        return { list, byId: new Map(list.map((c) => [c.id, c])) };
      });
    return tree;
  };
  const loaders: CatalogLoaders = {
    storefronts: new DataLoader(
      async (ids) => {
        const answer = await services
          .client(names.sellers, SellersService)
          .batchGetStorefronts({ ids: [...ids] });
        return byId(ids, answer.storefronts.map(storefrontJson));
      },
      { maxBatchSize: 200 },
    ),
    products: new DataLoader(
      async (ids) => {
        const answer = await services
          .client(names.products, ProductsService)
          .batchGetProducts({ ids: [...ids] });
        return byId(ids, answer.products.map(productJson));
      },
      { maxBatchSize: 200 },
    ),
    categories: new DataLoader(async (ids) => {
      const { byId: map } = await categoryTree();
      return ids.map((id) => map.get(id) ?? null);
    }),
    categoryTree,
  };
  mine.set(key, loaders);
  return loaders;
}
