import cors from "@fastify/cors";
import helmet from "@fastify/helmet";
import rateLimit from "@fastify/rate-limit";
import swagger from "@fastify/swagger";
import swaggerUi from "@fastify/swagger-ui";
import {
  acceptCorrelationId,
  newTrace,
  parseTraceparent,
  type RequestContext,
  runWithContext,
} from "@mercato/platform/context";
import { DomainError, Unauthenticated } from "@mercato/platform/errors";
import { boundedRedisOptions, reportRedisOutages } from "@mercato/platform/kv";
import { createMetricsRegistry, rpcClientHistogram } from "@mercato/platform/metrics";
import { type Authenticator, bearerToken } from "@mercato/platform/rpc";
import { endSpan, isTracing, type Span, SpanKind, startSpan } from "@mercato/platform/telemetry";
import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  LogController,
} from "fastify";
import { buildSchema, printSchema } from "graphql";
import { Redis } from "ioredis";
import mercurius, { type IResolvers } from "mercurius";
import type { Logger } from "pino";
import { Counter, Gauge, Histogram } from "prom-client";
import { attachCatalogCache, CatalogCache } from "./catalog-cache.js";
import type { GatewayConfig } from "./config.js";
import { envelope, errorEnvelopeSchema, resolveError, retryAfterOf } from "./envelope.js";
import { registerGraphiql } from "./graphiql.js";
import { graphqlAnswers } from "./graphql-answers.js";
import {
  checkGraphqlParams,
  formatGraphqlErrors,
  type GraphqlParams,
  mergeResolvers,
  prefersGraphqlResponse,
  withContext,
} from "./graphql-http.js";
import { costLimitError, noIntrospectionRule, operationCost, shapeLimitRules } from "./graphql-limits.js";
import { composeSchema } from "./graphql-schema.js";
import {
  acceptUpgrade,
  addSubscriptionLimits,
  noSubscriptionOverHttpRule,
  subscriptionOptions,
} from "./graphql-subscriptions.js";
import { registerHttpCache } from "./http-cache.js";
import { type LiveEventSource, LiveHub, TopicPubSub } from "./live.js";
import { type GatewayDeps, type GatewayModule, type GraphqlContext, recordAuthFailure } from "./module.js";
import { opsAccess } from "./ops-access.js";
import { parseJsonBody, requestValidators } from "./request-input.js";
import {
  healthSchema,
  overallHealth,
  ServiceDirectory,
  type ServiceTarget,
  servicesHealthSchema,
} from "./services.js";
import { registerWebApp } from "./web.js";

declare module "fastify" {
  interface FastifyRequest {
    ctx: RequestContext;
    /** The request's server span (undefined while nothing records spans). */
    span: Span | undefined;
  }
}

/** Options of createGateway. */
export interface GatewayOptions {
  config: GatewayConfig;
  services: readonly ServiceTarget[];
  modules?: readonly GatewayModule[];
  logger: Logger;
  /** Verifies bearer tokens; without it any bearer token is refused. */
  authenticate?: Authenticator;
  /**
   * The bus the GraphQL subscriptions take their events from, each replica for its own clients
   * (ADR 0039); without it subscribing answers SERVICE_UNAVAILABLE.
   */
  events?: LiveEventSource;
}

/** A built gateway: the Fastify app plus its service directory. */
export interface Gateway {
  app: FastifyInstance;
  services: ServiceDirectory;
  /** The composed public GraphQL schema (SDL). */
  graphqlSchema: string;
}

const securityPolicy = "default-src 'none'; frame-ancestors 'none'";
const jsonType = /^application\/(graphql-response\+)?json/;
const graphqlResponseType = "application/graphql-response+json; charset=utf-8";

/**
 * Builds the gateway: request context (correlation id, trace, caller), rate limits, CORS, security
 * headers, body limit, GraphQL at /graphql with depth/cost/alias limits, REST under /api/v1 with
 * OpenAPI at /docs, the error envelope, and /health, /health/services and /metrics.
 */
