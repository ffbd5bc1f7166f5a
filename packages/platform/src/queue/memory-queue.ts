import {
  checkJobId,
  type DeadLetter,
  type JobQueue,
  type JobQueueOptions,
  PermanentJobError,
  type ResolvedJobQueueOptions,
  resolveJobQueueOptions,
  retryDelayMs,
} from "./job-queue.js";

/** How long a completed job's id keeps deduplicating adds, in ms (as BullMQ's removeOnComplete age). */
const completedKeptMs = 24 * 60 * 60 * 1000;
/** Most completed ids kept for deduplication, so memory stays bounded. */
const completedKeptCount = 10_000;

type State = "waiting" | "active" | "delayed" | "failed";

interface Entry<T> {
  id: string;
  data: T;
  state: State;
  attemptsMade: number;
  timer?: NodeJS.Timeout;
  error?: string;
  failedAt?: Date;
}

/**
 * `JobQueue` in this process's memory, for the embedded deployment and tests: the same semantics as
 * `BullMqJobQueue` (dedupe by id, exponential retries on timers, concurrency, a fixed-window limiter,
 * dead letters), but jobs not yet done are lost when the process ends.
 */
export class MemoryJobQueue<T> implements JobQueue<T> {
  readonly #options: ResolvedJobQueueOptions<T>;
  readonly #entries = new Map<string, Entry<T>>();
  /** Completed ids with their completion time (ms), oldest first. */
  readonly #completed = new Map<string, number>();
  readonly #waiting: Entry<T>[] = [];
  readonly #running = new Set<Promise<void>>();
  #started = false;
  #closed = false;
  #windowStart = Number.NEGATIVE_INFINITY;
  #startedInWindow = 0;
  #limiterTimer: NodeJS.Timeout | undefined;
  #failedSequence = 0;
  readonly #failedOrder = new Map<string, number>();

  constructor(options: JobQueueOptions<T>) {
    this.#options = resolveJobQueueOptions(options);
  }

  async add(id: string, data: T): Promise<boolean> {
    this.#checkOpen();
    checkJobId(id);
    this.#forgetOldCompleted();
    if (this.#entries.has(id) || this.#completed.has(id)) return false;
    const entry: Entry<T> = { id, data, state: "waiting", attemptsMade: 0 };
    this.#entries.set(id, entry);
    this.#waiting.push(entry);
    this.#pump();
    return true;
  }

  async start(): Promise<void> {
    this.#checkOpen();
    this.#started = true;
    this.#pump();
  }

  async deadLetters(limit: number): Promise<DeadLetter<T>[]> {
    this.#checkOpen();
    return [...this.#entries.values()]
      .filter((entry) => entry.state === "failed")
      .sort((a, b) => (this.#failedOrder.get(b.id) ?? 0) - (this.#failedOrder.get(a.id) ?? 0))
      .slice(0, Math.max(0, limit))
      .map((entry) => ({
        id: entry.id,
        data: entry.data,
        attempts: entry.attemptsMade,
        error: entry.error ?? "",
        failedAt: entry.failedAt ?? new Date(0),
      }));
  }

  async requeue(id: string): Promise<boolean> {
    this.#checkOpen();
    const entry = this.#entries.get(id);
    if (entry?.state !== "failed") return false;
    entry.state = "waiting";
    entry.attemptsMade = 0;
    delete entry.error;
    delete entry.failedAt;
    this.#failedOrder.delete(id);
    this.#waiting.push(entry);
    this.#pump();
    return true;
  }

  async counts(): Promise<{ waiting: number; active: number; delayed: number; failed: number }> {
    this.#checkOpen();
    const counts = { waiting: 0, active: 0, delayed: 0, failed: 0 };
    for (const entry of this.#entries.values()) counts[entry.state] += 1;
    return counts;
  }

  async ping(): Promise<void> {
    this.#checkOpen();
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#limiterTimer);
    for (const entry of this.#entries.values()) clearTimeout(entry.timer);
    let timer: NodeJS.Timeout | undefined;
    const bound = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, this.#options.closeTimeoutMs);
    });
    await Promise.race([Promise.allSettled(this.#running), bound]);
    clearTimeout(timer);
  }

  #checkOpen(): void {
    if (this.#closed) throw new Error(`job queue "${this.#options.name}" is closed`);
  }

  /** Starts waiting jobs while a slot and the limiter allow. */
  #pump(): void {
    while (this.#started && !this.#closed && this.#running.size < this.#options.concurrency) {
      if (this.#waiting.length === 0 || !this.#takeLimiterSlot()) return;
      const entry = this.#waiting.shift();
      if (entry) this.#run(entry);
    }
  }

  /** A fixed window that opens with the first start after the previous one ended, as BullMQ's limiter. */
  #takeLimiterSlot(): boolean {
    const limiter = this.#options.limiter;
    if (!limiter) return true;
    const now = performance.now();
    if (now - this.#windowStart >= limiter.durationMs) {
      this.#windowStart = now;
      this.#startedInWindow = 0;
    }
    if (this.#startedInWindow < limiter.max) {
      this.#startedInWindow += 1;
      return true;
    }
    if (this.#limiterTimer === undefined) {
      this.#limiterTimer = setTimeout(
        () => {
          this.#limiterTimer = undefined;
          this.#pump();
        },
        this.#windowStart + limiter.durationMs - now,
      );
    }
    return false;
  }

  #run(entry: Entry<T>): void {
    entry.state = "active";
    const attempt = entry.attemptsMade + 1;
    const running = Promise.resolve()
      .then(() => this.#options.handler({ id: entry.id, data: entry.data, attempt }))
      .then(
        () => this.#complete(entry),
        (error: unknown) => this.#fail(entry, error),
      )
      .finally(() => {
        this.#running.delete(running);
        this.#pump();
      });
    this.#running.add(running);
  }

  #complete(entry: Entry<T>): void {
    this.#entries.delete(entry.id);
    this.#completed.set(entry.id, Date.now());
    this.#forgetOldCompleted();
  }

  #fail(entry: Entry<T>, error: unknown): void {
    entry.attemptsMade += 1;
    if (error instanceof PermanentJobError || entry.attemptsMade >= this.#options.attempts) {
      entry.state = "failed";
      entry.error = error instanceof Error ? error.message : String(error);
      entry.failedAt = new Date();
      this.#failedSequence += 1;
      this.#failedOrder.set(entry.id, this.#failedSequence);
      return;
    }
    entry.state = "delayed";
    if (this.#closed) return;
    entry.timer = setTimeout(
      () => {
        delete entry.timer;
        entry.state = "waiting";
        this.#waiting.push(entry);
        this.#pump();
      },
      retryDelayMs(this.#options.backoffMs, entry.attemptsMade),
    );
  }

  #forgetOldCompleted(): void {
    const oldest = Date.now() - completedKeptMs;
    for (const [id, at] of this.#completed) {
      if (at > oldest && this.#completed.size <= completedKeptCount) break;
      this.#completed.delete(id);
    }
  }
}
