import { waitFor } from "@mercato/testing";
import { describe, expect, it } from "vitest";
import { describeKeyValueContract } from "./key-value.contract.js";
import { MemoryKeyValue } from "./memory-key-value.js";

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
