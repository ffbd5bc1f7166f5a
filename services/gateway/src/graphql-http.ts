// GraphQL over HTTP for the gateway: resolvers run in their request's context, answers in the
// media type the client asked for, errors in the shape the GraphQL-over-HTTP specification gives.
import { ConnectError } from "@connectrpc/connect";
import { runWithContext } from "@mercato/platform/context";
import { DomainError, type ErrorCode, errorMappings, InvalidArgument } from "@mercato/platform/errors";
import type { FormattedExecutionResult, GraphQLError, GraphQLFormattedError } from "graphql";
import type { IResolvers, MercuriusContext } from "mercurius";
import { resolveError, statusOf } from "./envelope.js";
import type { GraphqlContext } from "./module.js";

type Resolver = (root: unknown, args: unknown, context: GraphqlContext, info: unknown) => unknown;

/** Adds `source`'s resolvers to `target`, type by type (a later module's field wins). */
export function mergeResolvers(target: IResolvers, source: IResolvers): void {
  for (const [type, fields] of Object.entries(source)) {
    const existing = (target[type] ?? {}) as Record<string, unknown>;
    target[type] = { ...existing, ...(fields as Record<string, unknown>) };
  }
}

/** Runs every resolver inside its request's context, so logs and service calls carry it. */
export function withContext(resolvers: IResolvers): IResolvers {
  const wrapped: IResolvers = {};
  for (const [type, fields] of Object.entries(resolvers)) {
    const out: Record<string, unknown> = {};
    for (const [name, resolver] of Object.entries(fields as Record<string, unknown>)) {
      out[name] =
        typeof resolver === "function"
          ? (root: unknown, args: unknown, context: GraphqlContext, info: unknown) =>
              runWithContext(context.ctx, () => (resolver as Resolver)(root, args, context, info))
          : resolver;
    }
    wrapped[type] = out;
  }
  return wrapped;
}

/** Longest error message a GraphQL answer carries, in characters; longer ones are cut. */
const maxMessageLength = 1_000;

/** How GraphQL answers are written: production hides suggestions; client aborts are counted. */
interface GraphqlFormatOptions {
  hideSuggestions: boolean;
  onClientAbort: () => void;
}

/**
 * True when the client asks for `application/graphql-response+json` at least as much as for
 * `application/json`; a request without Accept (or with only a wildcard) gets `application/json`,
 * as the GraphQL-over-HTTP specification says for legacy clients.
 */
export function prefersGraphqlResponse(accept: string | undefined): boolean {
  if (!accept) return false;
  let graphql = -1;
  let json = -1;
  for (const part of accept.split(",")) {
    const [type = "", ...params] = part.split(";").map((piece) => piece.trim().toLowerCase());
    const q = Number(params.find((p) => p.startsWith("q="))?.slice(2) ?? 1);
    const weight = Number.isFinite(q) ? q : 0;
    if (type === "application/graphql-response+json") graphql = Math.max(graphql, weight);
    else if (type === "application/json") json = Math.max(json, weight);
  }
  return graphql > 0 && graphql >= json;
}

interface FastifyRaisedError {
  statusCode?: number;
  validation?: unknown;
}

/** Fastify refused the HTTP request itself (body parse, size, type, rate): not a GraphQL request. */
const isHttpError = (error: unknown): boolean => {
  const e = error as FastifyRaisedError | undefined;
  return !!e && !(error instanceof DomainError) && (typeof e.statusCode === "number" || !!e.validation);
};

/**
 * Writes a GraphQL answer with errors, following GraphQL-over-HTTP: a request error (parse,
 * validation, variables, limits) has no `data` entry; under `application/graphql-response+json`
 * it is a 4xx and an execution whose data is null takes its errors' status (429, 502, …), while
 * `application/json` clients get 200 for everything GraphQL answered. What Fastify refused before
 * GraphQL (a body too large, not JSON, over the rate limit) keeps its own status either way.
 */
