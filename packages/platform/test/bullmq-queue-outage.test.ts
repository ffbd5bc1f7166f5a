import { type RedisServer, settledWithin, startRedisServer, waitFor } from "@mercato/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BullMqJobQueue } from "../src/queue/bullmq-queue.js";
import { JobQueueUnavailable } from "../src/queue/job-queue.js";

// A Redis that is down or hung never holds a producer's call (ADR 0027), and jobs stored before an
// outage still run after it. Each test stops or freezes a private redis-server; the shared one is never touched.

/** The adapter's command bound in these tests, in ms. */
const commandTimeoutMs = 500;
/** Far longer than the bound (and a reconnect in between), far shorter than a hung socket or an offline queue. */
const notHangingMs = 3_000;

const settled = <T>(call: Promise<T>) => settledWithin(call, notHangingMs);
const unavailable = { error: expect.any(JobQueueUnavailable) };

describe("BullMqJobQueue while its Redis is down or hung", () => {
  let redis: RedisServer;
  let queue: BullMqJobQueue<string>;
  const seen: string[] = [];
  let release!: () => void;
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });

  beforeAll(async () => {
    // Persistent: the jobs added before the stop must still be there after the restart.
    redis = await startRedisServer({ persistent: true });
    queue = new BullMqJobQueue<string>({
      name: "outage",
      redisUrl: redis.url,
      commandTimeoutMs,
      concurrency: 1,
      closeTimeoutMs: 2_000,
      handler: async (job) => {
        seen.push(job.id);
        if (job.id === "held") await released;
      },
    });
  });
  afterAll(async () => {
    release();
    await queue?.close();
    await redis?.dispose();
  });

  it("rejects ping and add within a bound while Redis is stopped, and runs the jobs stored before once it is back", async () => {
    await queue.start();
    await queue.add("held", "a");
    await waitFor(() => seen.includes("held"), { timeoutMs: 10_000, message: "the first job never started" });
    // Concurrency 1 and a held handler: these wait in Redis across the outage.
    await queue.add("queued-1", "b");
    await queue.add("queued-2", "c");
    expect(await queue.counts()).toEqual({ waiting: 2, active: 1, delayed: 0, failed: 0 });

    await redis.stop();
    try {
      expect(await settled(queue.ping())).toEqual(unavailable);
      expect(await settled(queue.add("during", "d"))).toEqual(unavailable);
      expect(await settled(queue.counts())).toEqual(unavailable);
    } finally {
      await redis.start();
    }

    await waitFor(async () => (await queue.ping().then(() => true)) === true, {
      timeoutMs: 10_000,
      message: "the queue never answered again after the restart",
    });
    release();
    await waitFor(() => seen.includes("queued-1") && seen.includes("queued-2"), {
      timeoutMs: 15_000,
      message: "the jobs stored before the outage never ran after it",
    });
    await waitFor(async () => (await queue.counts()).active === 0, { timeoutMs: 10_000 });
    expect(await queue.counts()).toEqual({ waiting: 0, active: 0, delayed: 0, failed: 0 });
  });

  it("rejects ping and add within a bound while Redis is hung (SIGSTOP), and adds again once resumed", async () => {
    await redis.pause();
    try {
      expect(await settled(queue.ping())).toEqual(unavailable);
      expect(await settled(queue.add("while-hung", "e"))).toEqual(unavailable);
    } finally {
      await redis.resume();
    }

    await waitFor(async () => (await queue.ping().then(() => true)) === true, {
      timeoutMs: 10_000,
      message: "the queue never answered again after the resume",
    });
    expect(await queue.add("after-resume", "f")).toBe(true);
    await waitFor(() => seen.includes("after-resume"), {
      timeoutMs: 15_000,
      message: "the job added after never ran",
    });
  });

  it("closes within its bound while Redis is stopped", async () => {
    await redis.stop();

    expect(await settledWithin(queue.close(), 2_000 + 2 * notHangingMs)).toEqual({ value: undefined });
  });
});
