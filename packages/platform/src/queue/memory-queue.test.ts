import { describe, expect, it } from "vitest";
import { describeJobQueueContract } from "../../test/support/job-queue.contract.js";
import { MemoryJobQueue } from "./memory-queue.js";

describeJobQueueContract("MemoryJobQueue contract", (options) => new MemoryJobQueue(options));

describe("MemoryJobQueue", () => {
  it("refuses a queue name or job id the BullMQ adapter could not store", async () => {
    expect(() => new MemoryJobQueue({ name: "Bad Name", handler: async () => undefined })).toThrow(
      /\[a-z0-9-\]/,
    );
    const queue = new MemoryJobQueue({ name: "ids", handler: async () => undefined });
    try {
      await expect(queue.add("42", 1)).rejects.toThrow(/all digits/);
      await expect(queue.add("a:b", 1)).rejects.toThrow(/must match/);
    } finally {
      await queue.close();
    }
  });
});
