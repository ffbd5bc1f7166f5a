import { ConfigError, createLogger, parseConfig } from "@mercato/platform";
import { describe, expect, it } from "vitest";
import { createGateway, gatewayConfigSchema } from "../src/index.js";

const token = "m".repeat(40);

/** A gateway with no services behind it, configured by `env`; `use` runs against it, then it closes. */
async function withGateway(env: Record<string, string>, use: (get: Getter) => Promise<void>): Promise<void> {
  const gateway = await createGateway({
    config: parseConfig(gatewayConfigSchema, env),
    services: [],
    logger: createLogger({ service: "gateway", level: "silent" }),
  });
  try {
    await gateway.app.ready();
    await use((url, authorization) =>
      gateway.app.inject({ method: "GET", url, headers: authorization ? { authorization } : {} }),
    );
  } finally {
    await gateway.app.close();
  }
}
type Getter = (
  url: string,
  authorization?: string,
) => Promise<{ statusCode: number; json(): { error: { code: string } } }>;

const opsPaths = ["/metrics", "/health/services"];

describe("operator endpoints", () => {
  it("are closed in production without METRICS_TOKEN, while /health stays open", async () => {
    await withGateway({ NODE_ENV: "production" }, async (get) => {
      for (const path of opsPaths) {
        const response = await get(path);
        expect(response.statusCode).toBe(401);
        expect(response.json().error.code).toBe("UNAUTHENTICATED");
      }
      expect((await get("/health")).statusCode).toBe(200);
    });
  });

  it("answer only the bearer of METRICS_TOKEN when it is set, in any mode", async () => {
    for (const NODE_ENV of ["production", "development"]) {
      await withGateway({ NODE_ENV, METRICS_TOKEN: token }, async (get) => {
        for (const path of opsPaths) {
          expect((await get(path)).statusCode).toBe(401);
          expect((await get(path, `Bearer ${"x".repeat(40)}`)).statusCode).toBe(401);
          expect((await get(path, `Basic ${token}`)).statusCode).toBe(401);
          expect((await get(path, `Bearer ${token}`)).statusCode).toBe(200);
        }
      });
    }
  });

  it("are open outside production when no token is set", async () => {
    await withGateway({ NODE_ENV: "development" }, async (get) => {
      for (const path of opsPaths) expect((await get(path)).statusCode).toBe(200);
    });
  });

  it("refuse a METRICS_TOKEN shorter than 32 characters at start", () => {
    expect(() => parseConfig(gatewayConfigSchema, { METRICS_TOKEN: "short" })).toThrow(ConfigError);
    expect(() => parseConfig(gatewayConfigSchema, { METRICS_TOKEN: "short" })).toThrow(/METRICS_TOKEN/);
  });
});
