import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, describe, expect, it } from "vitest";
import type { KeyValue } from "../../src/kv/key-value.js";

/** Creates an adapter whose keys live under `namespace`; adapters with different namespaces must not see each other's keys. */
export type KeyValueFactory = (namespace: string) => KeyValue | Promise<KeyValue>;

/** Short expiry for tests that wait for a key to vanish, in ms. */
const shortTtlMs = 80;
/** Expiry long enough never to lapse during a test, in ms. */
const longTtlMs = 60_000;

/** Polls `check` until it returns true; the deadline is generous because only the outcome is asserted, not speed. */
async function eventually(check: () => Promise<boolean>, message: string, timeoutMs = 5000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!(await check())) {
    if (performance.now() > deadline) throw new Error(`${message} (waited ${timeoutMs} ms)`);
    await sleep(10);
  }
}

/** Registers the behaviours every `KeyValue` adapter must have, run against the adapters `factory` creates. */
export function describeKeyValueContract(name: string, factory: KeyValueFactory): void {
  describe(name, () => {
    // Unique per run so parallel runs against one shared Redis never collide.
    const runId = randomUUID();
    let sequence = 0;
    const opened: KeyValue[] = [];

    async function open(): Promise<KeyValue> {
      sequence += 1;
      const kv = await factory(`kv-contract:${runId}:${sequence}:`);
      opened.push(kv);
      return kv;
    }

    afterEach(async () => {
      await Promise.all(opened.splice(0).map((kv) => kv.close()));
    });

    describe("get and set", () => {
      it("returns undefined for a key that was never set", async () => {
        const kv = await open();

        expect(await kv.get("missing")).toBeUndefined();
      });

      it("round-trips values exactly, including empty and non-ASCII ones", async () => {
        const kv = await open();
        const values = {
          plain: "v1",
          empty: "",
          "with spaces:and:colons": "ünïcødé ✓ 🛒",
          json: '{"a":[1,2]}',
        };

        for (const [key, value] of Object.entries(values)) await kv.set(key, value);

        for (const [key, value] of Object.entries(values)) expect(await kv.get(key)).toBe(value);
      });

      it("overwrites an existing value", async () => {
        const kv = await open();
        await kv.set("k", "first");

        await kv.set("k", "second");

        expect(await kv.get("k")).toBe("second");
      });

      it("forgets a key once its ttlMs has passed while keys without expiry stay", async () => {
        const kv = await open();
        await kv.set("expiring", "v", { ttlMs: shortTtlMs });
        await kv.set("lasting", "v");

        await eventually(
          async () => (await kv.get("expiring")) === undefined,
          "the expiring key never expired",
        );

        expect(await kv.get("lasting")).toBe("v");
      });

      it("clears an existing expiry when set again without ttlMs", async () => {
        const kv = await open();
        await kv.set("k", "v", { ttlMs: longTtlMs });

        await kv.set("k", "w");

        expect(await kv.ttl("k")).toBeUndefined();
        expect(await kv.get("k")).toBe("w");
      });

      it("rejects a ttlMs that is not a positive integer", async () => {
        const kv = await open();

        for (const ttlMs of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
          await expect(kv.set("k", "v", { ttlMs })).rejects.toThrow(RangeError);
          await expect(kv.setIfAbsent("k", "v", { ttlMs })).rejects.toThrow(RangeError);
          await expect(kv.increment("k", { ttlMs })).rejects.toThrow(RangeError);
        }
        expect(await kv.get("k")).toBeUndefined();
      });
    });

    describe("ttl", () => {
      it("is undefined for a missing key and for a key without expiry", async () => {
        const kv = await open();
        await kv.set("forever", "v");

        expect(await kv.ttl("missing")).toBeUndefined();
        expect(await kv.ttl("forever")).toBeUndefined();
      });

      it("reports the remaining time in ms, positive and at most the ttlMs given", async () => {
        const kv = await open();
        await kv.set("k", "v", { ttlMs: longTtlMs });

        const remaining = await kv.ttl("k");

        expect(Number.isInteger(remaining)).toBe(true);
        expect(remaining).toBeGreaterThan(0);
        expect(remaining).toBeLessThanOrEqual(longTtlMs);
      });

      it("is undefined once the key has expired", async () => {
        const kv = await open();
        await kv.set("k", "v", { ttlMs: shortTtlMs });

        await eventually(async () => (await kv.ttl("k")) === undefined, "ttl never became undefined");

        expect(await kv.get("k")).toBeUndefined();
      });
    });

    describe("setIfAbsent", () => {
      it("sets an absent key and returns true", async () => {
        const kv = await open();

        expect(await kv.setIfAbsent("k", "v")).toBe(true);

        expect(await kv.get("k")).toBe("v");
        expect(await kv.ttl("k")).toBeUndefined();
      });

      it("leaves a present key unchanged and returns false", async () => {
        const kv = await open();
        await kv.set("k", "original", { ttlMs: longTtlMs });

        expect(await kv.setIfAbsent("k", "other")).toBe(false);

        expect(await kv.get("k")).toBe("original");
        expect(await kv.ttl("k")).toBeGreaterThan(0);
      });

      it("applies ttlMs to the key it sets", async () => {
        const kv = await open();

        await kv.setIfAbsent("k", "v", { ttlMs: longTtlMs });

        expect(await kv.ttl("k")).toBeGreaterThan(0);
      });

      it("succeeds again once the previous value has expired", async () => {
        const kv = await open();
        expect(await kv.setIfAbsent("lock", "first", { ttlMs: shortTtlMs })).toBe(true);

        await eventually(() => kv.setIfAbsent("lock", "second"), "setIfAbsent never succeeded after expiry");

        expect(await kv.get("lock")).toBe("second");
      });

      it("lets exactly one of 20 concurrent callers win, and stores the winner's value", async () => {
        const kv = await open();
        const contenders = Array.from({ length: 20 }, (_, index) => `contender-${index}`);

        const results = await Promise.all(
          contenders.map((value) => kv.setIfAbsent("lock", value, { ttlMs: longTtlMs })),
        );

        expect(results.filter(Boolean)).toHaveLength(1);
        expect(await kv.get("lock")).toBe(contenders[results.indexOf(true)]);
      });
    });

    describe("delete", () => {
      it("removes a present key and returns true", async () => {
        const kv = await open();
        await kv.set("k", "v");

        expect(await kv.delete("k")).toBe(true);

        expect(await kv.get("k")).toBeUndefined();
      });

      it("returns false for a missing key and for an expired one", async () => {
        const kv = await open();
        await kv.set("expiring", "v", { ttlMs: shortTtlMs });
        await eventually(async () => (await kv.get("expiring")) === undefined, "the key never expired");

        expect(await kv.delete("missing")).toBe(false);
        expect(await kv.delete("expiring")).toBe(false);
      });
    });

    describe("increment", () => {
      it("treats an absent key as 0, adds 1 by default and returns the new value", async () => {
        const kv = await open();

        expect(await kv.increment("n")).toBe(1);
        expect(await kv.increment("n")).toBe(2);
        expect(await kv.get("n")).toBe("2");
      });

      it("adds any integer `by`, negative ones included", async () => {
        const kv = await open();

        expect(await kv.increment("n", { by: 5 })).toBe(5);
        expect(await kv.increment("n", { by: -7 })).toBe(-2);
        expect(await kv.get("n")).toBe("-2");
      });

      it("continues from an integer written with set", async () => {
        const kv = await open();
        await kv.set("n", "41");

        expect(await kv.increment("n")).toBe(42);
      });

      it("rejects a non-integer stored value and leaves it unchanged", async () => {
        const kv = await open();
        await kv.set("n", "abc");

        await expect(kv.increment("n")).rejects.toThrow(/not an integer/);
        await expect(kv.increment("n", { ttlMs: longTtlMs })).rejects.toThrow(/not an integer/);
        expect(await kv.get("n")).toBe("abc");
        expect(await kv.ttl("n")).toBeUndefined();
      });

      it("rejects a `by` that is not a safe integer", async () => {
        const kv = await open();

        await expect(kv.increment("n", { by: 1.5 })).rejects.toThrow(RangeError);
        expect(await kv.get("n")).toBeUndefined();
      });

      it("applies ttlMs when it creates the key", async () => {
        const kv = await open();

        await kv.increment("n", { ttlMs: longTtlMs });

        expect(await kv.ttl("n")).toBeGreaterThan(0);
      });

      it("ignores ttlMs for a key that already exists and keeps its expiry", async () => {
        const kv = await open();
        await kv.set("forever", "1");
        await kv.increment("window", { ttlMs: longTtlMs });

        await kv.increment("forever", { ttlMs: shortTtlMs });
        await kv.increment("window", { ttlMs: shortTtlMs });

        expect(await kv.ttl("forever")).toBeUndefined();
        expect(await kv.ttl("window")).toBeGreaterThan(shortTtlMs);
      });

      it("keeps the expiry of a counter when incremented without ttlMs", async () => {
        const kv = await open();
        await kv.increment("n", { ttlMs: longTtlMs });

        await kv.increment("n");

        expect(await kv.ttl("n")).toBeGreaterThan(0);
      });

      it("starts again from 0 after the counter expired", async () => {
        const kv = await open();
        await kv.increment("n", { by: 10, ttlMs: shortTtlMs });

        await eventually(async () => (await kv.get("n")) === undefined, "the counter never expired");

        expect(await kv.increment("n")).toBe(1);
      });

      it("counts every one of 50 concurrent increments exactly once", async () => {
        const kv = await open();

        const results = await Promise.all(
          Array.from({ length: 50 }, () => kv.increment("hits", { ttlMs: longTtlMs })),
        );

        expect(await kv.get("hits")).toBe("50");
        expect([...results].sort((a, b) => a - b)).toEqual(
          Array.from({ length: 50 }, (_, index) => index + 1),
        );
      });
    });

    describe("namespaces", () => {
      it("isolates values between adapters with different prefixes", async () => {
        const a = await open();
        const b = await open();

        await a.set("shared-name", "from a");
        await a.increment("counter");
        expect(await b.get("shared-name")).toBeUndefined();
        expect(await b.setIfAbsent("shared-name", "from b")).toBe(true);
        expect(await b.increment("counter")).toBe(1);
        expect(await b.delete("shared-name")).toBe(true);

        expect(await a.get("shared-name")).toBe("from a");
        expect(await a.get("counter")).toBe("1");
      });
    });

    describe("close", () => {
      it("makes later operations reject and may be called twice", async () => {
        const kv = await open();
        await kv.set("k", "v");

        await kv.close();
        await kv.close();

        await expect(kv.get("k")).rejects.toThrow(/closed/);
        await expect(kv.set("k", "v")).rejects.toThrow(/closed/);
        await expect(kv.increment("n")).rejects.toThrow(/closed/);
      });
    });
  });
}
