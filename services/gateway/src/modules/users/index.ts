import { defineDomain } from "../../domain.js";
import type { GatewayModule } from "../../module.js";
import { mediaHydration } from "../media/media-loaders.js";
import { MediaImage } from "../media/schemas.js";
import { usersOperations } from "./operations.js";
import { usersResolvers } from "./resolvers.js";
import { usersRoutes } from "./routes.js";
import { Address, AddressPage, Me, Profile } from "./schemas.js";

/**
 * The public surface of the users service: `me` (identity, profile and address book), `address`
 * and the profile and address mutations in GraphQL, and REST under /api/v1/users/me.
 */
export function usersGatewayModule(serviceName = "users"): GatewayModule {
  return defineDomain({
    name: "users",
    sdl: [new URL("./users.graphql", import.meta.url)],
    operations: (deps) => usersOperations(deps, serviceName),
    schemas: [MediaImage, Profile, Me, Address, AddressPage],
    resolvers: usersResolvers,
    routes: usersRoutes,
    hydrate: mediaHydration,
  });
}
