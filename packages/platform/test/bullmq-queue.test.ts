import { randomUUID } from "node:crypto";
import { describeWithInfra } from "@mercato/testing";
import { Redis } from "ioredis";
import { afterAll, beforeAll, expect, it } from "vitest";
import { BullMqJobQueue } from "../src/queue/bullmq-queue.js";
import { createJobQueue } from "../src/queue/create-job-queue.js";
import { MemoryJobQueue } from "../src/queue/memory-queue.js";
import { describeJobQueueContract } from "./support/job-queue.contract.js";

describeWithInfra("REDIS_URL", "BullMqJobQueue", (url) => {
  // Queues of this run get their own prefix, so parallel runs on the shared Redis never collide
  // and afterAll deletes exactly what this run created.
  const prefix = `mercato-test:queue:${randomUUID().slice(0, 8)}`;
  let raw: Redis;

  beforeAll(() => {
    raw = new Redis(url);
  });

  afterAll(async () => {
    const left = await keysOf(raw, prefix);
    if (left.length > 0) await raw.del(...left);
    await raw.quit();
  });

  describeJobQueueContract(
    "contract",
    (options) => new BullMqJobQueue({ ...options, redisUrl: url, prefix }),
  );

  it("keeps a queue's keys under <prefix>:<name>: and obliterate removes them", async () => {
    const queue = new BullMqJobQueue({ name: "keys", redisUrl: url, prefix, handler: async () => undefined });
    try {
      await queue.add("k1", { a: 1 });
      expect(await raw.exists(`${prefix}:keys:k1`)).toBe(1);
    } finally {
      await queue.close();
    }
    expect((await keysOf(raw, `${prefix}:keys`)).length).toBeGreaterThan(0);

    await obliterate(url, prefix, "keys");

    expect(await keysOf(raw, `${prefix}:keys`)).toEqual([]);
  });

  it("uses the mercato:queue prefix unless told otherwise", async () => {
    const name = `prefix-${randomUUID().slice(0, 8)}`;
    const queue = new BullMqJobQueue({ name, redisUrl: url, handler: async () => undefined });
    try {
      await queue.add("p1", 1);
      expect(await raw.exists(`mercato:queue:${name}:p1`)).toBe(1);
    } finally {
      await queue.close();
      await obliterate(url, "mercato:queue", name);
    }
  });

  it("createJobQueue chooses BullMQ when a Redis URL is given and memory otherwise", async () => {
    const handler = async () => undefined;
    const onRedis = createJobQueue({ name: "chosen", redisUrl: url, handler });
    const inMemory = createJobQueue({ name: "chosen", handler });
    try {
      expect(onRedis).toBeInstanceOf(BullMqJobQueue);
      expect(inMemory).toBeInstanceOf(MemoryJobQueue);
    } finally {
      await onRedis.close();
      await inMemory.close();
    }
  });
});

/** Keys under `root:` (SCAN, never KEYS, on the shared Redis). */
async function keysOf(redis: Redis, root: string): Promise<string[]> {
  const found: string[] = [];
  let cursor = "0";
  do {
    const [next, keys] = await redis.scan(cursor, "MATCH", `${root}:*`, "COUNT", 500);
    found.push(...keys);
    cursor = next;
  } while (cursor !== "0");
  return found;
}

/** Deletes a queue and all its jobs with BullMQ's own obliterate. */
async function obliterate(url: string, prefix: string, name: string): Promise<void> {
  const { Queue } = await import("bullmq");
  const connection = new Redis(url, { maxRetriesPerRequest: 1 });
  const queue = new Queue(name, { connection, prefix });
  try {
    await queue.obliterate({ force: true });
  } finally {
    await queue.close();
    await connection.quit();
  }
}
