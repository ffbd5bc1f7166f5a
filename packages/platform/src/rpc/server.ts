import type { DescMessage } from "@bufbuild/protobuf";
import { pathToString, reflect } from "@bufbuild/protobuf/reflect";
import { createValidator, type Validator } from "@bufbuild/protovalidate";
import {
  type ConnectRouter,
  createContextKey,
  type HandlerContext,
  type Interceptor,
} from "@connectrpc/connect";
import { connectNodeAdapter } from "@connectrpc/connect-node";
import type { Logger } from "pino";
import type { Histogram } from "prom-client";
import { runWithContext } from "../context/als.js";
import {
  acceptCorrelationId,
  type Caller,
  newTrace,
  parseTraceparent,
  type RequestContext,
} from "../context/context.js";
import { DomainError, InvalidArgument, toConnectError, Unauthenticated } from "../errors/errors.js";
import { endSpan, isTracing, SpanKind, startSpan } from "../telemetry/tracing.js";
import { directRpcPath } from "./direct-path.js";
import { type DualHandler, type Listening, listenDual } from "./listen.js";
import { bearerToken, codeName, headerNames, timeoutFromHeaders } from "./metadata.js";
import { nulCharacterPaths } from "./nul-characters.js";
import {
  createUnaryServer,
  maxUnaryRequestBytes,
  recordingRouter,
  type UnaryRoutes,
} from "./unary-server.js";

/** Verifies a bearer token and says who is calling; throws Unauthenticated when it is not valid. */
export type Authenticator = (token: string) => Promise<Caller>;

const requestContextKey = createContextKey<RequestContext | undefined>(undefined, {
  description: "mercato request context",
});

/** The request context of an RPC handler call (set by the server's context interceptor). */
export function contextOf(handlerContext: HandlerContext): RequestContext {
  const ctx = handlerContext.values.get(requestContextKey);
  if (!ctx) throw new Error("no request context: is the context interceptor installed?");
  return ctx;
}

/** The caller of an RPC handler call with its id in lower case, or undefined for an anonymous call. */
export function callerOf(handlerContext: HandlerContext): Caller | undefined {
  const caller = contextOf(handlerContext).caller;
  return caller ? { ...caller, id: caller.id.toLowerCase() } : undefined;
}

/** The signed-in caller of an RPC handler call, id in lower case; Unauthenticated without one. */
export function signedInCaller(handlerContext: HandlerContext): Caller {
  const caller = callerOf(handlerContext);
  if (!caller) throw new Unauthenticated("sign in first");
  return caller;
}

/** Builds the request context from incoming headers: correlation id, trace, deadline, caller. */
export function contextInterceptor(
  authenticate: Authenticator | undefined,
  service = "service",
): Interceptor {
  return (next) => async (req) => {
    const token = bearerToken(req.header.get(headerNames.authorization));
    let caller: Caller | undefined;
    if (req.header.has(headerNames.authorization) && !token) {
      throw toConnectError(new Unauthenticated("authorization header must be 'Bearer <token>'"));
    }
    if (token) {
      if (!authenticate)
        throw toConnectError(new Unauthenticated("this service does not accept bearer tokens"));
      try {
        caller = await authenticate(token);
      } catch (error) {
        throw toConnectError(error instanceof DomainError ? error : new Unauthenticated("invalid token"));
      }
    }
    const timeout = timeoutFromHeaders(req.header);
    const ctx: RequestContext = {
      caller,
      token,
      correlationId: acceptCorrelationId(
        req.header.get(headerNames.correlationId) ?? req.header.get(headerNames.requestId),
      ),
      trace: parseTraceparent(req.header.get(headerNames.traceparent)) ?? newTrace(),
      deadline: timeout === undefined ? undefined : Date.now() + timeout,
      signal: req.signal,
    };
    req.contextValues.set(requestContextKey, ctx);
    if (!isTracing()) return runWithContext(ctx, () => next(req));
    // The server span of this call (ADR 0048): what the handler does and calls is under it.
    const { span, trace } = startSpan(
      service,
      `${req.service.typeName}/${req.method.name}`,
      SpanKind.SERVER,
      ctx.trace,
      {
        "rpc.system": "connect_rpc",
        "rpc.service": req.service.typeName,
        "rpc.method": req.method.name,
      },
    );
    if (trace) ctx.trace = trace;
    try {
      const answer = await runWithContext(ctx, () => next(req));
      endSpan(span);
      return answer;
    } catch (error) {
      endSpan(span, error);
      throw error;
    }
  };
}