export function formatGraphqlErrors(
  execution: { data?: unknown; errors: readonly GraphQLError[] },
  context: MercuriusContext,
  options: GraphqlFormatOptions,
): { statusCode: number; response: FormattedExecutionResult } {
  const request = context?.reply?.request;
  const correlationId = request?.id ?? "";
  const requestError = !("data" in execution);
  // Mercurius reports failed validation as one error holding the individual ones; list those.
  const flat = execution.errors.flatMap((error) => {
    const inner = (error.originalError as { errors?: unknown } | undefined)?.errors;
    return Array.isArray(inner) && inner.length > 0 ? (inner as GraphQLError[]) : [error];
  });
  const aborted = request?.ctx?.signal.aborted === true;
  let httpStatus: number | undefined;
  const statuses = new Set<number>();
  const errors = flat.map((error): GraphQLFormattedError => {
    const original =
      error.originalError ?? (error instanceof Error && !isGraphqlError(error) ? error : undefined);
    const resolved = resolveGraphqlError(error, original, requestError);
    // Refused before GraphQL ran (HTTP-level or a malformed parameter): its own status either way.
    if (requestError && (original instanceof DomainError || (original && isHttpError(original))))
      httpStatus ??= resolved.status;
    else if (requestError && original && !isGraphqlError(original))
      request?.log.warn({ err: original }, "GraphQL refused a request with an unexpected error");
    statuses.add(resolved.status);
    if (resolved.code === "INTERNAL") {
      if (aborted) {
        options.onClientAbort();
        request?.log.info({ err: original?.message }, "client went away before the answer");
      } else request?.log.error({ err: original }, "resolver failed");
    }
    const message =
      resolved.code === "SERVICE_UNAVAILABLE" && original instanceof DomainError
        ? original.message
        : resolved.message;
    const shown = options.hideSuggestions ? message.replace(/ Did you mean .*\?$/, "") : message;
    return {
      // GraphQL quotes a refused literal whole: a 900 kB string would come back 900 kB long.
      message: shown.length > maxMessageLength ? `${shown.slice(0, maxMessageLength)}…` : shown,
      ...(error.locations ? { locations: error.locations } : {}),
      ...(error.path ? { path: error.path } : {}),
      extensions: {
        code: resolved.code,
        correlationId,
        ...(resolved.details.length > 0 ? { details: resolved.details } : {}),
      },
    };
  });
  const hasData = execution.data !== undefined && execution.data !== null;
  const errorStatus =
    statuses.size === 1 ? ([...statuses][0] ?? 400) : Math.max(...statuses, 400) >= 500 ? 500 : 400;
  const statusCode =
    httpStatus ?? (hasData ? 200 : prefersGraphqlResponse(request?.headers.accept) ? errorStatus : 200);
  const response = requestError
    ? { errors }
    : { data: (execution.data ?? null) as NonNullable<FormattedExecutionResult["data"]> | null, errors };
  return { statusCode, response };
}

/** The parameters of a GraphQL-over-HTTP request, as sent. */
export interface GraphqlParams {
  query?: unknown;
  operationName?: unknown;
  variables?: unknown;
  extensions?: unknown;
}

const isObject = (value: unknown) => typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * Refuses a request whose parameters are not what GraphQL-over-HTTP says (a string query, a string
 * operation name, variables and extensions as objects; GET sends the last two as JSON text), naming
 * the parameter: such a request is not a GraphQL request, so it gets 400 whatever the client accepts.
 */
export function checkGraphqlParams(params: GraphqlParams | undefined, get: boolean): void {
  if (!isObject(params)) throw InvalidArgument.field("body", "must be an object with a query");
  const given = params as GraphqlParams;
  if (given.operationName != null && typeof given.operationName !== "string")
    throw InvalidArgument.field("operationName", "must be a string");
  const parsed: Record<string, unknown> = {};
  for (const name of ["variables", "extensions"] as const) {
    let value = given[name];
    if (value == null) continue;
    if (get && typeof value === "string") {
      try {
        value = JSON.parse(value);
      } catch {
        throw InvalidArgument.field(name, "must be a JSON object");
      }
    }
    if (value != null && !isObject(value)) throw InvalidArgument.field(name, "must be an object");
    parsed[name] = value;
  }
  // An automatic persisted query names its document by hash instead of sending it.
  const persisted = (parsed.extensions as { persistedQuery?: unknown } | undefined)?.persistedQuery;
  if (persisted !== undefined) {
    const { version, sha256Hash } = (isObject(persisted) ? persisted : {}) as Record<string, unknown>;
    if (version !== 1) throw InvalidArgument.field("extensions.persistedQuery.version", "must be 1");
    if (typeof sha256Hash !== "string" || !/^[0-9a-f]{64}$/.test(sha256Hash))
      throw InvalidArgument.field("extensions.persistedQuery.sha256Hash", "must be 64 lowercase hex digits");
    if (given.query == null) return;
  }
  if (typeof given.query !== "string") throw InvalidArgument.field("query", "must be a string");
}

function isGraphqlError(error: unknown): error is GraphQLError {
  return error instanceof Error && error.name === "GraphQLError";
}

/**
 * The code of one GraphQL error: what a resolver threw is resolved as REST resolves it; what
 * GraphQL itself raised about the request (syntax, validation, variable values, limits, a
 * document or variables nested past the stack) is the client's INVALID_ARGUMENT.
 */
function resolveGraphqlError(error: GraphQLError, original: Error | undefined, requestError: boolean) {
  const presetCode = error.extensions?.code as ErrorCode | undefined;
  if (
    original instanceof DomainError ||
    original instanceof ConnectError ||
    (original && isHttpError(original))
  )
    return resolveError(original);
  if (presetCode && presetCode in errorMappings)
    return { status: statusOf(presetCode), code: presetCode, message: error.message, details: [] };
  if (original instanceof RangeError && /call stack/i.test(original.message))
    return {
      status: 400,
      code: "INVALID_ARGUMENT" as const,
      message: "document or variables are nested too deeply",
      details: [],
    };
  // Everything else GraphQL raised before executing is about what the client sent.
  if (!original || original === error || isGraphqlError(original) || requestError) {
    // graphql-js gives up on a document whose fields take too much work to compare.
    const message =
      error.message === "Validation aborted." ? "the document is too complex to validate" : error.message;
    return { status: 400, code: "INVALID_ARGUMENT" as const, message, details: [] };
  }
  return resolveError(original);
}
