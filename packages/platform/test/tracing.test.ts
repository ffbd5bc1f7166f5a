// Tracing is off unless the standard OTEL_* variables ask for it, and then goes out over OTLP/HTTP
// to the endpoint they name (ADR 0048). Spans follow the request context's trace.
import { createServer } from "node:http";
import { freePort } from "@mercato/testing";
import { afterEach, describe, expect, it } from "vitest";
import {
  backgroundContext,
  currentContext,
  inSpan,
  isTracing,
  newTrace,
  outgoingTraceparent,
  runWithContext,
  SpanKind,
  startTracing,
  tracingWanted,
} from "../src/index.js";

describe("tracing", () => {
  const saved = { ...process.env };
  afterEach(() => {
    for (const key of Object.keys(process.env)) if (key.startsWith("OTEL_")) delete process.env[key];
    Object.assign(process.env, saved);
  });

  it("is off without OTEL_* variables, and off when they disable it", async () => {
    expect(tracingWanted({})).toBe(false);
    expect(tracingWanted({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector:4318" })).toBe(true);
    expect(tracingWanted({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "http://collector:4318/v1/traces" })).toBe(
      true,
    );
    expect(tracingWanted({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://c:4318", OTEL_SDK_DISABLED: "true" })).toBe(
      false,
    );
    expect(
      tracingWanted({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://c:4318", OTEL_TRACES_EXPORTER: "none" }),
    ).toBe(false);
    expect(await startTracing("orders", { env: {} })).toBeUndefined();
    expect(isTracing()).toBe(false);
    // Off, a call passes a new child of the request's trace on, as before tracing existed.
    const trace = newTrace();
    expect(outgoingTraceparent(trace)).toMatch(new RegExp(`^00-${trace.traceId}-[0-9a-f]{16}-01$`));
    expect(outgoingTraceparent(trace)).not.toContain(trace.spanId);
  });

  it("sends the spans to the OTLP endpoint the variables name, under the request's trace", async () => {
    const received: { path: string; body: string; contentType: string }[] = [];
    const port = await freePort();
    const collector = createServer((request, response) => {
      let body = "";
      request.on("data", (chunk: Buffer) => {
        body += chunk.toString("latin1");
      });
      request.on("end", () => {
        received.push({
          path: request.url ?? "",
          body,
          contentType: String(request.headers["content-type"]),
        });
        response.writeHead(200, { "content-type": "application/json" }).end("{}");
      });
    });
    await new Promise<void>((resolve) => collector.listen(port, "127.0.0.1", resolve));
    process.env.OTEL_EXPORTER_OTLP_ENDPOINT = `http://127.0.0.1:${port}`;
    process.env.OTEL_SERVICE_NAME = "orders-under-test";
    const tracing = await startTracing("orders");
    try {
      expect(isTracing()).toBe(true);
      const trace = newTrace();
      let inner: string | undefined;
      await runWithContext(backgroundContext({ trace }), () =>
        inSpan("orders", "checkout", SpanKind.INTERNAL, {}, async () => {
          inner = currentContext()?.trace.spanId;
        }),
      );
      expect(inner).not.toBe(trace.spanId);
      await tracing?.shutdown();
      expect(received.map((r) => r.path)).toContain("/v1/traces");
      const sent = received.find((r) => r.path === "/v1/traces");
      expect(sent?.body).toContain(trace.traceId);
      expect(sent?.body).toContain("orders-under-test");
      expect(sent?.body).toContain("checkout");
    } finally {
      collector.close();
    }
  });
});
