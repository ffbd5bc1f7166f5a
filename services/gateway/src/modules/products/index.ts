import { defineDomain } from "../../domain.js";
import type { GatewayModule } from "../../module.js";
import { moneySchema, nullableMoneySchema } from "../catalog-common.js";
import type { CatalogServiceNames } from "../catalog-loaders.js";
import { mediaHydration } from "../media/media-loaders.js";
import { MediaImage } from "../media/schemas.js";
import { defaultProductsServiceNames, productsOperations } from "./operations.js";
import { productsResolvers } from "./resolvers.js";
import { productsRoutes } from "./routes.js";
import { productsSchemas } from "./schemas.js";

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
 * sellers domain (its Storefront, and the catalog's PageInfo, Money and NearInput types).
 */
export function productsGatewayModule(options: ProductsModuleOptions = {}): GatewayModule {
  const names: CatalogServiceNames = { ...defaultProductsServiceNames, ...options };
  return defineDomain({
    name: "products",
    sdl: [new URL("./categories.graphql", import.meta.url), new URL("./products.graphql", import.meta.url)],
    operations: (deps) => productsOperations(deps, names),
    schemas: [moneySchema, nullableMoneySchema, MediaImage, ...productsSchemas],
    resolvers: productsResolvers,
    routes: productsRoutes,
    hydrate: mediaHydration,
  });
}
