import { randomUUID } from "node:crypto";
import { describeWithInfra, waitFor } from "@mercato/testing";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { describeKeyValueContract } from "../../test/support/key-value.contract.js";
import { MemoryKeyValue } from "./memory-key-value.js";
import { RedisKeyValue } from "./redis-key-value.js";

describeKeyValueContract("MemoryKeyValue contract", () => new MemoryKeyValue());

describe("MemoryKeyValue", () => {
  it("sweeps expired entries that are never read again, so memory does not grow", async () => {
    let now = 0;
    const kv = new MemoryKeyValue({ now: () => now, sweepIntervalMs: 5 });
    try {
      for (let index = 0; index < 100; index++) await kv.set(`k${index}`, "v", { ttlMs: 1000 });
      await kv.set("forever", "v");
      expect(kv.size).toBe(101);

      now = 1000;

      await waitFor(() => kv.size === 1, { message: "expired entries were never swept" });
      expect(await kv.get("forever")).toBe("v");
    } finally {
      await kv.close();
    }
  });

  it("expires a key exactly when its clock reaches the ttl", async () => {
    let now = 0;
    const kv = new MemoryKeyValue({ now: () => now });
    try {
      await kv.set("k", "v", { ttlMs: 100 });

      now = 99;
      expect(await kv.ttl("k")).toBe(1);
      now = 100;
      expect(await kv.get("k")).toBeUndefined();
    } finally {
      await kv.close();
    }
  });
});

describeWithInfra("REDIS_URL", "RedisKeyValue", (url) => {
  // One root per run: parallel runs against the same Redis never collide, and afterAll can clean up.
  const root = `mercato-test:kv:${randomUUID()}:`;
  let raw: Redis;

  beforeAll(() => {
    raw = new Redis(url);
  });

  afterAll(async () => {
    let cursor = "0";
    do {
      const [next, keys] = await raw.scan(cursor, "MATCH", `${root}*`, "COUNT", 500);
      if (keys.length > 0) await raw.del(...keys);
      cursor = next;
    } while (cursor !== "0");
    await raw.quit();
  });

  describeKeyValueContract(
    "contract",
    (namespace) => new RedisKeyValue({ url, keyPrefix: root + namespace }),
  );

  it("stores each key under keyPrefix + key", async () => {
    const kv = new RedisKeyValue({ client: raw, keyPrefix: `${root}prefixed:` });

    await kv.set("k", "v");

    expect(await raw.get(`${root}prefixed:k`)).toBe("v");
    expect(await raw.get("k")).toBeNull();
  });

  it("leaves a client it was given open on close", async () => {
    const kv = new RedisKeyValue(raw);
    const key = `${root}borrowed`;

    await kv.set(key, "v");
    await kv.close();

    expect(await raw.get(key)).toBe("v");
    await expect(kv.get(key)).rejects.toThrow(/closed/);
  });

  it("closes the connection it opened from a URL", async () => {
    const connectionName = `kv-test-${randomUUID()}`;
    const named = new URL(url);
    named.searchParams.set("connectionName", connectionName);
    const kv = new RedisKeyValue({ url: named.toString(), keyPrefix: root });
    const isConnected = async () => String(await raw.client("LIST")).includes(`name=${connectionName} `);
    await kv.set("owned", "v");
    expect(await isConnected()).toBe(true);

    await kv.close();

    await waitFor(async () => !(await isConnected()), { message: "the owned connection stayed open" });
  });
});
