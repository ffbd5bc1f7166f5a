import type { RequestContext } from "@mercato/platform";
import type { FastifyInstance } from "fastify";
import type { IResolvers, MercuriusContext } from "mercurius";
import type { ServiceDirectory } from "./services.js";

/** What a gateway module gets: the services it may call. */
export interface GatewayDeps {
  services: ServiceDirectory;
}

declare module "mercurius" {
  interface MercuriusContext {
    /** The request's context: caller, correlation id, trace, deadline. */
    ctx: RequestContext;
    deps: GatewayDeps;
  }
}

/** The GraphQL context of every resolver. */
export type GraphqlContext = MercuriusContext;

/**
 * One domain's public surface in the gateway: a GraphQL SDL fragment (extending Query/Mutation)
 * with its resolvers, and REST routes registered under /api/v1.
 */
export interface GatewayModule {
  name: string;
  schema?: string;
  resolvers?: (deps: GatewayDeps) => IResolvers;
  rest?: (app: FastifyInstance, deps: GatewayDeps) => Promise<void> | void;
}

/** Declares a gateway module (identity, for types). */
export function defineGatewayModule(module: GatewayModule): GatewayModule {
  return module;
}
