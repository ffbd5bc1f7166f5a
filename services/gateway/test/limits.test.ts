import { parseConfig } from "@mercato/platform";
import { describeWithInfra } from "@mercato/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { gatewayConfigSchema } from "../src/config.js";
import { type Harness, startHarness } from "./harness.js";

describe("gateway limits", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({
      RATE_LIMIT_MAX: "3",
      RATE_LIMIT_WINDOW_MS: "60000",
      GRAPHQL_MAX_DEPTH: "2",
      GRAPHQL_MAX_ALIASES: "2",
    });
  });
  afterAll(async () => {
    await h.close();
  });

  it("answers 429 in the envelope once a client exceeds its rate, while health stays open", async () => {
    const ip = { remoteAddress: "10.1.2.3" };
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      const response = await h.gateway.app.inject({
        method: "GET",
        url: "/api/v1/items/0190a000-0000-7000-8000-000000000000",
        ...ip,
      });
      statuses.push(response.statusCode);
      if (i === 3) {
        expect(response.json().error.code).toBe("RESOURCE_EXHAUSTED");
        expect(response.json().error.correlationId).toBe(response.headers["x-correlation-id"]);
        expect(Number(response.headers["retry-after"])).toBeGreaterThan(0);
      }
    }
    expect(statuses).toEqual([404, 404, 404, 429]);
    const other = await h.gateway.app.inject({
      method: "GET",
      url: "/api/v1/items/0190a000-0000-7000-8000-000000000000",
      remoteAddress: "10.9.9.9",
    });
    expect(other.statusCode).toBe(404);
    const health = await h.gateway.app.inject({ method: "GET", url: "/health", ...ip });
    expect(health.statusCode).toBe(200);
  });

  it("rejects a GraphQL query deeper than the limit", async () => {
    const response = await h.gateway.app.inject({
      method: "POST",
      url: "/graphql",
      payload: { query: "{ health { services { name } } }" },
      remoteAddress: "10.0.0.20",
    });
    expect(response.statusCode).toBe(200);
    expect(response.json().errors[0]).toMatchObject({
      message: "Query depth limit of 2 exceeded, found 3.",
      extensions: { code: "INVALID_ARGUMENT" },
    });
  });

  it("rejects a GraphQL query with too many aliases", async () => {
    const response = await h.gateway.app.inject({
      method: "POST",
      url: "/graphql",
      payload: { query: "{ a: health { status } b: health { status } c: health { status } }" },
      remoteAddress: "10.0.0.21",
    });
    expect(response.statusCode).toBe(200);
    expect(response.json().errors[0]).toMatchObject({
      message: "Aliases limit of 2 exceeded, found 3.",
      extensions: { code: "INVALID_ARGUMENT" },
    });
  });
});

describeWithInfra("REDIS_URL", "rate limits shared through Redis", (redisUrl) => {
  let a: Harness;
  let b: Harness;
  beforeAll(async () => {
    const env = { RATE_LIMIT_MAX: "3", RATE_LIMIT_WINDOW_MS: "60000", REDIS_URL: redisUrl };
    a = await startHarness(env);
    b = await startHarness(env);
  });
  afterAll(async () => {
    await a.close();
    await b.close();
  });

  it("counts one client's requests across two gateway replicas", async () => {
    const remoteAddress = `10.77.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;
    const url = "/api/v1/items/0190a000-0000-7000-8000-000000000000";
    const statuses = [
      (await a.gateway.app.inject({ method: "GET", url, remoteAddress })).statusCode,
      (await b.gateway.app.inject({ method: "GET", url, remoteAddress })).statusCode,
      (await a.gateway.app.inject({ method: "GET", url, remoteAddress })).statusCode,
      (await b.gateway.app.inject({ method: "GET", url, remoteAddress })).statusCode,
    ];
    expect(statuses).toEqual([404, 404, 404, 429]);
  });
});

describe("GraphiQL", () => {
  it("is served in development and not in production", async () => {
    const dev = await startHarness({ NODE_ENV: "development" });
    const prod = await startHarness({ NODE_ENV: "production" });
    try {
      expect((await dev.gateway.app.inject({ method: "GET", url: "/graphiql" })).statusCode).toBe(200);
      const hidden = await prod.gateway.app.inject({ method: "GET", url: "/graphiql" });
      expect(hidden.statusCode).toBe(404);
      expect(hidden.json().error.code).toBe("NOT_FOUND");
    } finally {
      await dev.close();
      await prod.close();
    }
  });
});

describe("client address behind a proxy", () => {
  const hit = (h: Harness, forwardedFor: string) =>
    h.gateway.app.inject({
      method: "GET",
      url: "/api/v1/items/0190a000-0000-7000-8000-000000000000",
      remoteAddress: "10.0.0.1",
      headers: { "x-forwarded-for": forwardedFor },
    });

  it("counts each forwarded client on its own when TRUST_PROXY names the proxy", async () => {
    const h = await startHarness({ RATE_LIMIT_MAX: "2", TRUST_PROXY: "10.0.0.1" });
    try {
      const statuses = [];
      for (let i = 0; i < 3; i++) statuses.push((await hit(h, "198.51.100.1")).statusCode);
      expect(statuses).toEqual([404, 404, 429]);
      expect((await hit(h, "198.51.100.2")).statusCode).toBe(404);
    } finally {
      await h.close();
    }
  });

  it("refuses TRUST_PROXY=true, which would believe the address the client writes", () => {
    expect(() => parseConfig(gatewayConfigSchema, { TRUST_PROXY: "true" })).toThrow(
      /TRUST_PROXY must be a hop count/,
    );
  });

  it("ignores X-Forwarded-For without TRUST_PROXY, so a client cannot pick its own address", async () => {
    const h = await startHarness({ RATE_LIMIT_MAX: "2" });
    try {
      await hit(h, "198.51.100.1");
      await hit(h, "198.51.100.2");
      expect((await hit(h, "198.51.100.3")).statusCode).toBe(429);
    } finally {
      await h.close();
    }
  });
});