export async function createGateway(options: GatewayOptions): Promise<Gateway> {
  const { config, logger } = options;
  const production = config.NODE_ENV === "production";
  const modules = options.modules ?? [];
  const metrics = createMetricsRegistry("gateway");
  const services = new ServiceDirectory(options.services, {
    timeoutMs: config.SERVICE_TIMEOUT_MS,
    duration: rpcClientHistogram(metrics),
  });
  const deps: GatewayDeps = { services };
  const catalogCache = new CatalogCache({
    maxEntries: config.CATALOG_CACHE_ENTRIES,
    ttlMs: config.CATALOG_CACHE_TTL_MS,
    answerBytes: config.ANSWER_CACHE_BYTES,
    answerTtlMs: config.ANSWER_CACHE_TTL_MS,
    lookups: new Counter({
      name: "gateway_catalog_cache_lookups_total",
      help: "Catalog documents and anonymous answers looked up in the gateway's cache, by kind and outcome (hit, miss)",
      labelNames: ["kind", "outcome"],
      registers: [metrics],
    }),
  });
  attachCatalogCache(services, catalogCache);
  new Gauge({
    name: "gateway_catalog_cache_live",
    help: "1 while the gateway's catalog cache serves (its event subscriptions are up), else 0",
    registers: [metrics],
    collect() {
      this.set(catalogCache.live ? 1 : 0);
    },
  });
  const httpDuration = new Histogram({
    name: "http_request_duration_seconds",
    help: "Duration of HTTP requests served by the gateway",
    labelNames: ["method", "route", "status"],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [metrics],
  });

  const clientAborts = new Counter({
    name: "gateway_client_aborts_total",
    help: "Requests whose client went away before the answer",
    labelNames: ["api"],
    registers: [metrics],
  });

  const app = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: config.BODY_LIMIT_BYTES,
    trustProxy: config.TRUST_PROXY ?? false,
    requestIdHeader: false,
    genReqId: (req) =>
      acceptCorrelationId(header(req.headers["x-correlation-id"]) ?? header(req.headers["x-request-id"])),
    ajv: { customOptions: { allErrors: true, removeAdditional: false } },
    schemaController: { compilersFactory: { buildValidator: requestValidators() } },
    // A path that is not percent-encoded UTF-8 (%ED%A0%80, a lone surrogate) or has a parameter
    // past 100 characters fails before routing, so no hook ran: answer it in the envelope, naming
    // the URL, since no parameter can be told apart.
    frameworkErrors: (error, request, raw) => {
      const tooLong = error.code === "FST_ERR_MAX_PARAM_LENGTH";
      const status = tooLong ? 414 : 400;
      const problem = tooLong
        ? "has a path parameter longer than 100 characters"
        : error.code === "FST_ERR_BAD_URL"
          ? "is not valid percent-encoded UTF-8"
          : "cannot be routed";
      const details = [{ field: "url", message: problem }];
      return (raw as FastifyReply)
        .status(status)
        .header("x-correlation-id", request.id)
        .header("x-request-id", request.id)
        .send(envelope({ status, code: "INVALID_ARGUMENT", message: `url ${problem}`, details }, request.id));
    },
  });

  // Closing lets open requests finish, each answer telling its client to reconnect elsewhere
  // (`connection: close`), but not forever: a client that stops reading an answer or sending its
  // request would otherwise keep the gateway from stopping. After the grace, what is left is cut,
  // as the services' listener does (ADR 0003).
  let closing = false;
  let cutAfterGrace: NodeJS.Timeout | undefined;
  app.addHook("onSend", (_request, reply, payload, done) => {
    if (closing) reply.header("connection", "close");
    done(null, payload);
  });
  app.addHook("preClose", (done) => {
    closing = true;
    cutAfterGrace = setTimeout(() => {
      logger.warn(
        { graceMs: config.SHUTDOWN_GRACE_MS },
        "closing: cutting connections still open after the grace",
      );
      app.server.closeAllConnections();
    }, config.SHUTDOWN_GRACE_MS);
    cutAfterGrace.unref();
    done();
  });
  app.addHook("onClose", (_app, done) => {
    clearTimeout(cutAfterGrace);
    done();
  });
  app.decorateRequest("ctx", undefined as unknown as RequestContext);
  app.decorateRequest("span", undefined);
  app.addHook("onRequest", (request, reply, done) => {
    reply.header("x-correlation-id", request.id);
    reply.header("x-request-id", request.id);
    const controller = new AbortController();
    reply.raw.once("close", () => {
      if (!reply.raw.writableFinished) controller.abort(new Error("client went away"));
    });
    const incoming = parseTraceparent(header(request.headers.traceparent)) ?? newTrace();
    let trace = incoming;
    if (isTracing()) {
      // The request's server span (ADR 0048): every call made for it is under it.
      const route = request.routeOptions.url ?? "unmatched";
      const started = startSpan("gateway", `${request.method} ${route}`, SpanKind.SERVER, incoming, {
        "http.request.method": request.method,
        "http.route": route,
      });
      request.span = started.span;
      trace = started.trace ?? incoming;
    }
    request.ctx = {
      caller: undefined,
      token: undefined,
      correlationId: request.id,
      trace,
      deadline: Date.now() + config.SERVICE_TIMEOUT_MS * 2,
      signal: controller.signal,
    };
    runWithContext(request.ctx, done);
  });
  app.addHook("onRequest", async (request) => {
    const authorization = header(request.headers.authorization);
    if (authorization === undefined) return;
    try {
      const token = bearerToken(authorization);
      if (!token) throw new Unauthenticated("authorization header must be 'Bearer <token>'");
      if (!options.authenticate)
        throw new Unauthenticated("bearer tokens are not accepted: no key set is configured");
      request.ctx.caller = await options.authenticate(token);
      request.ctx.token = token;
    } catch (error) {
      const refusal = error instanceof DomainError ? error : new Unauthenticated("token refused");
      if (!request.routeOptions.config?.tolerateBadToken) throw refusal;
      recordAuthFailure(request.ctx, refusal);
    }
  });
  app.addHook("onSend", async (_request, reply, payload) => {
    const type = String(reply.getHeader("content-type") ?? "");
    if (jsonType.test(type)) reply.header("content-security-policy", securityPolicy);
    // REST and GraphQL alike: whatever answered 502, 503 or 504 tells the client when to try again.
    const retryAfter = retryAfterOf(reply.statusCode);
    if (retryAfter !== undefined && !reply.hasHeader("retry-after")) reply.header("retry-after", retryAfter);
    return payload;
  });
  app.addHook("onResponse", async (request, reply) => {
    if (request.span) {
      request.span.setAttribute("http.response.status_code", reply.statusCode);
      endSpan(request.span, reply.statusCode >= 500 ? new Error(`HTTP ${reply.statusCode}`) : undefined);
    }
    httpDuration.observe(
      {
        method: request.method,
        route: request.routeOptions.url ?? "unmatched",
        status: String(reply.statusCode),
      },
      reply.elapsedTime / 1000,
    );
  });

  app.addContentTypeParser("application/json", { parseAs: "string" }, parseJsonBody);
  app.setErrorHandler((error, request, reply) => {
    const resolved = resolveError(error);
    if (request.ctx?.signal.aborted) {
      // The client went away and the calls made for it were cancelled: its doing, not ours.
      clientAborts.inc({ api: "rest" });
      request.log.info({ err: error instanceof Error ? error.message : String(error) }, "client went away");
    } else if (resolved.status >= 500 && resolved.code !== "SERVICE_UNAVAILABLE") {
      request.log.error({ err: error }, "request failed");
    } else if (resolved.code === "SERVICE_UNAVAILABLE") {
      request.log.warn(
        { err: error instanceof DomainError ? error.message : String(error) },
        "service unavailable",
      );
    }
    const message =
      resolved.code === "SERVICE_UNAVAILABLE" && error instanceof DomainError
        ? error.message
        : resolved.message;
    return reply.status(resolved.status).send(envelope({ ...resolved, message }, request.id));
  });
  const web = config.WEB_ROOT ? await registerWebApp(app, config.WEB_ROOT) : undefined;
  app.setNotFoundHandler((request, reply) => {
    if (web?.fallback(request, reply)) return reply;
    return reply.status(404).send(
      envelope(
        {
          status: 404,
          code: "NOT_FOUND",
          message: `no route ${request.method} ${request.url.split("?")[0]}`,
          details: [],
        },
        request.id,
      ),
    );
  });

  await app.register(helmet, {
    contentSecurityPolicy: false,
    crossOriginResourcePolicy: { policy: "same-site" },
  });
  await app.register(cors, {
    origin:
      config.CORS_ORIGINS === "*" ? true : config.CORS_ORIGINS.split(",").map((origin) => origin.trim()),
    // The REST API uses every one of these methods; @fastify/cors allows only GET, HEAD and POST by default.
    methods: ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"],
    allowedHeaders: [
      "authorization",
      "content-type",
      "idempotency-key",
      "x-correlation-id",
      "x-request-id",
      "traceparent",
      "tracestate",
    ],
    exposedHeaders: [
      "x-correlation-id",
      "x-request-id",
      "idempotent-replayed",
      "retry-after",
      "x-ratelimit-limit",
      "x-ratelimit-remaining",
      "x-ratelimit-reset",
    ],
    maxAge: 600,
  });
  const answers = graphqlAnswers(catalogCache);
  // Before the HTTP cache's onSend, which may turn the answer into an empty 304.
  app.addHook("onSend", async (request, reply, payload) => {
    answers.sent(request, reply, payload);
    return payload;
  });
  registerHttpCache(app, {
    graphqlPath: "/graphql",
    publicMaxAgeS: config.PUBLIC_CACHE_MAX_AGE_S,
    noStore: ["/api/v1/auth/"],
  });
  // Every command bounded (ADR 0027): with skipOnError, a Redis that is down or hung lets requests
  // through unlimited instead of holding them.
  const redis = config.REDIS_URL
    ? new Redis(config.REDIS_URL, { ...boundedRedisOptions(), lazyConnect: false })
    : undefined;
  if (redis) reportRedisOutages(redis, logger, () => closing);
  await app.register(rateLimit, {
    max: config.RATE_LIMIT_MAX,
    timeWindow: config.RATE_LIMIT_WINDOW_MS,
    ...(redis ? { redis, nameSpace: "mercato-gateway-rl:", skipOnError: true } : {}),
    keyGenerator: (request: FastifyRequest) =>
      request.ctx?.caller ? `user:${request.ctx.caller.id}` : `ip:${request.ip}`,
    allowList: (request: FastifyRequest) => request.url.startsWith("/health") || request.url === "/metrics",
    errorResponseBuilder: (_request, context) => ({
      statusCode: 429,
      code: "RESOURCE_EXHAUSTED",
      message: `rate limit of ${context.max} requests per ${context.after} exceeded`,
    }),
  });
  if (redis)
    app.addHook("onClose", async () => {
      redis.disconnect();
    });

  app.addSchema(errorEnvelopeSchema);
  await app.register(swagger, {
    openapi: {
      openapi: "3.1.0",
      info: {
        title: "Mercato gateway",
        version: "1.0.0",
        description:
          "Public REST API of Mercato. Every error uses the ErrorEnvelope; every response carries x-correlation-id.",
      },
      components: { securitySchemes: { bearer: { type: "http", scheme: "bearer", bearerFormat: "JWT" } } },
    },
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => String(json.$id ?? `def-${i}`) },
  });
  await app.register(swaggerUi, { routePrefix: "/docs", staticCSP: true });

  const graphqlSchema = composeSchema(modules);
  const resolvers: IResolvers = {
    Query: {
      health: async (_root: unknown, _args: unknown, context: GraphqlContext) => {
        const list = await context.deps.services.health();
        // Error texts can name internal addresses: production shows them to admins only.
        const detailed = !production || context.ctx.caller?.roles.includes("admin") === true;
        const services = detailed ? list : list.map(({ error: _hidden, ...rest }) => rest);
        return { status: overallHealth(list), services };
      },
    },
  };
  for (const module of modules) mergeResolvers(resolvers, module.resolvers?.(deps) ?? {});
  const introspection = config.GRAPHQL_INTROSPECTION ?? !production;
  const pubsub = new TopicPubSub();
  await app.register(mercurius, {
    schema: graphqlSchema,
    resolvers: withContext(resolvers),
    path: "/graphql",
    graphiql: false,
    jit: 1,
    // Automatic persisted queries (ADR 0051): a client may send a document's hash in its place.
    ...(config.GRAPHQL_PERSISTED_QUERIES > 0
      ? {
          persistedQueryProvider: mercurius.persistedQueryDefaults.automatic(
            config.GRAPHQL_PERSISTED_QUERIES,
          ),
        }
      : {}),
    graphql: { parseOptions: { maxTokens: config.GRAPHQL_MAX_TOKENS } },
    validationRules: [
      ...shapeLimitRules({
        maxDepth: config.GRAPHQL_MAX_DEPTH,
        maxAliases: config.GRAPHQL_MAX_ALIASES,
        maxDirectives: config.GRAPHQL_MAX_DIRECTIVES,
      }),
      ...(introspection ? [] : [noIntrospectionRule]),
      noSubscriptionOverHttpRule,
    ],
    context: (request) => ({ ctx: request.ctx, deps }),
    subscription: subscriptionOptions({
      config,
      pubsub,
      deps,
      logger,
      enabled: options.events !== undefined,
      authenticate: options.authenticate,
    }),
    additionalRouteOptions: {
      schema: { hide: true },
      config: { tolerateBadToken: true },
      preHandler: async (request, reply) => {
        if (acceptUpgrade(request)) return;
        const get = request.method === "GET";
        checkGraphqlParams((get ? request.query : request.body) as GraphqlParams, get);
        if (answers.serve(request, reply)) return reply;
      },
      onSend: async (request, reply, payload) => {
        if (
          prefersGraphqlResponse(request.headers.accept) &&
          jsonType.test(String(reply.getHeader("content-type")))
        )
          reply.header("content-type", graphqlResponseType);
        return payload;
      },
    },
    errorFormatter: (execution, context) =>
      formatGraphqlErrors(execution, context, {
        hideSuggestions: production,
        onClientAbort: () => clientAborts.inc({ api: "graphql" }),
      }),
  });
  addSubscriptionLimits(app, config, introspection);
  if (options.events) {
    const hub = new LiveHub(
      pubsub,
      modules.flatMap((module) => module.live ?? []),
      logger,
    );
    await hub.start(options.events);
    app.addHook("onClose", () => hub.stop());
    await catalogCache.start(options.events);
    app.addHook("onClose", () => catalogCache.stop());
  }
  if (!production) registerGraphiql(app);
  // The cost depends on the request's variables, so it is checked on every execution: validation
  // runs once per document and its result is cached.
  app.graphql.addHook("preExecution", async (_schema, document, context, variables) => {
    const request = context.reply.request;
    const params = (request.method === "GET" ? request.query : request.body) as
      | { operationName?: string | null }
      | undefined;
    const cost = operationCost(document, params?.operationName, variables as Record<string, unknown>);
    if (cost > config.GRAPHQL_MAX_COST) throw costLimitError(cost, config.GRAPHQL_MAX_COST);
    answers.executing(request, document, params?.operationName ?? undefined);
  });

  // The metrics token is no JWT: the routes tolerate the caller hook's refusal and check it themselves.
  const opsOnly = opsAccess(config);
  if (production && config.METRICS_TOKEN === undefined)
    logger.warn("METRICS_TOKEN is not set: /metrics and /health/services answer 401 in production");
  app.get(
    "/health",
    { schema: { tags: ["health"], summary: "Liveness of the gateway", response: { 200: healthSchema } } },
    async () => ({ status: "ok" }),
  );
  app.get(
    "/health/services",
    {
      onRequest: opsOnly,
      config: { tolerateBadToken: true },
      schema: {
        tags: ["health"],
        summary:
          "Status and latency of every service behind the gateway (Authorization: Bearer <METRICS_TOKEN> when set; closed in production without it)",
        response: { 200: servicesHealthSchema, 503: servicesHealthSchema, 401: { $ref: "ErrorEnvelope#" } },
      },
    },
    async (_request, reply) => {
      const list = await services.health();
      // 503 only when a service cannot serve; one doing without a dependency is reported, not fatal.
      const up = list.every((s) => s.status === "up");
      return reply.status(up ? 200 : 503).send({ status: overallHealth(list), services: list });
    },
  );
  app.get(
    "/metrics",
    { onRequest: opsOnly, config: { tolerateBadToken: true }, schema: { hide: true } },
    async (_request, reply) => reply.type(metrics.contentType).send(await metrics.metrics()),
  );

  await app.register(
    async (api) => {
      for (const module of modules) await module.rest?.(api, deps);
    },
    { prefix: "/api/v1" },
  );

  return { app, services, graphqlSchema: printSchema(buildSchema(graphqlSchema)) };
}

function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
