import type { Job, Queue, Worker } from "bullmq";
import { Redis, ReplyError } from "ioredis";
import type { Logger } from "pino";
import { boundedRedisOptions } from "../kv/redis-key-value.js";
import { lazyRequire } from "../runtime/lazy-require.js";
import {
  checkJobId,
  type DeadLetter,
  type JobQueue,
  type JobQueueOptions,
  JobQueueUnavailable,
  PermanentJobError,
  type ResolvedJobQueueOptions,
  resolveJobQueueOptions,
} from "./job-queue.js";

/** Options of `BullMqJobQueue`: the queue's own plus where Redis is. */
export interface BullMqJobQueueOptions<T> extends JobQueueOptions<T> {
  /** Redis to keep the jobs in, e.g. redis://127.0.0.1:6379. */
  redisUrl: string;
  /** Start of every key; default "mercato:queue" (keys are `<prefix>:<name>:…`). */
  prefix?: string;
  /** Longest wait for Redis in add, ping, counts, deadLetters and requeue, in ms; default 2000. */
  commandTimeoutMs?: number;
  /** Hears about connection errors of the queue and its worker. */
  logger?: Logger;
}

/** How long a completed job stays, so that re-adding its id is still deduplicated: 24 h, in s (BullMQ's unit). */
const completedKeptSeconds = 24 * 60 * 60;
/** BullMQ, loaded by the first queue: only the services with job queues need it. */
const bullmq = lazyRequire<typeof import("bullmq")>("bullmq");

/** Most completed jobs kept per queue, so Redis memory stays bounded whatever the rate. */
const completedKeptCount = 10_000;

/**
 * `JobQueue` on BullMQ for the distributed deployment. Dedupe is BullMQ's `jobId`; retries are its
 * `attempts` with exponential `backoff`; the limiter is the worker's (shared by every worker of the
 * queue); failed jobs are kept (`removeOnFail: false`) and are the dead letters; a
 * `PermanentJobError` becomes BullMQ's `UnrecoverableError`. The producer's connection has no
 * offline queue and bounded commands, so calls fail with `JobQueueUnavailable` instead of hanging
 * while Redis is away; the worker's connections wait and reconnect for ever, as BullMQ requires.
 */
export class BullMqJobQueue<T> implements JobQueue<T> {
  readonly #options: ResolvedJobQueueOptions<T>;
  readonly #redisUrl: string;
  readonly #prefix: string;
  readonly #timeoutMs: number;
  readonly #logger: Logger | undefined;
  readonly #client: Redis;
  readonly #queue: Queue<Job<T, void, string>>;
  #worker: Worker<T, void, string> | undefined;
  #workerClient: Redis | undefined;
  #closed = false;

