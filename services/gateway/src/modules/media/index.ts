import { defineDomain } from "../../domain.js";
import type { GatewayModule } from "../../module.js";
import { mediaOperations } from "./operations.js";
import { mediaResolvers } from "./resolvers.js";
import { mediaRoutes } from "./routes.js";
import { mediaSchemas } from "./schemas.js";

/**
 * The public surface of the media service: uploads by presigned URL (`createUpload`,
 * `completeUpload`), the caller's media (`media`, `myMedia`, `deleteMedia`) in GraphQL and REST
 * under /api/v1/media; and the pictures of the catalog in GraphQL (`Product.media`/`image`,
 * `ProductHit.image`, `Storefront.logo`/`banner`, `Profile.avatar`, `CartLine.image`,
 * `OrderLine.image`), batched into one BatchGetMedia. Needs the sellers, products, users and
 * orders domains, whose types it extends; their REST answers are hydrated by `mediaHydration`.
 */
export function mediaGatewayModule(serviceName = "media"): GatewayModule {
  return defineDomain({
    name: "media",
    sdl: [new URL("./media.graphql", import.meta.url), new URL("./hydration.graphql", import.meta.url)],
    operations: (deps) => mediaOperations(deps, serviceName),
    schemas: mediaSchemas,
    resolvers: mediaResolvers,
    routes: mediaRoutes,
  });
}
