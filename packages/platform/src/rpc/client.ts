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
import { remainingMs } from "../context/context.js";
import { fromConnectError, ServiceUnavailable } from "../errors/errors.js";
import { inSpan, isTracing, outgoingTraceparent, SpanKind } from "../telemetry/tracing.js";
import type { CircuitBreaker } from "./circuit-breaker.js";
import { directRpcPath } from "./direct-path.js";
import { ServiceEndpoints, type ServiceEndpointsOptions } from "./endpoints.js";
import { failedService, isAvailabilityError, isOwnFailure } from "./failures.js";
import { codeName, headerNames } from "./metadata.js";
import { createUnaryCaller, type UnaryCaller } from "./unary.js";

/** Options of createRpcClient. */
export interface RpcClientOptions {
  /**
   * `http://host:port` of the service, or several comma-separated; names are looked up in DNS for
   * every replica (ADR 0047).
   */
  baseUrl: string;
  /** Deadline of each call when the request context has none (or a later one); default 5 000 ms. */
  timeoutMs?: number;
  /** Retries of calls to methods marked idempotent when the service itself is unavailable; default 2. */
  maxRetries?: number;
  /** Counts the service's own failures (isOwnFailure), one per call however many attempts it took. */
  breaker?: CircuitBreaker;
  duration?: Histogram<"target" | "method" | "code">;
  /** Name of the called service in metrics and errors. */
  target?: string;
  interceptors?: Interceptor[];
  /** Unary calls through createUnaryCaller (docs/adr/0020) rather than connect-node; default from RPC_DIRECT (on). */
  direct?: boolean;
  /** The calling service, named on the client spans; default `client`. */
  caller?: string;
  /** How the service's replicas are found and left out (ServiceEndpoints). */
  endpoints?: ServiceEndpointsOptions;
}