  constructor(options: BullMqJobQueueOptions<T>) {
    this.#options = resolveJobQueueOptions(options);
    this.#redisUrl = options.redisUrl;
    this.#prefix = options.prefix ?? "mercato:queue";
    this.#timeoutMs = options.commandTimeoutMs ?? 2_000;
    this.#logger = options.logger;
    this.#client = new Redis(this.#redisUrl, {
      ...boundedRedisOptions({ commandTimeoutMs: this.#timeoutMs }),
      connectionName: `${this.#prefix}:${this.#options.name}:producer`,
    });
    this.#client.on("error", (error) =>
      this.#logger?.debug({ err: error }, "job queue redis connection error"),
    );
    this.#queue = new (bullmq().Queue)<Job<T, void, string>>(this.#options.name, {
      connection: this.#client,
      prefix: this.#prefix,
      defaultJobOptions: {
        attempts: this.#options.attempts,
        backoff: { type: "exponential", delay: this.#options.backoffMs },
        removeOnComplete: { age: completedKeptSeconds, count: completedKeptCount },
        removeOnFail: false,
      },
    });
    this.#queue.on("error", (error) => this.#logger?.warn({ err: error }, "job queue error"));
  }

  add(id: string, data: T): Promise<boolean> {
    checkJobId(id);
    return this.#bounded("add", async () => {
      // The job's hash exists while it waits, runs, is delayed, is dead-lettered or completed within
      // the kept age. Two concurrent adds of a new id may both answer true; BullMQ still stores one job.
      if ((await this.#client.exists(this.#queue.toKey(id))) === 1) return false;
      await this.#queue.add(this.#options.name, data, { jobId: id });
      return true;
    });
  }

  async start(): Promise<void> {
    this.#checkOpen();
    if (this.#worker) return;
    // BullMQ duplicates this client for the worker's own connections; it never connects itself.
    this.#workerClient = new Redis(this.#redisUrl, {
      lazyConnect: true,
      maxRetriesPerRequest: null,
      connectTimeout: 1_000,
      retryStrategy: (attempt: number) => Math.min(attempt * 100, 1_000),
      connectionName: `${this.#prefix}:${this.#options.name}:worker`,
    });
    const { handler, concurrency, limiter } = this.#options;
    this.#worker = new (bullmq().Worker)<T, void, string>(
      this.#options.name,
      async (job: Job<T, void, string>) => {
        try {
          await handler({ id: job.id ?? "", data: job.data, attempt: job.attemptsMade + 1 });
        } catch (error) {
          if (error instanceof PermanentJobError) throw new (bullmq().UnrecoverableError)(error.message);
          throw error;
        }
      },
      {
        connection: this.#workerClient,
        prefix: this.#prefix,
        concurrency,
        ...(limiter ? { limiter: { max: limiter.max, duration: limiter.durationMs } } : {}),
      },
    );
    this.#worker.on("error", (error) => this.#logger?.warn({ err: error }, "job queue worker error"));
  }

  deadLetters(limit: number): Promise<DeadLetter<T>[]> {
    return this.#bounded("deadLetters", async () => {
      if (limit < 1) return [];
      const jobs = await this.#queue.getFailed(0, limit - 1);
      return jobs.map((job) => ({
        id: job.id ?? "",
        data: job.data,
        attempts: job.attemptsMade,
        error: job.failedReason ?? "",
        failedAt: new Date(job.finishedOn ?? job.timestamp),
      }));
    });
  }

  requeue(id: string): Promise<boolean> {
    return this.#bounded("requeue", async () => {
      const job = await this.#queue.getJob(id);
      if (!job || (await job.getState()) !== "failed") return false;
      await job.retry("failed", { resetAttemptsMade: true, resetAttemptsStarted: true });
      return true;
    });
  }

  counts(): Promise<{ waiting: number; active: number; delayed: number; failed: number }> {
    return this.#bounded("counts", async () => {
      const counts = await this.#queue.getJobCounts("waiting", "active", "delayed", "failed");
      return {
        waiting: counts.waiting ?? 0,
        active: counts.active ?? 0,
        delayed: counts.delayed ?? 0,
        failed: counts.failed ?? 0,
      };
    });
  }

  ping(): Promise<void> {
    return this.#bounded("ping", async () => {
      await this.#client.ping();
    });
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#worker) {
      const worker = this.#worker;
      // BullMQ's close waits for running handlers; past the bound they are left to finish alone.
      if (!(await within(worker.close(), this.#options.closeTimeoutMs))) {
        this.#logger?.warn(
          { queue: this.#options.name },
          "job queue worker did not close in time (handlers still running or Redis unreachable); disconnected it",
        );
        await within(worker.disconnect(), this.#timeoutMs);
      }
      this.#workerClient?.disconnect();
    }
    await within(this.#queue.close(), this.#timeoutMs);
    this.#client.disconnect();
  }

  #checkOpen(): void {
    if (this.#closed) throw new Error(`job queue "${this.#options.name}" is closed`);
  }

  /** Runs a call to Redis that settles within the command timeout, as `JobQueueUnavailable` when Redis did not answer. */
  async #bounded<R>(what: string, call: () => Promise<R>): Promise<R> {
    this.#checkOpen();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new JobQueueUnavailable(`${what} on job queue "${this.#options.name}": Redis did not answer`),
          ),
        this.#timeoutMs,
      );
    });
    try {
      // The queue's connection is ready once connected and version-checked; until the first connect
      // ends, a call waits for it (within the bound) instead of failing on the offline queue.
      return await Promise.race([this.#queue.waitUntilReady().then(call), timeout]);
    } catch (error) {
      if (
        error instanceof JobQueueUnavailable ||
        error instanceof ReplyError ||
        !isConnectionError(error, this.#client)
      ) {
        throw error;
      }
      throw new JobQueueUnavailable(`${what} on job queue "${this.#options.name}": Redis is unreachable`, {
        cause: error,
      });
    } finally {
      clearTimeout(timer);
    }
  }
}

/** ioredis's own errors for a command it could not send or get answered, as against one Redis refused. */
const connectionErrors =
  /Stream isn't writeable|Connection is closed|Command timed out|ECONNREFUSED|ECONNRESET|ETIMEDOUT/;

/** True when `error` says Redis was not reached, or came while the connection was not ready. */
function isConnectionError(error: unknown, client: Redis): boolean {
  return client.status !== "ready" || (error instanceof Error && connectionErrors.test(error.message));
}

/** True when `promise` settles within `ms`; a rejection counts as settled. */
async function within(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([
      promise.then(
        () => true,
        () => true,
      ),
      timedOut,
    ]);
  } finally {
    clearTimeout(timer);
  }
}
