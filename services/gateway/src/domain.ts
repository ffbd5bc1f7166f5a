import { readFileSync } from "node:fs";
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { RequestContext } from "@mercato/platform/context";
import type {
  FastifyBaseLogger,
  FastifyInstance,
  FastifyRequest,
  RawReplyDefaultExpression,
  RawRequestDefaultExpression,
  RawServerDefault,
  RouteOptions,
} from "fastify";
import type { IResolvers } from "mercurius";
import type { TSchema } from "typebox";
import type { Resolvers } from "./gen/graphql.js";
import type { LiveFeed } from "./live-feed.js";
import { defineGatewayModule, type GatewayDeps, type GatewayModule, type GraphqlContext } from "./module.js";
import { clientField, pageSize, renamingFields } from "./modules/catalog-common.js";
import { bearerSecurity, errorResponses } from "./modules/rest.js";
import { checkAccess, type Operation } from "./operation.js";
import type { PageRequest } from "./rest-schema.js";

/** The REST scope of a domain: route schemas are TypeBox, so requests are typed by them and answers checked. */
export type RestApp = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>;

/**
 * One domain of the gateway, a folder under `modules/`: its SDL (`.graphql` files), the
 * operations its REST routes and GraphQL resolvers share, the shared REST schemas its routes
 * reference by `$id`, and the two thin adapters.
 */
export interface Domain<Operations> {
  name: string;
  /** The domain's `.graphql` files, as URLs relative to the module (`new URL("./x.graphql", import.meta.url)`). */
  sdl: readonly URL[];
  /** Builds the domain's operations from the services it may call. */
  operations: (deps: GatewayDeps) => Operations;
  /** Shared REST schemas (each with `$id`), added to the domain's scope for `ref()`. */
  schemas?: readonly TSchema[];
  /** The GraphQL adapter: resolvers typed by the code generated from the SDL. */
  resolvers?: (operations: Operations) => Resolvers;
  /** The REST adapter: routes under /api/v1, each declaring its operation's access as `config`. */
  routes?: (app: RestApp, operations: Operations) => void;
  /** What the domain's subscription fields pass on live from the bus (ADR 0039). */
  live?: readonly LiveFeed[];
  /**
   * Completes each REST answer of the domain before it is sent, from what it names (say the
   * media its `mediaId`s name); a part it cannot complete it leaves out, never failing the answer.
   */
  hydrate?: (deps: GatewayDeps) => (ctx: RequestContext, payload: unknown) => Promise<void>;
}

/** Reads a domain's SDL from its `.graphql` files. */
export function readSdl(files: readonly URL[]): string {
  return files.map((file) => readFileSync(file, "utf8")).join("\n");
}

/**
 * Declares a domain. Each of its routes gets, unless it says otherwise, the domain's name as its
 * OpenAPI tag, the bearer security when its access needs a signed-in caller, and the error
 * envelope as its 4xx and 5xx answers.
 */
export function defineDomain<Operations>(domain: Domain<Operations>): GatewayModule {
  // Operations are closures over the service directory: cheap, so each adapter builds its own.
  const { operations: operationsOf, resolvers, routes } = domain;
  return defineGatewayModule({
    name: domain.name,
    schema: readSdl(domain.sdl),
    ...(domain.live ? { live: domain.live } : {}),
    ...(resolvers ? { resolvers: (deps) => resolvers(operationsOf(deps)) as IResolvers } : {}),
    ...(routes
      ? {
          rest: async (app, deps) => {
            await app.register(async (scoped) => {
              scoped.addHook("onRoute", completeRoute(domain.name));
              for (const schema of domain.schemas ?? []) scoped.addSchema(schema);
              const hydrate = domain.hydrate?.(deps);
              if (hydrate)
                scoped.addHook("preSerialization", async (request, _reply, payload) => {
                  await hydrate(request.ctx, payload);
                  return payload;
                });
              routes(scoped.withTypeProvider<TypeBoxTypeProvider>(), operationsOf(deps));
            });
          },
        }
      : {}),
  });
}

/**
 * Completes a route: its access checked as the request arrives (a route hook, so after the rate
 * limit and before the input is validated: an anonymous caller hears 401 first), and its OpenAPI:
 * the domain's tag, bearer security for signed-in access, the error answers.
 */
function completeRoute(tag: string) {
  // One array for every route of the domain, as the modules shared theirs: the OpenAPI document
  // writes it once, as a YAML anchor.
  const tags = [tag];
  return (route: RouteOptions) => {
    const access = route.config?.access;
    if (access) route.onRequest = [...[route.onRequest ?? []].flat(), requireAccess];
    // A route anyone may call serves anonymous callers: a stale token a client still attaches
    // (say while it refreshes) must not block it.
    if (access && !access.signedIn) route.config = { ...route.config, tolerateBadToken: true };
    const schema = route.schema as Record<string, unknown> | undefined;
    if (!schema || schema.hide) return;
    schema.tags ??= tags;
    if (access?.signedIn) schema.security ??= bearerSecurity;
    if (schema.response) schema.response = { ...(schema.response as object), ...errorResponses };
  };
}

async function requireAccess(request: FastifyRequest): Promise<void> {
  const access = request.routeOptions.config.access;
  if (access) checkAccess(request.ctx, access);
}

/** How GraphQL names a service's fields: camelCase arguments, a page's cursor and limit as after and first. */
export const graphqlArgNames = clientField(null, { cursor: "after", limit: "first" });

/** How a GraphQL field turns an operation's answer into its own and names the fields it refuses. */
export interface ResolveOptions<Output, Result> {
  /** The field's answer from the operation's (default: the same). */
  answer?: (output: Output) => Result;
  /** A service's field as the client named it (default `graphqlArgNames`). */
  names?: (field: string) => string;
}

/**
 * The GraphQL adapter of an operation: checks its access first (so an anonymous caller hears
 * UNAUTHENTICATED before any complaint about its arguments), maps the arguments to the
 * operation's input, calls it, and names refused fields as the client sent them.
 */
export function resolveWith<Args, Input, Output, Result = Output>(
  operation: Operation<Input, Output>,
  input: (args: Args, context: GraphqlContext) => Input,
  options: ResolveOptions<Output, Result> = {},
) {
  const { answer = (output: Output) => output as unknown as Result, names = graphqlArgNames } = options;
  return async (_root: unknown, args: Args, context: GraphqlContext): Promise<Result> => {
    checkAccess(context.ctx, operation.access);
    return answer(await renamingFields(operation(context.ctx, input(args, context)), names));
  };
}

/** The device a request comes from: the client IP (per-IP limits) and its User-Agent (session lists). */
export interface Device {
  ip: string;
  userAgent: string;
}

/** The device of a REST request, or of a GraphQL one through `context.reply.request`. */
export function deviceOf(request: FastifyRequest): Device {
  const agent = request.headers["user-agent"];
  return { ip: request.ip ?? "", userAgent: (Array.isArray(agent) ? agent[0] : (agent ?? "")).slice(0, 300) };
}

/** The page a GraphQL client asked for: `first` 1 to 100 (default 20), `after` the previous page's end. */
export function graphqlPage(args: { first?: number | null; after?: string | null }): PageRequest {
  return { limit: pageSize(args.first), cursor: args.after ?? "" };
}