/** Correlation id, trace context and the caller's token of the running request, as headers for the callee. */
function propagatedHeaders(): Record<string, string> {
  const ctx = currentContext();
  if (!ctx) return {};
  const headers: Record<string, string> = {
    [headerNames.correlationId]: ctx.correlationId,
    [headerNames.traceparent]: outgoingTraceparent(ctx.trace),
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

/** Most a request keeps back from its calls onward to pass their answer on (see onwardMs). */
const answerReserveMaxMs = 250;

/**
 * Of `remaining` ms of a request, what its calls onward may take: it keeps back a tenth (at most
 * 250 ms) to answer, so an upstream's timeout reaches its caller as that upstream's outage
 * (docs/adr/0028) before the caller's own deadline blames the service in between.
 */
export function onwardMs(remaining: number): number {
  return Math.floor(remaining - Math.min(answerReserveMaxMs, remaining / 10));
}

function isRetryable(method: DescMethod): boolean {
  return method.idempotency === Idempotency.NO_SIDE_EFFECTS || method.idempotency === Idempotency.IDEMPOTENT;
}

/**
 * An error of a call to `service` as the caller's caller should see it: an unavailable service as
 * ServiceUnavailable naming the service that failed (`service` itself, or the one further on whose
 * outage it passed on, docs/adr/0028), a refusal as the domain error it carries, anything else
 * unchanged.
 */
export function calledServiceError(service: string, error: unknown): unknown {
  if (isAvailabilityError(error)) {
    const failed = failedService(error);
    if (failed === undefined) return new ServiceUnavailable(`service ${service} is unavailable`, service);
    return error instanceof ConnectError ? fromConnectError(error) : error;
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
 * Unary calls through connect-node's transport, as createUnaryCaller makes them directly: a peer
 * that drops the connection or refuses the stream is `unavailable` here too (connect-node says
 * `canceled` and `internal`), so retries and the circuit breaker see an outage on both paths.
 */
/**
 * Whether a call failed before any replica saw it (the connection was refused or could not be
 * made, or the stream was refused): safe to send again, to another replica, whatever it does.
 */
export function neverReached(error: unknown): boolean {
  if (!(error instanceof ConnectError) || error.code !== Code.Unavailable) return false;
  if (error.rawMessage.includes("refused the stream")) return true;
  // The socket's error, perhaps under the stream's (`ERR_HTTP2_STREAM_CANCEL` caused by it).
  const unconnected = new Set(["ECONNREFUSED", "EHOSTUNREACH", "ENETUNREACH", "ENOTFOUND"]);
  let cause: unknown = error.cause;
  for (let depth = 0; depth < 4 && cause; depth++) {
    if (unconnected.has((cause as { code?: string }).code ?? "")) return true;
    cause = (cause as { cause?: unknown }).cause;
  }
  return false;
}

function connectUnaryCaller(client: Client<DescService>): UnaryCaller {
  const calls = client as unknown as Record<string, (req: unknown, opts: CallOptions) => Promise<unknown>>;
  return async (method, message, options) => {
    const call = calls[method.localName];
    if (!call) throw new Error(`no method ${method.localName}`);
    try {
      return await call(message, options);
    } catch (error) {
      if (!(error instanceof ConnectError) || options.signal?.aborted) throw error;
      if (error.code === Code.Canceled) {
        throw new ConnectError(
          "the connection closed before the answer ended",
          Code.Unavailable,
          error.metadata,
          undefined,
          error,
        );
      }
      if (error.code === Code.Internal && error.rawMessage.includes("NGHTTP2_REFUSED_STREAM")) {
        throw new ConnectError(
          "the service refused the stream",
          Code.Unavailable,
          error.metadata,
          undefined,
          error,
        );
      }
      throw error;
    }
  };
}

/**
 * A typed client for a service over ConnectRPC (Connect protocol, binary Protobuf, HTTP/2). Every call gets a deadline (the request
 * context's, capped by `timeoutMs`) and the request's correlation id, trace and token; calls to
 * methods marked `NO_SIDE_EFFECTS` or `IDEMPOTENT` are retried when the service is unavailable.
 * Unary calls go through createUnaryCaller (docs/adr/0020) unless `direct` is false, streaming
 * ones through connect-node.
 */
export function createRpcClient<S extends DescService>(service: S, options: RpcClientOptions): Client<S> {
  // Every replica of the service, each call to the next one (ADR 0047).
  const endpoints = new ServiceEndpoints(options.baseUrl, options.endpoints);
  const path = new URL(options.baseUrl.split(",")[0]?.trim() ?? "").pathname.replace(/\/$/, "");
  const direct = options.direct ?? directRpcPath();
  const perOrigin = new Map<string, { client: Client<S>; unary: UnaryCaller }>();
  const at = (origin: string) => {
    const known = perOrigin.get(origin);
    if (known) return known;
    const baseUrl = `${origin}${path}`;
    // connect-node's transport: the Connect protocol with binary Protobuf over HTTP/2 (docs/adr/0008).
    // It opens no connection until used.
    const transport = createConnectTransport({
      baseUrl,
      httpVersion: "2",
      useBinaryFormat: true,
      interceptors: [propagationInterceptor(), ...(options.interceptors ?? [])],
      idleConnectionTimeoutMs: 60_000,
      // Without pings a peer that vanished without closing the connection (a killed pod, a dropped
      // route) holds every later call until its deadline. A ping every 10 s on a connection with
      // calls in flight, answered within 5 s (the default deadline), retires such a connection
      // within 15 s; a call on a connection idle for 10 s pings it first and opens a new one if it
      // is dead. Idle connections are not pinged: they close after 60 s anyway.
      pingIntervalMs: 10_000,
      pingTimeoutMs: 5_000,
      pingIdleConnection: false,
      // Calls stay inside the cluster's network, where gzip costs both ends more CPU than the bytes
      // it saves take to send (a 20-hit search page: ≈0.3 ms of zlib a call); ask for none.
      acceptCompression: [],
    });
    const client = createClient(service, transport);
    const made = {
      client,
      unary: direct
        ? createUnaryCaller(service, baseUrl, options.interceptors ?? [])
        : connectUnaryCaller(client as Client<DescService>),
    };
    perOrigin.set(origin, made);
    return made;
  };
  /** Calls `method` on the next endpoint; one that cannot be reached is left out for a while. */
  const unary: UnaryCaller = async (method, message, callOptions) => {
    const origin = await endpoints.next();
    try {
      return await at(origin).unary(method, message, callOptions);
    } catch (error) {
      if (isOwnFailure(error) && error instanceof ConnectError && error.code === Code.Unavailable)
        endpoints.down(origin);
      throw error;
    }
  };
  const defaultTimeout = options.timeoutMs ?? 5_000;
  const maxRetries = options.maxRetries ?? 2;
  const target = options.target ?? service.typeName;
  const wrapped: Record<string, unknown> = {};
  for (const method of service.methods) {
    if (method.methodKind !== "unary") {
      // A stream stays on the endpoint it started on.
      wrapped[method.localName] = (request: unknown, callOptions?: CallOptions) => {
        const origins = endpoints.current();
        const origin = origins[Math.floor(Math.random() * origins.length)] ?? "";
        const calls = at(origin).client as unknown as Record<
          string,
          (req: unknown, opts?: CallOptions) => unknown
        >;
        return calls[method.localName]?.(request, callOptions);
      };
      continue;
    }
    const unaryMethod = method as DescMethodUnary;
    wrapped[method.localName] = async (request: unknown, callOptions: CallOptions = {}) => {
      const ctx = currentContext();
      const deadline =
        Date.now() + Math.min(defaultTimeout, ctx ? onwardMs(remainingMs(ctx)) : defaultTimeout);
      const headers = propagatedHeaders();
      if (callOptions.headers) {
        new Headers(callOptions.headers).forEach((value, name) => {
          headers[name] = value;
        });
      }
      const signal = callOptions.signal ?? ctx?.signal;
      const send = () => {
        const now = currentContext();
        return unary(unaryMethod, request, {
          timeoutMs: Math.max(1, deadline - Date.now()),
          headers:
            now && isTracing()
              ? { ...headers, [headerNames.traceparent]: outgoingTraceparent(now.trace) }
              : headers,
          ...(signal ? { signal } : {}),
        });
      };
      // While spans are recorded each attempt is a client span (ADR 0048), the callee's server span
      // its child; otherwise the call goes as it is, with nothing made for a span.
      const attempt = async () =>
        isTracing()
          ? inSpan(
              options.caller ?? "client",
              `${service.typeName}/${method.name}`,
              SpanKind.CLIENT,
              {
                "rpc.system": "connect_rpc",
                "rpc.service": service.typeName,
                "rpc.method": method.name,
                "peer.service": target,
              },
              send,
            )
          : send();
      const started = performance.now();
      let code = "ok";
      const withRetries = async () => {
        for (let tries = 0; ; tries++) {
          try {
            return await attempt();
          } catch (error) {
            const backoff = 25 * 2 ** tries;
            // An outage the service passes on from further up was retried there already.
            const retry =
              (isRetryable(method) || (neverReached(error) && endpoints.current().length > 1)) &&
              tries < maxRetries &&
              error instanceof ConnectError &&
              error.code === Code.Unavailable &&
              isOwnFailure(error) &&
              deadline - Date.now() > backoff + 50;
            if (!retry) throw error;
            await new Promise((resolve) => setTimeout(resolve, backoff));
          }
        }
      };
      try {
        // The breaker sees one call however many attempts it took, so retries do not open it early.
        return options.breaker ? await options.breaker.run(withRetries, deadline) : await withRetries();
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
