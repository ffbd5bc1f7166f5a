import { type RedisServer, settledWithin, startRedisServer, waitFor } from "@mercato/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Harness, startHarness } from "./harness.js";

// Issue 16, item 2 (ADR 0027): the gateway's rate limits live in Redis, and a Redis that is stopped
// or frozen (SIGSTOP) lets requests through unlimited instead of holding them. A private redis-server.

/** Far past a bounded Redis command (500 ms), far short of a request held for good. */
const notHangingMs = 3_000;

describe("gateway rate limits while Redis is down", () => {
  let redis: RedisServer;
  let h: Harness;
  const url = "/api/v1/items/0190a000-0000-7000-8000-000000000000";

  beforeAll(async () => {
    redis = await startRedisServer();
    h = await startHarness({ RATE_LIMIT_MAX: "2", RATE_LIMIT_WINDOW_MS: "60000", REDIS_URL: redis.url });
  });
  afterAll(async () => {
    await h?.close();
    await redis?.dispose();
  });

  /** The status of one request, or "still waiting" when it had no answer after `notHangingMs`. */
  const status = async (remoteAddress: string) => {
    const outcome = await settledWithin(
      h.gateway.app.inject({ method: "GET", url, remoteAddress }),
      notHangingMs,
    );
    return typeof outcome === "object" && "value" in outcome ? outcome.value.statusCode : outcome;
  };

  for (const outage of ["stopped", "hung"] as const) {
    it(`answers unlimited while Redis is ${outage} and limits again once it is back`, async () => {
      const client = `10.66.0.${outage === "stopped" ? 1 : 2}`;

      if (outage === "stopped") await redis.stop();
      else await redis.pause();
      try {
        const during = [];
        for (let i = 0; i < 3; i++) during.push(await status(client));
        expect(during).toEqual([404, 404, 404]);
      } finally {
        if (outage === "stopped") await redis.start();
        else await redis.resume();
      }

      const after = `10.66.1.${outage === "stopped" ? 1 : 2}`;
      await waitFor(async () => (await status(after)) === 429, {
        timeoutMs: 15_000,
        intervalMs: 100,
        message: "the rate limit never applied again after Redis returned",
      });
    });
  }
});
