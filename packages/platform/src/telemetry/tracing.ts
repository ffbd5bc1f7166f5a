import {
  type Attributes,
  INVALID_SPAN_CONTEXT,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  TraceFlags,
  trace,
} from "@opentelemetry/api";
import { currentContext, runWithContext } from "../context/als.js";
import { childTraceparent, type TraceContext } from "../context/context.js";

export type { Span };
export { SpanKind };

/**
 * Spans at the boundaries every request and event crosses (ADR 0048): the gateway's HTTP
 * request, each RPC on both sides, each database transaction, each event published and consumed,
 * each job. The trace itself travels in the request context (`traceparent` on calls, events and
 * jobs), so the spans need no OpenTelemetry context manager. Without a registered SDK
 * (`startTracing`) the API's spans record nothing and cost next to nothing.
 */
let recording = false;

/** Whether an SDK records spans in this process (startTracing ran with an exporter). */
export function isTracing(): boolean {
  return recording;
}

/** Marks this process as recording spans: set by startTracing. */
export function setTracing(on: boolean): void {
  recording = on;
}

function parentOf(parent: TraceContext | undefined) {
  if (!parent) return ROOT_CONTEXT;
  return trace.setSpanContext(ROOT_CONTEXT, {
    traceId: parent.traceId,
    spanId: parent.spanId,
    traceFlags: parent.sampled ? TraceFlags.SAMPLED : TraceFlags.NONE,
    isRemote: true,
  });
}

/**
 * Starts a span of `service` under `parent` (the request's trace), and returns it with the trace
 * context its children carry: this span as their parent while tracing, `parent` otherwise.
 */
export function startSpan(
  service: string,
  name: string,
  kind: SpanKind,
  parent: TraceContext | undefined,
  attributes: Attributes = {},
): { span: Span; trace: TraceContext | undefined } {
  if (!recording) return { span: trace.wrapSpanContext(INVALID_SPAN_CONTEXT), trace: parent };
  const span = trace
    .getTracer(service)
    .startSpan(name, { kind, attributes: { "mercato.service": service, ...attributes } }, parentOf(parent));
  const own = span.spanContext();
  return {
    span,
    trace: { traceId: own.traceId, spanId: own.spanId, sampled: (own.traceFlags & TraceFlags.SAMPLED) === 1 },
  };
}

/** Ends `span`, with an error status and the exception when `error` is given. */
export function endSpan(span: Span, error?: unknown): void {
  if (!recording) return;
  if (error !== undefined) {
    span.setStatus({
      code: SpanStatusCode.ERROR,
      message: error instanceof Error ? error.message : String(error),
    });
    if (error instanceof Error) span.recordException(error);
  }
  span.end();
}

/**
 * Runs `fn` in a span of `service` that is a child of the running request's span, with the
 * request context's trace moved to the new span for everything `fn` calls.
 */
export async function inSpan<T>(
  service: string,
  name: string,
  kind: SpanKind,
  attributes: Attributes,
  fn: () => Promise<T>,
): Promise<T> {
  if (!recording) return fn();
  const ctx = currentContext();
  const { span, trace: child } = startSpan(service, name, kind, ctx?.trace, attributes);
  try {
    const result = ctx && child ? await runWithContext({ ...ctx, trace: child }, fn) : await fn();
    endSpan(span);
    return result;
  } catch (error) {
    endSpan(span, error);
    throw error;
  }
}

/**
 * The `traceparent` a call, event or job carries from `trace`: the running span itself while
 * tracing (its spans become the callee's parent), a new child id otherwise (ADR 0008's behaviour).
 */
export function outgoingTraceparent(trace: TraceContext): string {
  if (!recording) return childTraceparent(trace);
  return `00-${trace.traceId}-${trace.spanId}-${trace.sampled ? "01" : "00"}`;
}