/** Checks every request message against its protovalidate rules; a violation is an InvalidArgument naming the field. */
export function validationInterceptor(validator: Validator = createValidator()): Interceptor {
  return (next) => async (req) => {
    if (!req.stream) {
      const result = validator.validate(req.method.input as DescMessage, req.message);
      if (result.kind === "invalid") {
        const violations = result.violations.map((violation) => ({
          field: pathToString(violation.field) || "(message)",
          message: violation.message,
        }));
        const summary = violations.map((v) => `${v.field}: ${v.message}`).join("; ");
        throw toConnectError(new InvalidArgument(`invalid ${req.method.input.name}: ${summary}`, violations));
      }
      if (result.kind === "error") throw toConnectError(result.error);
      const nul = nulCharacterPaths(reflect(req.method.input as DescMessage, req.message));
      if (nul.length > 0) {
        const violations = nul.map((field) => ({ field, message: "must not contain a NUL character" }));
        const summary = violations.map((v) => `${v.field}: ${v.message}`).join("; ");
        throw toConnectError(new InvalidArgument(`invalid ${req.method.input.name}: ${summary}`, violations));
      }
    }
    return next(req);
  };
}

/** Maps thrown domain errors to Connect errors, logs unexpected ones and records call durations. */
export function observeInterceptor(options: {
  logger?: Logger;
  duration?: Histogram<"method" | "code">;
}): Interceptor {
  return (next) => async (req) => {
    const started = performance.now();
    const method = `${req.service.typeName}/${req.method.name}`;
    let code = "ok";
    try {
      return await next(req);
    } catch (error) {
      const connectError = toConnectError(error);
      code = codeName(connectError.code);
      if (!(error instanceof DomainError) && code === "internal") {
        options.logger?.error({ err: error, method }, "rpc failed unexpectedly");
      }
      throw connectError;
    } finally {
      const seconds = (performance.now() - started) / 1000;
      options.duration?.observe({ method, code }, seconds);
      // `code` is a redacted key (sign-in codes): the status goes out as `status`.
      options.logger?.debug({ method, status: code, ms: Math.round(seconds * 1000) }, "rpc");
    }
  };
}

/** A plain HTTP route next to the RPC routes (health, readiness, metrics). */
export interface HttpRoute {
  method: "GET";
  path: string;
  handle(): Promise<{ status: number; contentType: string; body: string }>;
}

/** A plain HTTP handler next to the RPC routes (file uploads and downloads); true when it took the request. */
export type HttpHandler = (
  req: import("node:http").IncomingMessage | import("node:http2").Http2ServerRequest,
  res: import("node:http").ServerResponse | import("node:http2").Http2ServerResponse,
) => boolean;

/** Options of startRpcServer. */
export interface RpcServerOptions {
  host?: string;
  port: number;
  routes: (router: ConnectRouter) => void;
  interceptors?: Interceptor[];
  httpRoutes?: HttpRoute[];
  /** Serves other plain HTTP requests (any method, streamed bodies); true when it took the request. */
  httpHandler?: HttpHandler;
  /** Longest deadline a caller may ask for; default 60 000 ms. */
  maxTimeoutMs?: number;
  /** Binary Connect unary calls through createUnaryServer (docs/adr/0020); default from RPC_DIRECT (on). */
  direct?: boolean;
}

/**
 * Serves ConnectRPC routes (gRPC, gRPC-Web and Connect on one port, HTTP/1.1 and h2c) plus a few
 * plain HTTP routes. Binary Connect unary calls take a direct path (createUnaryServer) unless
 * `direct` is false.
 */
export async function startRpcServer(options: RpcServerOptions): Promise<Listening> {
  const routes = new Map((options.httpRoutes ?? []).map((route) => [`${route.method} ${route.path}`, route]));
  const unaryRoutes: UnaryRoutes = new Map();
  const interceptors = options.interceptors ?? [];
  const maxTimeoutMs = options.maxTimeoutMs ?? 60_000;
  const connect = connectNodeAdapter({
    routes: (router) => options.routes(recordingRouter(router, unaryRoutes)),
    interceptors,
    maxTimeoutMs,
    // The direct path's limit on every path (connect's default reads any size), so a caller is
    // refused the same way whichever way its call comes in.
    readMaxBytes: maxUnaryRequestBytes,
    fallback: (req, res) => {
      const path = (req.url ?? "/").split("?")[0];
      const route = routes.get(`${req.method} ${path}`);
      if (!route && options.httpHandler?.(req, res as Parameters<HttpHandler>[1])) return;
      if (!route) {
        res.writeHead(404, { "content-type": "application/json" });
        res.end(JSON.stringify({ error: "not found" }));
        return;
      }
      route.handle().then(
        (answer) => {
          res.writeHead(answer.status, { "content-type": answer.contentType });
          res.end(answer.body);
        },
        (error: unknown) => {
          res.writeHead(500, { "content-type": "application/json" });
          res.end(JSON.stringify({ error: String((error as Error)?.message ?? error) }));
        },
      );
    },
  });
  // Binary Connect unary calls (every call between our services) skip connect's universal
  // handler; everything else goes to connect's adapter (docs/adr/0020).
  const unary =
    (options.direct ?? directRpcPath())
      ? createUnaryServer({ routes: unaryRoutes, interceptors, maxTimeoutMs })
      : undefined;
  const handler: DualHandler = unary
    ? (req, res) => {
        if (!unary(req, res)) (connect as DualHandler)(req, res);
      }
    : (connect as DualHandler);
  return listenDual({
    host: options.host ?? "127.0.0.1",
    port: options.port,
    handler,
  });
}
