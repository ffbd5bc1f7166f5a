import { defineDomain } from "../../domain.js";
import type { GatewayModule } from "../../module.js";
import { authOperations } from "./operations.js";
import { authResolvers } from "./resolvers.js";
import { authRoutes } from "./routes.js";
import { Account, Session, SignIn, Tokens } from "./schemas.js";

/** The public surface of the auth service: sign-in, tokens, sessions and passwords, in GraphQL and REST under /api/v1/auth. */
export function authGatewayModule(serviceName = "auth"): GatewayModule {
  return defineDomain({
    name: "auth",
    sdl: [new URL("./auth.graphql", import.meta.url)],
    operations: (deps) => authOperations(deps, serviceName),
    schemas: [Account, Tokens, SignIn, Session],
    resolvers: authResolvers,
    routes: authRoutes,
  });
}
