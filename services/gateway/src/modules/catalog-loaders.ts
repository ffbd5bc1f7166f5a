import { ProductsService } from "@mercato/contracts/mercato/products/v1/products_pb";
import { SellersService } from "@mercato/contracts/mercato/sellers/v1/sellers_pb";
import type { RequestContext } from "@mercato/platform/context";
import DataLoader from "dataloader";
import { type CacheEpoch, catalogCacheOf, seesPublicCatalog } from "../catalog-cache.js";
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
  /** The public product `id` as the gateway keeps it (ADR 0050), or undefined. */
  kept(id: string): ProductModel | undefined;
  /** The cache's moment, to pass to `remember` with what is read from now on. */
  epoch(): CacheEpoch;
  /** Keeps `products` read since `epoch` when the caller sees the public catalog (only active ones are kept). */
  remember(epoch: CacheEpoch, products: readonly ProductModel[]): void;
  /** The whole tree the caller may see (archived categories only for admins), from the same ListCategories. */
  categoryTree(): Promise<CategoryTree>;
}

/** Names of the services the loaders call. */
export interface CatalogServiceNames {
  sellers: string;
  products: string;
}

const perRequest = new WeakMap<RequestContext, Map<string, CatalogLoaders>>();

/** Splits `ids` into those `kept` answers and those still to ask a service for. */
function fromCache<T>(
  ids: readonly string[],
  kept: (id: string) => T | undefined,
): { found: Map<string, T>; missing: string[] } {
  const found = new Map<string, T>();
  const missing: string[] = [];
  for (const id of ids) {
    const document = kept(id);
    if (document) found.set(id, document);
    else missing.push(id);
  }
  return { found, missing };
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

  const cache = catalogCacheOf(services);
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
  // Keeps what a caller who sees the public catalog was answered. A kept product is served only
  // beside its storefront's kept document: the storefronts not kept yet are fetched without
  // waiting for them (they are kept as they come).
  const remember = (epoch: CacheEpoch, fetched: readonly ProductModel[]) => {
    if (!cache || !seesPublicCatalog(ctx.caller)) return;
    cache.keepProducts(epoch, fetched);
    const unknown = [...new Set(fetched.map((product) => product.storefrontId))].filter(
      (id) => !cache.hasStorefront(id),
    );
    if (unknown.length > 0) void loaders.storefronts.loadMany(unknown);
  };
  const loaders: CatalogLoaders = {
    kept: (id) => cache?.product(id),
    epoch: () => cache?.epoch() ?? 0,
    remember,
    storefronts: new DataLoader(
      async (ids) => {
        // Kept documents say followedByMe false: only a caller with no account is answered from them.
        const answered = fromCache(
          ids,
          ctx.caller === undefined ? (id) => cache?.storefront(id) : () => undefined,
        );
        if (answered.missing.length > 0) {
          const epoch = cache?.epoch() ?? 0;
          const answer = await services
            .client(names.sellers, SellersService)
            .batchGetStorefronts({ ids: answered.missing });
          const fetched = answer.storefronts.map(storefrontJson);
          if (cache && seesPublicCatalog(ctx.caller))
            cache.keepStorefronts(
              epoch,
              fetched.map((storefront) => ({ ...storefront, followedByMe: false })),
            );
          for (const storefront of fetched) answered.found.set(storefront.id, storefront);
        }
        return ids.map((id) => answered.found.get(id) ?? null);
      },
      { maxBatchSize: 200 },
    ),
    products: new DataLoader(
      async (ids) => {
        const answered = fromCache(ids, (id) => cache?.product(id));
        if (answered.missing.length > 0) {
          const epoch = cache?.epoch() ?? 0;
          const answer = await services
            .client(names.products, ProductsService)
            .batchGetProducts({ ids: answered.missing });
          const fetched = answer.products.map(productJson);
          remember(epoch, fetched);
          for (const product of fetched) answered.found.set(product.id, product);
        }
        return ids.map((id) => answered.found.get(id) ?? null);
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
