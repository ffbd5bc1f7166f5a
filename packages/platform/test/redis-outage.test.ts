import { Health, HealthCheckResponse_ServingStatus } from "@mercato/contracts/grpc/health/v1/health_pb";
import {
  capturedLogs,
  dependencyUp,
  type RedisServer,
  readinessOf,
  settledWithin,
  startRedisServer,
  waitFor,
} from "@mercato/testing";
import { itemService } from "@mercato/testing/item-service";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createLogger,
  createRpcClient,
  FallbackKeyValue,
  type KeyValue,
  KeyValueUnavailable,
  MemoryEventBus,
  PgliteHost,
  RedisKeyValue,
  type RunningService,
  startService,
} from "../src/index.js";

// Issue 16, item 2 (ADR 0027): a Redis that is down or hung never holds a call. Each suite stops or
// freezes (SIGSTOP) a private redis-server; the shared one is never touched.

/** Longer than any bounded command (500 ms, a reconnect in between), far shorter than ioredis's offline queue or a hung socket. */
const notHangingMs = 3_000;

const settled = <T>(call: Promise<T>) => settledWithin(call, notHangingMs);

/** Every operation of the port once, each settled within `notHangingMs` or reported as still waiting. */
async function everyOperation(kv: KeyValue) {
  return {
    get: await settled(kv.get("k")),
    set: await settled(kv.set("k", "v")),
    setWithTtl: await settled(kv.set("k", "v", { ttlMs: 60_000 })),
    setIfAbsent: await settled(kv.setIfAbsent("lock", "v", { ttlMs: 60_000 })),
    delete: await settled(kv.delete("k")),
    increment: await settled(kv.increment("n")),
    incrementWithTtl: await settled(kv.increment("window", { ttlMs: 60_000 })),
    ttl: await settled(kv.ttl("k")),
  };
}

const unavailable = { error: expect.any(KeyValueUnavailable) };
const allUnavailable = {
  get: unavailable,
  set: unavailable,
  setWithTtl: unavailable,
  setIfAbsent: unavailable,
  delete: unavailable,
  increment: unavailable,
  incrementWithTtl: unavailable,
  ttl: unavailable,
};

describe("RedisKeyValue while its Redis is down or hung", () => {
  let redis: RedisServer;
  let kv: RedisKeyValue;
  const log = capturedLogs("kv-test");

  beforeAll(async () => {
    redis = await startRedisServer();
    kv = new RedisKeyValue({ url: redis.url, keyPrefix: "outage:", logger: log.logger });
  });
  afterAll(async () => {
    await kv?.close();
    await redis?.dispose();
  });

  it("fails every operation with KeyValueUnavailable at once while stopped, and serves again after a restart", async () => {
    await kv.set("k", "before");

    await redis.stop();
    expect(await everyOperation(kv)).toEqual(allUnavailable);

    await redis.start();
    await waitFor(async () => (await kv.get("k").catch(() => "down")) !== "down", {
      timeoutMs: 10_000,
      message: "RedisKeyValue never used the restarted Redis",
    });
    expect(await kv.increment("n")).toBe(1);
  });

  it("fails every operation with KeyValueUnavailable within its bound while hung (SIGSTOP), and serves again once resumed", async () => {
    await kv.set("k", "before");

    await redis.pause();
    try {
      expect(await everyOperation(kv)).toEqual(allUnavailable);
    } finally {
      await redis.resume();
    }

    // What was sent before the connection was given up may still have been applied on resume.
    await waitFor(async () => (await kv.set("k", "after").catch(() => "down")) !== "down", {
      timeoutMs: 10_000,
      message: "RedisKeyValue never used the resumed Redis",
    });
    expect(await kv.get("k")).toBe("after");
  });

  it("logs once that Redis went away and once that it is back, not once per call", () => {
    const warnings = log.lines.filter((line) => line.level === 40).map((line) => line.msg);
    const infos = log.lines.filter((line) => line.level === 30).map((line) => line.msg);
    // Two outages (stopped, hung), each announced once however many calls failed.
    expect(warnings).toEqual([
      expect.stringMatching(/^redis is not answering/),
      expect.stringMatching(/^redis is not answering/),
    ]);
    expect(infos).toEqual([
      expect.stringMatching(/^redis is answering again/),
      expect.stringMatching(/^redis is answering again/),
    ]);
  });

  it("refuses a command Redis answers with an error as that error, not as unavailable", async () => {
    await kv.set("text", "abc");

    await expect(kv.increment("text")).rejects.toThrow(/not an integer/);
    await expect(kv.increment("text")).rejects.not.toBeInstanceOf(KeyValueUnavailable);
  });
});

