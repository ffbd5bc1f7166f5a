import { randomFillSync, randomUUID } from "node:crypto";

/** Roles a caller can hold. */
export type Role = "buyer" | "seller" | "admin";

/** Who is calling: an end user (from a verified JWT) or a service acting on its own. */
export interface Caller {
  /** User id (UUIDv7) or `service:<name>` for service-to-service work. */
  id: string;
  roles: readonly Role[];
  /** Extra verified claims such as `emailVerified` or `sellerId`. */
  claims: Readonly<Record<string, string | boolean | number>>;
}

/** W3C trace context carried across calls (`traceparent`). */
export interface TraceContext {
  traceId: string;
  spanId: string;
  sampled: boolean;
}

/** Everything a handler or domain operation needs to know about the request it serves. */
export interface RequestContext {
  caller: Caller | undefined;
  /** The caller's bearer token, passed on to services called on its behalf. Never logged. */
  token: string | undefined;
  correlationId: string;
  trace: TraceContext;
  /** Absolute deadline in epoch milliseconds; undefined = none. */
  deadline: number | undefined;
  signal: AbortSignal;
}

const traceparentPattern = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;
const correlationPattern = /^[A-Za-z0-9._:-]{1,128}$/;

/** A new random trace context. */
export function newTrace(): TraceContext {
  return { traceId: randomHex(16), spanId: randomHex(8), sampled: true };
}

/** Parses a `traceparent` header; returns undefined when absent or malformed. */
export function parseTraceparent(header: string | null | undefined): TraceContext | undefined {
  const match = header ? traceparentPattern.exec(header.trim()) : null;
  if (!match?.[1] || !match[2] || !match[3]) return undefined;
  if (/^0+$/.test(match[1]) || /^0+$/.test(match[2])) return undefined;
  return { traceId: match[1], spanId: match[2], sampled: (Number.parseInt(match[3], 16) & 1) === 1 };
}

/** Formats a trace context as a `traceparent` header for a new child span. */
export function childTraceparent(trace: TraceContext): string {
  return `00-${trace.traceId}-${randomHex(8)}-${trace.sampled ? "01" : "00"}`;
}

/** Returns the given correlation id when it is well-formed, else a new one. */
export function acceptCorrelationId(value: string | null | undefined): string {
  return value && correlationPattern.test(value) ? value : randomUUID();
}

/** Builds a context for work that no request started (start-up, relays, consumers, tests). */
export function backgroundContext(
  overrides: Partial<Omit<RequestContext, "trace">> & { trace?: TraceContext } = {},
): RequestContext {
  return {
    caller: overrides.caller,
    token: overrides.token,
    correlationId: overrides.correlationId ?? randomUUID(),
    trace: overrides.trace ?? newTrace(),
    deadline: overrides.deadline,
    signal: overrides.signal ?? new AbortController().signal,
  };
}

/** Milliseconds left before the context's deadline; Infinity when it has none. */
export function remainingMs(ctx: RequestContext, now = Date.now()): number {
  return ctx.deadline === undefined ? Number.POSITIVE_INFINITY : Math.max(0, ctx.deadline - now);
}

// Trace and span ids need randomness on every request; filling one buffer per 256 ids costs far
// less than asking the system for a few bytes each time.
const randomPool = Buffer.allocUnsafe(4096);
let randomOffset = randomPool.length;

function randomHex(bytes: number): string {
  if (randomOffset + bytes > randomPool.length) {
    randomFillSync(randomPool);
    randomOffset = 0;
  }
  const hex = randomPool.toString("hex", randomOffset, randomOffset + bytes);
  randomOffset += bytes;
  return hex;
}
