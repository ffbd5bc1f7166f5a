import type { DescMethod, DescMethodUnary, DescService } from "@bufbuild/protobuf";
import { MethodOptions_IdempotencyLevel as Idempotency } from "@bufbuild/protobuf/wkt";
import {
  type CallOptions,
  type Client,
  Code,
  ConnectError,
  createClient,
  type Interceptor,
} from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import type { Histogram } from "prom-client";
import { currentContext } from "../context/als.js";
import { childTraceparent, remainingMs } from "../context/context.js";
import { fromConnectError, ServiceUnavailable } from "../errors/errors.js";
import type { CircuitBreaker } from "./circuit-breaker.js";
import { codeName, headerNames } from "./metadata.js";
import { createUnaryCaller } from "./unary.js";

/** Options of createRpcClient. */
export interface RpcClientOptions {
  /** `http://host:port` of the service. */
  baseUrl: string;
  /** Deadline of each call when the request context has none (or a later one); default 5 000 ms. */
  timeoutMs?: number;
  /** Retries of calls to methods marked idempotent when the service is unavailable; default 2. */
  maxRetries?: number;
  breaker?: CircuitBreaker;
  duration?: Histogram<"target" | "method" | "code">;
  /** Name of the called service in metrics and errors. */
  target?: string;
  interceptors?: Interceptor[];
}

/** Correlation id, trace context and the caller's token of the running request, as headers for the callee. */
function propagatedHeaders(): Record<string, string> {
  const ctx = currentContext();
  if (!ctx) return {};
  const headers: Record<string, string> = {
    [headerNames.correlationId]: ctx.correlationId,
    [headerNames.traceparent]: childTraceparent(ctx.trace),
  };
  if (ctx.token) headers[headerNames.authorization] = `Bearer ${ctx.token}`;
  return headers;
}

/** Passes correlation id, trace context and the caller's token of the running request to the callee. */
export function propagationInterceptor(): Interceptor {
  return (next) => async (req) => {
    for (const [name, value] of Object.entries(propagatedHeaders())) {
      if (!req.header.has(name)) req.header.set(name, value);
    }
    return next(req);
  };
}

function isRetryable(method: DescMethod): boolean {
  return method.idempotency === Idempotency.NO_SIDE_EFFECTS || method.idempotency === Idempotency.IDEMPOTENT;
}

/** Errors that say the service (not the request) is in trouble. */
export function isAvailabilityError(error: unknown): boolean {
  if (error instanceof ServiceUnavailable) return true;
  if (!(error instanceof ConnectError)) return false;
  return (
    error.code === Code.Unavailable || error.code === Code.DeadlineExceeded || error.code === Code.Unknown
  );
}

/**
 * An error of a call to `service` as the caller's caller should see it: an unavailable service as
 * ServiceUnavailable naming it, a refusal as the domain error it carries, anything else unchanged.
 */
export function calledServiceError(service: string, error: unknown): unknown {
  if (error instanceof ServiceUnavailable || isAvailabilityError(error)) {
    return new ServiceUnavailable(`service ${service} is unavailable`);
  }
  if (error instanceof ConnectError) return fromConnectError(error);
  return error;
}

/** `client` with every call's errors passed through calledServiceError for `service`. */
export function withCalledServiceErrors<S extends DescService>(
  service: string,
  client: Client<S>,
): Client<S> {
  const wrapped: Record<string, unknown> = {};
  for (const [method, call] of Object.entries(
    client as unknown as Record<string, (...args: unknown[]) => unknown>,
  )) {
    wrapped[method] = async (...args: unknown[]) => {
      try {
        return await call(...args);
      } catch (error) {
        throw calledServiceError(service, error);
      }
    };
  }
  return wrapped as Client<S>;
}

/**
 * A typed client for a service over ConnectRPC (Connect protocol, binary Protobuf, HTTP/2). Every call gets a deadline (the request
 * context's, capped by `timeoutMs`) and the request's correlation id, trace and token; calls to
 * methods marked `NO_SIDE_EFFECTS` or `IDEMPOTENT` are retried when the service is unavailable.
 * Unary calls go through createUnaryCaller (docs/adr/0020), streaming ones through connect-node.
 */
export function createRpcClient<S extends DescService>(service: S, options: RpcClientOptions): Client<S> {
  const unary = createUnaryCaller(service, options.baseUrl, options.interceptors ?? []);
  // connect-node's transport, for streaming methods only: the Connect protocol with binary
  // Protobuf over HTTP/2, like the unary calls (docs/adr/0008). It opens no connection until used.
  const transport = createConnectTransport({
    baseUrl: options.baseUrl,
    httpVersion: "2",
    useBinaryFormat: true,
    interceptors: [propagationInterceptor(), ...(options.interceptors ?? [])],
    idleConnectionTimeoutMs: 60_000,
    // Calls stay inside the cluster's network, where gzip costs both ends more CPU than the bytes
    // it saves take to send (a 20-hit search page: ≈0.3 ms of zlib a call); ask for none.
    acceptCompression: [],
  });
  const client = createClient(service, transport);
  const defaultTimeout = options.timeoutMs ?? 5_000;
  const maxRetries = options.maxRetries ?? 2;
  const target = options.target ?? service.typeName;
  const wrapped: Record<string, unknown> = {};
  for (const method of service.methods) {
    const call = (client as unknown as Record<string, (req: unknown, opts?: CallOptions) => unknown>)[
      method.localName
    ];
    if (!call) continue;
    if (method.methodKind !== "unary") {
      wrapped[method.localName] = call;
      continue;
    }
    const unaryMethod = method as DescMethodUnary;
    wrapped[method.localName] = async (request: unknown, callOptions: CallOptions = {}) => {
      const ctx = currentContext();
      const deadline = Date.now() + Math.min(defaultTimeout, ctx ? remainingMs(ctx) : defaultTimeout);
      const headers = propagatedHeaders();
      if (callOptions.headers) {
        new Headers(callOptions.headers).forEach((value, name) => {
          headers[name] = value;
        });
      }
      const signal = callOptions.signal ?? ctx?.signal;
      const attempt = async () =>
        unary(unaryMethod, request, {
          timeoutMs: Math.max(1, deadline - Date.now()),
          headers,
          ...(signal ? { signal } : {}),
        });
      const started = performance.now();
      let code = "ok";
      const withRetries = async () => {
        for (let tries = 0; ; tries++) {
          try {
            return await attempt();
          } catch (error) {
            const backoff = 25 * 2 ** tries;
            const retry =
              isRetryable(method) &&
              tries < maxRetries &&
              error instanceof ConnectError &&
              error.code === Code.Unavailable &&
              deadline - Date.now() > backoff + 50;
            if (!retry) throw error;
            await new Promise((resolve) => setTimeout(resolve, backoff));
          }
        }
      };
      try {
        // The breaker sees one call however many attempts it took, so retries do not open it early.
        return options.breaker
          ? await options.breaker.run(withRetries, isAvailabilityError)
          : await withRetries();
      } catch (error) {
        code = error instanceof ConnectError ? codeName(error.code) : "unavailable";
        throw error;
      } finally {
        options.duration?.observe(
          { target, method: method.name, code },
          (performance.now() - started) / 1000,
        );
      }
    };
  }
  return wrapped as Client<S>;
}