describe("FallbackKeyValue over a Redis that goes away", () => {
  let redis: RedisServer;
  let primary: RedisKeyValue;
  let kv: FallbackKeyValue;
  const log = capturedLogs("kv-test");

  beforeAll(async () => {
    redis = await startRedisServer();
    primary = new RedisKeyValue({ url: redis.url, keyPrefix: "fallback:" });
    kv = new FallbackKeyValue(primary, { logger: log.logger, consequence: "limits count per process" });
  });
  afterAll(async () => {
    await kv?.close();
    await primary?.close();
    await redis?.dispose();
  });

  it("counts in this process's memory while Redis is stopped, says so once, and counts in Redis again when it is back", async () => {
    expect(await kv.increment("hits", { ttlMs: 60_000 })).toBe(1);

    await redis.stop();
    try {
      const during = [];
      for (let i = 0; i < 3; i++) during.push(await settled(kv.increment("hits", { ttlMs: 60_000 })));
      expect(during).toEqual([{ value: 1 }, { value: 2 }, { value: 3 }]);
      expect(kv.degraded).toBe(true);
    } finally {
      await redis.start();
    }

    await waitFor(async () => (await kv.increment("probe")) > 0 && !kv.degraded, {
      timeoutMs: 10_000,
      message: "FallbackKeyValue never went back to Redis",
    });
    // Redis restarted empty: its count starts again, the outage's count stays behind in memory.
    expect(await kv.increment("hits", { ttlMs: 60_000 })).toBe(1);
    expect(log.lines.map((line) => [line.level, line.msg])).toEqual([
      [40, expect.stringMatching(/^key-value store unavailable.*limits count per process$/)],
      [30, expect.stringMatching(/^key-value store answers again/)],
    ]);
  });

  it("answers from memory within its bound while Redis is hung (SIGSTOP)", async () => {
    await redis.pause();
    try {
      const during = [];
      for (let i = 0; i < 3; i++) during.push(await settled(kv.increment("hung", { ttlMs: 60_000 })));
      expect(during).toEqual([{ value: 1 }, { value: 2 }, { value: 3 }]);
    } finally {
      await redis.resume();
    }
    await waitFor(async () => (await kv.increment("probe")) > 0 && !kv.degraded, {
      timeoutMs: 10_000,
      message: "FallbackKeyValue never went back to Redis",
    });
  });

  it("passes on what the store refused instead of hiding it in the fallback", async () => {
    await kv.set("text", "abc");

    await expect(kv.increment("text")).rejects.toThrow(/not an integer/);
    expect(kv.degraded).toBe(false);
  });
});

describe("a service while its Redis is down", () => {
  let redis: RedisServer;
  let kv: RedisKeyValue;
  let pglite: PgliteHost;
  let bus: MemoryEventBus;
  let service: RunningService;

  beforeAll(async () => {
    redis = await startRedisServer();
    kv = new RedisKeyValue({ url: redis.url });
    pglite = await PgliteHost.open({ postgis: false });
    bus = new MemoryEventBus();
    service = await startService(
      itemService({ name: "redis_outage" }),
      {
        database: (name) => pglite.forService(name),
        bus,
        kv,
        kvName: "redis",
        logger: (name) => createLogger({ service: name, level: "silent" }),
      },
      { port: 0 },
    );
  });
  afterAll(async () => {
    await service?.stop();
    await bus?.close();
    await kv?.close();
    await pglite?.close();
    await redis?.dispose();
  });

  const ready = () => readinessOf(service.url);
  const redisUp = () => dependencyUp(service.url, "redis");
  const serving = async () =>
    (await createRpcClient(Health, { baseUrl: service.url }).check({ service: "" })).status;

  for (const outage of ["stopped", "hung"] as const) {
    it(`stays ready while Redis is ${outage}, reports it as degraded in /ready and dependency_up, and recovers`, async () => {
      expect(await ready()).toEqual({ status: 200, body: expect.objectContaining({ status: "ready" }) });
      expect(await redisUp()).toBe(1);

      if (outage === "stopped") await redis.stop();
      else await redis.pause();
      try {
        expect(await ready()).toEqual({
          status: 200,
          body: expect.objectContaining({ status: "degraded", degraded: ["redis"] }),
        });
        expect(await redisUp()).toBe(0);
        expect(await serving()).toBe(HealthCheckResponse_ServingStatus.SERVING);
      } finally {
        if (outage === "stopped") await redis.start();
        else await redis.resume();
      }

      await waitFor(async () => (await ready()).body.status === "ready", {
        timeoutMs: 10_000,
        message: "/ready never recovered after Redis returned",
      });
      expect(await redisUp()).toBe(1);
    });
  }
});
