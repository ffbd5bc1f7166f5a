import type { Caller, RequestContext } from "@mercato/platform/context";
import { type DomainError, Unauthenticated } from "@mercato/platform/errors";
import type { FastifyInstance } from "fastify";
import type { IResolvers, MercuriusContext } from "mercurius";
import type { LiveFeed } from "./live-feed.js";
import type { Access } from "./operation.js";
import type { ServiceDirectory } from "./services.js";

/** What a gateway module gets: the services it may call. */
export interface GatewayDeps {
  services: ServiceDirectory;
}

declare module "fastify" {
  interface FastifyContextConfig {
    /**
     * The route serves anonymous callers, so a refused bearer token (say an expired one a client
     * still attaches while it refreshes) leaves the caller unset instead of failing the request;
     * operations that need a caller then report why the token was refused.
     */
    tolerateBadToken?: boolean;
    /**
     * Who may call the route: its operation's access, checked as the request arrives (before its
     * input is validated, so an anonymous caller hears 401 first); signed-in routes are documented
     * with the bearer security.
     */
    access?: Access;
  }
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
 * One domain's public surface in the gateway: a GraphQL SDL fragment (extending Query/Mutation,
 * or defining Subscription) with its resolvers, REST routes registered under /api/v1, and the
 * bus subjects its subscriptions pass on.
 */
export interface GatewayModule {
  name: string;
  schema?: string;
  resolvers?: (deps: GatewayDeps) => IResolvers;
  rest?: (app: FastifyInstance, deps: GatewayDeps) => Promise<void> | void;
  /** Subjects whose events the module's subscription fields pass on live (ADR 0039). */
  live?: readonly LiveFeed[];
}

/** Declares a gateway module (identity, for types). */
export function defineGatewayModule(module: GatewayModule): GatewayModule {
  return module;
}

const authFailures = new WeakMap<RequestContext, DomainError>();

/** Records why the request's bearer token was refused, for requireCaller to report. */
export function recordAuthFailure(ctx: RequestContext, error: DomainError): void {
  authFailures.set(ctx, error);
}

/** The request's signed-in caller; otherwise Unauthenticated, naming why a given token was refused. */
export function requireCaller(ctx: RequestContext): Caller {
  if (ctx.caller) return ctx.caller;
  throw (
    authFailures.get(ctx) ?? new Unauthenticated("sign in first: send 'Authorization: Bearer <access token>'")
  );
}
