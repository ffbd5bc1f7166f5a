import { defineDomain } from "../../domain.js";
import type { GatewayModule } from "../../module.js";
import { catalogCommonSdl } from "../catalog-common.js";
import { mediaHydration } from "../media/media-loaders.js";
import { MediaImage } from "../media/schemas.js";
import { sellersOperations } from "./operations.js";
import { sellersResolvers } from "./resolvers.js";
import { sellersRoutes } from "./routes.js";
import { Storefront, StorefrontPage } from "./schemas.js";

/**
 * The public surface of the sellers service: storefronts, the caller's storefront and follows in
 * GraphQL (`storefront`, `storefronts`, `myStorefront`, `followedStorefronts` and the storefront
 * mutations) and REST under /api/v1/sellers. Its SDL brings in the catalog's shared types (page
 * info, points, money) that the payouts, products and orders domains use as well.
 */
export function sellersGatewayModule(serviceName = "sellers"): GatewayModule {
  return defineDomain({
    name: "sellers",
    sdl: [catalogCommonSdl, new URL("./sellers.graphql", import.meta.url)],
    operations: (deps) => sellersOperations(deps, serviceName),
    schemas: [MediaImage, Storefront, StorefrontPage],
    resolvers: sellersResolvers,
    routes: sellersRoutes,
    hydrate: mediaHydration,
  });
}
