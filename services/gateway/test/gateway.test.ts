import { request as httpRequest } from "node:http";
import { waitFor } from "@mercato/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Harness, startHarness } from "./harness.js";

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe("gateway in front of a running service", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h.close();
  });

  const post = (body: unknown, headers: Record<string, string> = {}) =>
    h.gateway.app.inject({ method: "POST", url: "/api/v1/items", payload: body as object, headers });
  const graphql = (
    query: string,
    variables: Record<string, unknown> = {},
    headers: Record<string, string> = {},
  ) => h.gateway.app.inject({ method: "POST", url: "/graphql", payload: { query, variables }, headers });

  it("creates and reads an item over REST", async () => {
    const created = await post({ name: "Lamp", priceMinor: "2599", currency: "EUR" });
    expect(created.statusCode).toBe(201);
    const item = created.json();
    expect(item).toMatchObject({ name: "Lamp", priceMinor: "2599", currency: "EUR" });
    const read = await h.gateway.app.inject({ method: "GET", url: `/api/v1/items/${item.id}` });
    expect(read.statusCode).toBe(200);
    expect(read.json()).toEqual(item);
  });

  it("creates and reads an item over GraphQL", async () => {
    const created = await graphql(
      `mutation { putItem(name: "Chair", priceMinor: "4900", currency: "EUR") { id name priceMinor } }`,
    );
    expect(created.statusCode).toBe(200);
    const id = created.json().data.putItem.id;
    const read = await graphql(`query($id: ID!) { item(id: $id) { id name priceMinor currency } }`, { id });
    expect(read.json()).toEqual({
      data: { item: { id, name: "Chair", priceMinor: "4900", currency: "EUR" } },
    });
  });

  it("returns a given correlation id, mirrors it as x-request-id and passes it to the service", async () => {
    const created = await post(
      { name: "Traced", priceMinor: "1", currency: "EUR" },
      { "x-correlation-id": "client-abc-123" },
    );
    expect(created.headers["x-correlation-id"]).toBe("client-abc-123");
    expect(created.headers["x-request-id"]).toBe("client-abc-123");
    const id = created.json().id;
    await waitFor(() => h.events.some((e) => e.correlationId === "client-abc-123"), {
      timeoutMs: 5_000,
      message: `event of item ${id} did not carry the correlation id`,
    });
  });

  it("mints a correlation id when the client sends none or a malformed one", async () => {
    const none = await h.gateway.app.inject({ method: "GET", url: "/health" });
    expect(none.headers["x-correlation-id"]).toMatch(uuidPattern);
    const bad = await h.gateway.app.inject({
      method: "GET",
      url: "/health",
      headers: { "x-correlation-id": "has spaces and \u00e9" },
    });
    expect(bad.headers["x-correlation-id"]).toMatch(uuidPattern);
    const fromRequestId = await h.gateway.app.inject({
      method: "GET",
      url: "/health",
      headers: { "x-request-id": "rid-42" },
    });
    expect(fromRequestId.headers["x-correlation-id"]).toBe("rid-42");
  });

  it("rejects a REST body that breaks the route schema with 400 naming each field", async () => {
    const response = await post(
      { name: "", priceMinor: "12.5", currency: "eur" },
      { "x-correlation-id": "bad-body" },
    );
    expect(response.statusCode).toBe(400);
    const body = response.json();
    expect(body.success).toBe(false);
    expect(body.error.code).toBe("INVALID_ARGUMENT");
    expect(body.error.correlationId).toBe("bad-body");
    expect(body.error.details.map((d: { field: string }) => d.field).sort()).toEqual([
      "body.currency",
      "body.name",
      "body.priceMinor",
    ]);
  });

  it("rejects a missing field and a malformed path parameter with 400", async () => {
    const missing = await post({ name: "x", currency: "EUR" });
    expect(missing.statusCode).toBe(400);
    expect(missing.json().error.details).toEqual([
      { field: "body.priceMinor", message: "must have required property 'priceMinor'" },
    ]);
    const badId = await h.gateway.app.inject({ method: "GET", url: "/api/v1/items/not-a-uuid" });
    expect(badId.statusCode).toBe(400);
    expect(badId.json().error.details[0].field).toBe("params.id");
  });

  it("passes a service's own validation error through as 400 with the field", async () => {
    const response = await graphql(`mutation { putItem(name: "", priceMinor: "1", currency: "EUR") { id } }`);
    const error = response.json().errors[0];
    expect(error.extensions.code).toBe("INVALID_ARGUMENT");
    expect(error.extensions.details[0].field).toBe("name");
  });

  it("answers an unknown item with 404 in the envelope and in GraphQL extensions", async () => {
    const id = "0190a000-0000-7000-8000-000000000000";
    const rest = await h.gateway.app.inject({
      method: "GET",
      url: `/api/v1/items/${id}`,
      headers: { "x-correlation-id": "c-404" },
    });
    expect(rest.statusCode).toBe(404);
    expect(rest.json()).toEqual({
      success: false,
      error: { code: "NOT_FOUND", message: `item ${id} not found`, correlationId: "c-404" },
    });
    const gql = await graphql(
      `query($id: ID!) { item(id: $id) { id } }`,
      { id },
      { "x-correlation-id": "g-404" },
    );
    expect(gql.json().errors[0].extensions).toEqual({ code: "NOT_FOUND", correlationId: "g-404" });
  });

  it("answers an unknown route with 404 in the envelope", async () => {
    const response = await h.gateway.app.inject({ method: "GET", url: "/api/v1/nothing-here" });
    expect(response.statusCode).toBe(404);
    expect(response.json().error.code).toBe("NOT_FOUND");
  });

  it("refuses a body over 1 MB with 413 in the envelope", async () => {
    const response = await post(
      { name: "x".repeat(1_100_000), priceMinor: "1", currency: "EUR" },
      { "x-correlation-id": "big" },
    );
    expect(response.statusCode).toBe(413);
    expect(response.json()).toEqual({
      success: false,
      error: {
        code: "PAYLOAD_TOO_LARGE",
        message: "request body is larger than the limit",
        correlationId: "big",
      },
    });
  });

  it("sets security headers and answers CORS preflights", async () => {
    const response = await h.gateway.app.inject({ method: "GET", url: "/health" });
    expect(response.headers["x-content-type-options"]).toBe("nosniff");
    expect(response.headers["x-frame-options"]).toBe("SAMEORIGIN");
    expect(response.headers["content-security-policy"]).toContain("default-src 'none'");
    const preflight = await h.gateway.app.inject({
      method: "OPTIONS",
      url: "/api/v1/items",
      headers: { origin: "https://shop.example", "access-control-request-method": "POST" },
    });
    expect(preflight.statusCode).toBe(204);
    expect(preflight.headers["access-control-allow-origin"]).toBe("https://shop.example");
  });

  it("lets a browser on another origin use PUT, PATCH and DELETE and read the headers it needs", async () => {
    const origin = "https://shop.example";
    for (const method of ["PUT", "PATCH", "DELETE"]) {
      const preflight = await h.gateway.app.inject({
        method: "OPTIONS",
        url: "/api/v1/users/me",
        headers: {
          origin,
          "access-control-request-method": method,
          "access-control-request-headers": "authorization,content-type,idempotency-key,traceparent",
        },
      });
      expect(preflight.statusCode).toBe(204);
      expect(preflight.headers["access-control-allow-origin"]).toBe(origin);
      expect(String(preflight.headers["access-control-allow-methods"]).split(/,\s*/)).toContain(method);
      expect(String(preflight.headers["access-control-allow-headers"]).split(/,\s*/)).toEqual(
        expect.arrayContaining([
          "authorization",
          "content-type",
          "idempotency-key",
          "x-correlation-id",
          "traceparent",
        ]),
      );
    }
    const answer = await h.gateway.app.inject({ method: "GET", url: "/health", headers: { origin } });
    expect(String(answer.headers["access-control-expose-headers"]).split(/,\s*/)).toEqual(
      expect.arrayContaining([
        "idempotent-replayed",
        "retry-after",
        "x-ratelimit-limit",
        "x-ratelimit-remaining",
        "x-ratelimit-reset",
        "x-correlation-id",
        "x-request-id",
      ]),
    );
  });

  it("lists each service with its status and latency at /health/services", async () => {
    const response = await h.gateway.app.inject({ method: "GET", url: "/health/services" });
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body.status).toBe("ok");
    expect(body.services).toHaveLength(1);
    expect(body.services[0]).toMatchObject({ name: "items", status: "up", circuit: "closed" });
    expect(body.services[0].latencyMs).toBeGreaterThan(0);
    const gql = await graphql("{ health { status services { name status } } }");
    expect(gql.json().data.health).toEqual({ status: "ok", services: [{ name: "items", status: "up" }] });
  });

  it("serves the OpenAPI document and Prometheus metrics", async () => {
    const openapi = await h.gateway.app.inject({ method: "GET", url: "/docs/json" });
    expect(openapi.statusCode).toBe(200);
    expect(Object.keys(openapi.json().paths)).toEqual(
      expect.arrayContaining(["/api/v1/items/{id}", "/api/v1/items", "/health/services"]),
    );
    const metrics = await h.gateway.app.inject({ method: "GET", url: "/metrics" });
    expect(metrics.body).toContain("http_request_duration_seconds_bucket");
    expect(metrics.body).toContain(
      'rpc_client_duration_seconds_count{service="gateway",target="items",method="PutItem",code="ok"}',
    );
  });

  it("counts a REST client that goes away mid-call as the client's doing, not a failure", async () => {
    const aborts = async () => {
      const metrics = await h.gateway.app.inject({ method: "GET", url: "/metrics" });
      return Number(/gateway_client_aborts_total\{api="rest"[^}]*\} (\d+)/.exec(metrics.body)?.[1] ?? 0);
    };
    const created = await post({ name: "Left behind", priceMinor: "1", currency: "EUR" });
    const url = await h.gateway.app.listen({ port: 0, host: "127.0.0.1" });
    h.setGetDelay(800);
    try {
      const before = await aborts();
      const request = httpRequest(`${url}/api/v1/items/${created.json().id}`, { agent: false });
      request.on("error", () => undefined);
      request.end();
      setTimeout(() => request.destroy(), 100);
      await expect.poll(aborts, { timeout: 5_000 }).toBe(before + 1);
    } finally {
      h.setGetDelay(0);
    }
  });

  it("answers 502 SERVICE_UNAVAILABLE when the service is slower than its deadline", async () => {
    h.setGetDelay(3_000);
    try {
      const created = await post({ name: "Slow", priceMinor: "1", currency: "EUR" });
      const response = await h.gateway.app.inject({
        method: "GET",
        url: `/api/v1/items/${created.json().id}`,
        headers: { "x-correlation-id": "slow-1" },
      });
      expect(response.statusCode).toBe(502);
      expect(response.json()).toEqual({
        success: false,
        error: {
          code: "SERVICE_UNAVAILABLE",
          message: "service items is unavailable",
          correlationId: "slow-1",
        },
      });
    } finally {
      h.setGetDelay(0);
    }
  });

  // Last: stops the service for good.
  it("answers 502 with the correlation id once the service is stopped mid-test, then opens the circuit", async () => {
    const created = await post({ name: "Before stop", priceMinor: "1", currency: "EUR" });
    expect(created.statusCode).toBe(201);
    await h.service.stop();
    const rest = await h.gateway.app.inject({
      method: "GET",
      url: `/api/v1/items/${created.json().id}`,
      headers: { "x-correlation-id": "down-1" },
    });
    expect(rest.statusCode).toBe(502);
    expect(rest.json()).toEqual({
      success: false,
      error: {
        code: "SERVICE_UNAVAILABLE",
        message: "service items is unavailable",
        correlationId: "down-1",
      },
    });
    const gql = await graphql(
      `mutation { putItem(name: "x", priceMinor: "1", currency: "EUR") { id } }`,
      {},
      { "x-correlation-id": "down-2" },
    );
    expect(gql.json().errors[0]).toMatchObject({
      message: "service items is unavailable",
      extensions: { code: "SERVICE_UNAVAILABLE", correlationId: "down-2" },
    });
    for (let i = 0; i < 5; i++) await post({ name: "x", priceMinor: "1", currency: "EUR" });
    const health = await h.gateway.app.inject({ method: "GET", url: "/health/services" });
    expect(health.statusCode).toBe(503);
    expect(health.json().status).toBe("degraded");
    expect(health.json().services[0]).toMatchObject({ name: "items", status: "down", circuit: "open" });
  });
});
