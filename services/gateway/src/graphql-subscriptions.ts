// GraphQL subscriptions over WebSocket (graphql-transport-ws), ADR 0039: a connection signs in
// with its connection_init payload, documents get the limits HTTP requests get, and each
// subscription is the caller's own topic of the replica's pubsub.
import { createRequire } from "node:module";
import { acceptCorrelationId, newTrace, type RequestContext } from "@mercato/platform/context";
import { type Authenticator, bearerToken } from "@mercato/platform/rpc";
import type { FastifyInstance, FastifyRequest } from "fastify";
import {
  type ASTVisitor,
  type DocumentNode,
  GraphQLError,
  Kind,
  parse,
  type ValidationContext,
} from "graphql";
import { decodeJwt } from "jose";
import type { CustomPubSub, MercuriusOptions } from "mercurius";
import type { Logger } from "pino";
import type { GatewayConfig } from "./config.js";
import { costLimitError, noIntrospectionRule, operationCost, shapeLimitRules } from "./graphql-limits.js";
import { connectionInitTimeoutMs, LiveSessions, type TopicPubSub } from "./live.js";
import type { GatewayDeps } from "./module.js";

// Mercurius subscribes and hooks with the CommonJS copy of graphql, whose schema the ESM copy's
// validate would refuse as "from another realm": subscription documents are validated with it.
const graphqlCjs = createRequire(import.meta.url)("graphql") as typeof import("graphql");

/** What the WebSocket side of the gateway needs. */
export interface SubscriptionSetup {
  config: GatewayConfig;
  pubsub: TopicPubSub;
  deps: GatewayDeps;
  logger: Logger;
  /** Whether events reach this replica from a bus; without one, subscribing answers SERVICE_UNAVAILABLE. */
  enabled: boolean;
  authenticate: Authenticator | undefined;
}

const protocol = "graphql-transport-ws";

/** Upgrade requests that sent their connection_init (the context function runs at it). */
const initialised = new WeakSet<FastifyRequest>();

/**
 * Mercurius's `subscription` option: graphql-transport-ws only; connection_init must carry
 * `{ authorization: "Bearer <token>" }` that the gateway's authenticator accepts, within the
 * user's connection limit, or the connection is refused (connection_error, then closed).
 */
export function subscriptionOptions(setup: SubscriptionSetup): NonNullable<MercuriusOptions["subscription"]> {
  const sessions = new LiveSessions();
  return {
    pubsub: setup.pubsub as unknown as CustomPubSub,
    keepAlive: 30_000,
    fullWsTransport: false,
    // Only the graphql-transport-ws subprotocol; the older subscriptions-transport-ws one is refused.
    verifyClient: (info, next) => {
      const offered = String(info.req.headers["sec-websocket-protocol"] ?? "")
        .split(",")
        .map((name) => name.trim());
      if (offered.includes(protocol)) next(true);
      else next(false, 400, `use the WebSocket subprotocol ${protocol}`);
    },
    // Runs at each connection_init, before onConnect. A second one on the same connection would
    // open a second session that no close ever ends: the protocol closes the socket with 4429.
    context: (socket, request) => {
      if (initialised.has(request)) {
        socket.close(4429, "Too many initialisation requests");
        throw new Error("a second connection_init on one WebSocket");
      }
      initialised.add(request);
      return {};
    },
    onConnect: async ({ payload }) => {
      const given = (payload ?? {}) as Record<string, unknown>;
      const header = given.authorization ?? given.Authorization;
      const token = bearerToken(typeof header === "string" ? header : undefined);
      if (!token || !setup.authenticate) return false;
      let caller: Awaited<ReturnType<Authenticator>>;
      try {
        caller = await setup.authenticate(token);
      } catch (error) {
        setup.logger.info({ err: (error as Error).message }, "WebSocket connection refused: token refused");
        return false;
      }
      const exp = safeExpiry(token);
      const session = sessions.open(caller, exp, setup.enabled);
      if (!session) {
        setup.logger.info({ userId: caller.id }, "WebSocket connection refused: too many connections");
        return false;
      }
      const ctx: RequestContext = {
        caller,
        token,
        correlationId: acceptCorrelationId(undefined),
        trace: newTrace(),
        deadline: undefined,
        signal: session.abort.signal,
      };
      return { ctx, deps: setup.deps, live: session };
    },
    onDisconnect: (context) => {
      if (context.live) sessions.close(context.live);
    },
  };
}

/** When the (already verified) token expires, in epoch ms. */
function safeExpiry(token: string): number | undefined {
  try {
    const { exp } = decodeJwt(token);
    return typeof exp === "number" ? exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}

/**
 * For the GraphQL GET route: a WebSocket upgrade has no GraphQL parameters, and must send its
 * connection_init within `connectionInitTimeoutMs` or lose its socket. True for an upgrade.
 */
export function acceptUpgrade(request: FastifyRequest): boolean {
  if (!(request as { ws?: boolean }).ws) return false;
  const socket = request.raw.socket;
  const timer = setTimeout(() => {
    if (!initialised.has(request)) socket.destroy();
  }, connectionInitTimeoutMs);
  timer.unref();
  socket.once("close", () => clearTimeout(timer));
  return true;
}

/** A GraphQL limit error, as HTTP requests get it. */
const limitError = (message: string) =>
  new GraphQLError(message.replace(/^Syntax Error: /, ""), { extensions: { code: "INVALID_ARGUMENT" } });

/**
 * Gives subscription documents the limits queries have: Mercurius's subscribe neither validates
 * them nor runs the HTTP hooks, so the tokens, the specification's rules with the depth, alias,
 * directive and introspection rules, and the cost are checked here.
 */
export function addSubscriptionLimits(
  app: FastifyInstance,
  config: GatewayConfig,
  introspection: boolean,
): void {
  const rules = [
    ...graphqlCjs.specifiedRules,
    ...shapeLimitRules({
      maxDepth: config.GRAPHQL_MAX_DEPTH,
      maxAliases: config.GRAPHQL_MAX_ALIASES,
      maxDirectives: config.GRAPHQL_MAX_DIRECTIVES,
    }),
    ...(introspection ? [] : [noIntrospectionRule]),
  ] as Parameters<typeof graphqlCjs.validate>[2];
  app.graphql.addHook("preSubscriptionParsing", async (_schema, source) => {
    try {
      parse(source, { maxTokens: config.GRAPHQL_MAX_TOKENS });
    } catch (error) {
      throw limitError((error as Error).message);
    }
  });
  app.graphql.addHook("preSubscriptionExecution", async (schema, document) => {
    const errors = graphqlCjs.validate(schema, document, rules);
    if (errors.length > 0) throw limitError(errors.map((error) => error.message).join("; "));
    const cost = highestCost(document);
    if (cost > config.GRAPHQL_MAX_COST) throw costLimitError(cost, config.GRAPHQL_MAX_COST);
  });
}

/** Refuses a subscription sent over HTTP (where it would only fail): they run over WebSocket. */
export function noSubscriptionOverHttpRule(context: ValidationContext): ASTVisitor {
  return {
    OperationDefinition(node) {
      if (node.operation === "subscription")
        context.reportError(
          limitError(`subscriptions run over WebSocket at /graphql (subprotocol ${protocol}), not over HTTP`),
        );
    },
  };
}

/** The cost of the document's dearest operation (the hook is not told which one runs). */
function highestCost(document: DocumentNode): number {
  let highest = 0;
  for (const definition of document.definitions) {
    if (definition.kind === Kind.OPERATION_DEFINITION)
      highest = Math.max(highest, operationCost(document, definition.name?.value ?? null, {}));
  }
  return highest;
}
