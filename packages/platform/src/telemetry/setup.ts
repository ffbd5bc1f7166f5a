import { trace } from "@opentelemetry/api";
import type { SpanExporter } from "@opentelemetry/sdk-trace-base";
import { setTracing } from "./tracing.js";

/** A running tracer provider; `shutdown` flushes what is left and stops recording. */
export interface Tracing {
  shutdown(): Promise<void>;
}

/**
 * Whether the standard OTEL_* variables ask for traces to be exported: an OTLP endpoint
 * (`OTEL_EXPORTER_OTLP_ENDPOINT` or `…_TRACES_ENDPOINT`) or `OTEL_TRACES_EXPORTER=otlp`, and not
 * `OTEL_SDK_DISABLED=true` nor `OTEL_TRACES_EXPORTER=none`.
 */
export function tracingWanted(env: Record<string, string | undefined>): boolean {
  if (env.OTEL_SDK_DISABLED === "true" || env.OTEL_TRACES_EXPORTER === "none") return false;
  return Boolean(
    env.OTEL_EXPORTER_OTLP_ENDPOINT ||
      env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ||
      env.OTEL_TRACES_EXPORTER === "otlp",
  );
}

/**
 * Starts recording spans in this process (ADR 0048): with `exporter` given (tests), every span
 * goes to it at once; otherwise to OTLP over HTTP as the OTEL_* variables configure it
 * (endpoint, headers, sampler, batch sizes), or nowhere when they do not ask for it (returns
 * undefined). The resource's `service.name` is OTEL_SERVICE_NAME or `service`.
 */
export async function startTracing(
  service: string,
  options: { env?: Record<string, string | undefined>; exporter?: SpanExporter } = {},
): Promise<Tracing | undefined> {
  const env = options.env ?? process.env;
  if (!options.exporter && !tracingWanted(env)) return undefined;
  // Loaded only when asked for: a process that does not trace does not carry the SDK.
  const { BasicTracerProvider, BatchSpanProcessor, SimpleSpanProcessor } = await import(
    "@opentelemetry/sdk-trace-base"
  );
  const { resourceFromAttributes } = await import("@opentelemetry/resources");
  const processor = options.exporter
    ? new SimpleSpanProcessor(options.exporter)
    : new BatchSpanProcessor(
        new (await import("@opentelemetry/exporter-trace-otlp-http")).OTLPTraceExporter(),
      );
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ "service.name": env.OTEL_SERVICE_NAME || service }),
    spanProcessors: [processor],
  });
  trace.setGlobalTracerProvider(provider);
  setTracing(true);
  return {
    shutdown: async () => {
      setTracing(false);
      await provider.shutdown();
      trace.disable();
    },
  };
}
