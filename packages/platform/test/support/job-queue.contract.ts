import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { waitFor } from "@mercato/testing";
import { afterEach, describe, expect, it } from "vitest";
import { type JobQueue, type JobQueueOptions, PermanentJobError } from "../../src/queue/job-queue.js";

/** Creates an adapter for `options`; each call gets a queue name no other test or run uses. */
export type JobQueueFactory = <T>(options: JobQueueOptions<T>) => JobQueue<T> | Promise<JobQueue<T>>;

/** Long enough for a BullMQ worker on a busy machine to pick up and finish a job; only outcomes are asserted. */
const eventually = { timeoutMs: 15_000 };
/** First retry delay in the retry tests, in ms: short, but long enough to tell 1×, 2× and 4× apart. */
const backoffMs = 50;

/** A promise with its resolve, to hold handlers until a test lets them go. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { open, opened };
}

/** Registers the behaviours every `JobQueue` adapter must have, run against the adapters `make` creates. */
export function describeJobQueueContract(label: string, make: JobQueueFactory): void {
  describe(label, () => {
    const opened: JobQueue<unknown>[] = [];
    const runId = randomUUID().slice(0, 8);
    let sequence = 0;

    async function open<T>(options: Omit<JobQueueOptions<T>, "name">): Promise<JobQueue<T>> {
      sequence += 1;
      const queue = await make<T>({ name: `contract-${runId}-${sequence}`, ...options });
      opened.push(queue as JobQueue<unknown>);
      return queue;
    }

    afterEach(async () => {
      await Promise.all(opened.splice(0).map((queue) => queue.close().catch(() => undefined)));
    });

    it("runs an added job once, with its id, data and attempt 1, after start", async () => {
      const seen: unknown[] = [];
      const queue = await open<{ to: string }>({
        handler: async (job) => {
          seen.push(job);
        },
      });

      expect(await queue.add("job-a", { to: "ada@example.com" })).toBe(true);
      await sleep(100);
      expect(seen).toEqual([]);
      await queue.start();

      await waitFor(() => seen.length === 1, { ...eventually, message: "the job never ran" });
      await waitFor(async () => (await queue.counts()).active === 0, eventually);
      expect(seen).toEqual([{ id: "job-a", data: { to: "ada@example.com" }, attempt: 1 }]);
      expect(await queue.counts()).toEqual({ waiting: 0, active: 0, delayed: 0, failed: 0 });
    });

    it("runs a job added twice under one id once, and says the second add did nothing", async () => {
      const seen: string[] = [];
      const queue = await open<string>({
        handler: async (job) => {
          seen.push(job.data);
        },
      });

      expect(await queue.add("same", "first")).toBe(true);
      expect(await queue.add("same", "second")).toBe(false);
      await queue.start();
      await waitFor(() => seen.length === 1, { ...eventually, message: "the job never ran" });
      await waitFor(async () => (await queue.counts()).active === 0, eventually);
      // Completed (not merely running), the id still deduplicates.
      expect(await queue.add("same", "third")).toBe(false);
      await queue.add("other", "marker");
      await waitFor(() => seen.includes("marker"), eventually);

      expect(seen).toEqual(["first", "marker"]);
    });

    it("retries a failing job with exponentially growing delays until it succeeds", async () => {
      const startedAt: number[] = [];
      const attempts: number[] = [];
      const queue = await open<string>({
        attempts: 5,
        backoffMs,
        handler: async (job) => {
          startedAt.push(performance.now());
          attempts.push(job.attempt);
          if (job.attempt < 4) throw new Error(`try ${job.attempt} failed`);
        },
      });
      await queue.start();

      await queue.add("flaky", "x");

      await waitFor(() => attempts.length === 4, {
        ...eventually,
        message: "the job was not retried to success",
      });
      await waitFor(async () => (await queue.counts()).active === 0, eventually);
      expect(attempts).toEqual([1, 2, 3, 4]);
      const gaps = startedAt.slice(1).map((at, index) => at - (startedAt[index] ?? 0));
      // Lower bounds only: a retry never comes before its delay (50, 100, 200 ms); a busy machine only adds.
      expect(gaps[0]).toBeGreaterThanOrEqual(backoffMs * 0.9);
      expect(gaps[1]).toBeGreaterThanOrEqual(2 * backoffMs * 0.9);
      expect(gaps[2]).toBeGreaterThanOrEqual(4 * backoffMs * 0.9);
      expect(await queue.deadLetters(10)).toEqual([]);
    });

    it("dead-letters a job after its last attempt with that attempt's error, and requeue runs it again with fresh attempts", async () => {
      let healthy = false;
      const attempts: number[] = [];
      const queue = await open<{ n: number }>({
        attempts: 3,
        backoffMs: 20,
        handler: async (job) => {
          attempts.push(job.attempt);
          if (!healthy) throw new Error(`provider down (attempt ${job.attempt})`);
        },
      });
      await queue.start();

      await queue.add("doomed", { n: 1 });

      await waitFor(async () => (await queue.counts()).failed === 1, {
        ...eventually,
        message: "never dead-lettered",
      });
      expect(attempts).toEqual([1, 2, 3]);
      expect(await queue.deadLetters(10)).toEqual([
        {
          id: "doomed",
          data: { n: 1 },
          attempts: 3,
          error: "provider down (attempt 3)",
          failedAt: expect.any(Date),
        },
      ]);
      expect(await queue.add("doomed", { n: 2 })).toBe(false);
      expect(await queue.requeue("missing")).toBe(false);

      healthy = true;
      expect(await queue.requeue("doomed")).toBe(true);

      await waitFor(() => attempts.length === 4, { ...eventually, message: "the requeued job never ran" });
      await waitFor(async () => (await queue.counts()).active === 0, eventually);
      expect(attempts).toEqual([1, 2, 3, 1]);
      expect(await queue.deadLetters(10)).toEqual([]);
      expect(await queue.counts()).toEqual({ waiting: 0, active: 0, delayed: 0, failed: 0 });
      expect(await queue.requeue("doomed")).toBe(false);
    });

    it("lists dead letters newest first, at most limit", async () => {
      const queue = await open<string>({
        attempts: 1,
        handler: async (job) => {
          throw new Error(`no ${job.id}`);
        },
      });
      await queue.start();

      for (const id of ["first", "second", "third"]) {
        await queue.add(id, id);
        await waitFor(
          async () => (await queue.counts()).failed === ["first", "second", "third"].indexOf(id) + 1,
          {
            ...eventually,
            message: `${id} was never dead-lettered`,
          },
        );
        // Distinct failure times, so newest-first has one answer.
        await sleep(5);
      }

      const letters = await queue.deadLetters(2);
      expect(letters.map((letter) => [letter.id, letter.error])).toEqual([
        ["third", "no third"],
        ["second", "no second"],
      ]);
      expect(letters[0]?.failedAt.getTime()).toBeGreaterThanOrEqual(
        letters[1]?.failedAt.getTime() ?? Infinity,
      );
    });

    it("dead-letters a job whose handler throws PermanentJobError at once, without retries", async () => {
      const attempts: number[] = [];
      const queue = await open<string>({
        attempts: 5,
        backoffMs: 20,
        handler: async (job) => {
          attempts.push(job.attempt);
          throw new PermanentJobError("mailbox does not exist");
        },
      });
      await queue.start();

      await queue.add("bounced", "x");

      await waitFor(async () => (await queue.counts()).failed === 1, {
        ...eventually,
        message: "never dead-lettered",
      });
      // Had it been retried, a second attempt would come 20 ms later; wait well past it.
      await sleep(300);
      expect(attempts).toEqual([1]);
      expect(await queue.deadLetters(10)).toEqual([
        expect.objectContaining({ id: "bounced", attempts: 1, error: "mailbox does not exist" }),
      ]);
    });

    it("never runs more handlers at once than its concurrency", async () => {
      const release = gate();
      const started: string[] = [];
      let running = 0;
      let mostRunning = 0;
      const queue = await open<number>({
        concurrency: 2,
        handler: async (job) => {
          started.push(job.id);
          running += 1;
          mostRunning = Math.max(mostRunning, running);
          await release.opened;
          running -= 1;
        },
      });
      for (let index = 0; index < 6; index++) await queue.add(`c-${index}`, index);
      await queue.start();

      try {
        await waitFor(() => started.length >= 2, {
          ...eventually,
          message: "two handlers never ran at once",
        });
        // A third would start within this while if the bound did not hold.
        await sleep(300);
        expect(started).toHaveLength(2);
        expect((await queue.counts()).active).toBe(2);
      } finally {
        // Held handlers would otherwise keep a failed test's close waiting.
        release.open();
      }
      await waitFor(() => started.length === 6, { ...eventually, message: "the rest never ran" });
      await waitFor(() => running === 0, eventually);
      expect(mostRunning).toBe(2);
    });

    it("starts at most limiter.max jobs per window", async () => {
      const durationMs = 500;
      const max = 2;
      const startedAt: number[] = [];
      const queue = await open<number>({
        concurrency: 10,
        limiter: { max, durationMs },
        handler: async () => {
          startedAt.push(performance.now());
        },
      });
      for (let index = 0; index < 6; index++) await queue.add(`l-${index}`, index);
      await queue.start();

      await waitFor(() => startedAt.length === 6, { ...eventually, message: "not every job ran" });
      const first = startedAt[0] ?? 0;
      // The first window opens with the first start: within half of it, no more than max starts (a
      // generous margin for the delay between the window opening and the handler being called).
      expect(startedAt.filter((at) => at - first < durationMs / 2)).toHaveLength(max);
      // Six jobs at two per window need three windows: the last starts at least two windows after the first.
      expect((startedAt[5] ?? 0) - first).toBeGreaterThanOrEqual(2 * durationMs * 0.9);
    });

    it("close waits for a running handler to finish, and takes no more jobs", async () => {
      const release = gate();
      const started: string[] = [];
      let finished = false;
      const queue = await open<string>({
        concurrency: 1,
        handler: async (job) => {
          started.push(job.id);
          await release.opened;
          finished = true;
        },
      });
      await queue.add("running", "x");
      await queue.add("next", "y");
      await queue.start();
      let closed = false;
      let closing: Promise<void> | undefined;
      try {
        await waitFor(() => started.length >= 1, { ...eventually, message: "the handler never started" });
        closing = queue.close().then(() => {
          closed = true;
        });
        await sleep(200);
        expect(closed).toBe(false);
      } finally {
        release.open();
      }
      await closing;
      expect(finished).toBe(true);
      expect(started).toEqual(["running"]);
      await expect(queue.add("late", "z")).rejects.toThrow();
    });

    it("answers ping while open", async () => {
      const queue = await open<string>({ handler: async () => undefined });

      await expect(queue.ping()).resolves.toBeUndefined();
    });
  });
}
