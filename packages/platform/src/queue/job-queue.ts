/** What a queue does with its jobs: who handles them, how often and how fast it tries. */
export interface JobQueueOptions<T> {
  /** Queue name, `[a-z0-9-]+`; with BullMQ it is part of every Redis key. */
  name: string;
  /** Runs one attempt of a job; a rejection is retried, a `PermanentJobError` is not. */
  handler: (job: { id: string; data: T; attempt: number }) => Promise<void>;
  /** Most handlers running at once in this process; default 4. */
  concurrency?: number;
  /** Total tries of a job before it becomes a dead letter; default 5. */
  attempts?: number;
  /** Delay before the first retry in ms, doubled before each further one (exponential); default 1000. */
  backoffMs?: number;
  /** At most `max` jobs started per `durationMs` window (a provider's rate limit); with BullMQ it holds across processes. */
  limiter?: { max: number; durationMs: number };
  /** How long `close` waits for running handlers in ms before it gives up on them; default 10000. */
  closeTimeoutMs?: number;
}

/** A job that failed every attempt (or failed permanently), kept until it is requeued. */
export interface DeadLetter<T> {
  /** The id it was added under. */
  id: string;
  /** Its data, as added. */
  data: T;
  /** Attempts made before it was given up. */
  attempts: number;
  /** Message of the last attempt's error. */
  error: string;
  /** When the last attempt failed. */
  failedAt: Date;
}

/** A durable-enough work queue: jobs are added under an id, handled at least once, retried with backoff, and dead-lettered. */
export interface JobQueue<T> {
  /** Adds a job under `id` (`[A-Za-z0-9_.-]+`, not all digits); an id that is waiting, running, delayed, completed within the last 24 h or dead-lettered does nothing and returns false. */
  add(id: string, data: T): Promise<boolean>;
  /** Starts processing (handlers run only after start). */
  start(): Promise<void>;
  /** Jobs that failed every attempt, newest first, at most `limit`. */
  deadLetters(limit: number): Promise<DeadLetter<T>[]>;
  /** Moves a dead letter back to waiting with fresh attempts; false when there is no such dead letter. */
  requeue(id: string): Promise<boolean>;
  /** Counts by state, for metrics and tests. */
  counts(): Promise<{ waiting: number; active: number; delayed: number; failed: number }>;
  /** Throws when the queue's store cannot be reached (for /ready). */
  ping(): Promise<void>;
  /** Stops taking jobs, waits for running handlers (up to `closeTimeoutMs`), releases connections; later calls reject. */
  close(): Promise<void>;
}

/** Thrown by a handler when trying again cannot help (bad address, unknown template): the job is dead-lettered at once. */
export class PermanentJobError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "PermanentJobError";
  }
}

/** The queue's store did not answer in time (down, unreachable, hung): the call may or may not have taken effect. */
export class JobQueueUnavailable extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "JobQueueUnavailable";
  }
}

/** `JobQueueOptions` with every default filled in. */
export interface ResolvedJobQueueOptions<T> extends Required<Omit<JobQueueOptions<T>, "limiter">> {
  /** As in `JobQueueOptions`; undefined when jobs start as fast as slots free up. */
  limiter: { max: number; durationMs: number } | undefined;
}

/** The options with their defaults filled in, after checking them; both adapters use it so they agree. */
export function resolveJobQueueOptions<T>(options: JobQueueOptions<T>): ResolvedJobQueueOptions<T> {
  if (!/^[a-z0-9-]+$/.test(options.name))
    throw new Error(`queue name "${options.name}" must match [a-z0-9-]+`);
  const resolved = {
    name: options.name,
    handler: options.handler,
    concurrency: options.concurrency ?? 4,
    attempts: options.attempts ?? 5,
    backoffMs: options.backoffMs ?? 1000,
    closeTimeoutMs: options.closeTimeoutMs ?? 10_000,
    limiter: options.limiter,
  };
  for (const key of ["concurrency", "attempts"] as const) {
    if (!Number.isSafeInteger(resolved[key]) || resolved[key] < 1)
      throw new Error(`${key} must be a positive integer`);
  }
  if (!Number.isSafeInteger(resolved.backoffMs) || resolved.backoffMs < 0)
    throw new Error("backoffMs must be >= 0");
  const limiter = resolved.limiter;
  if (limiter && !(Number.isSafeInteger(limiter.max) && limiter.max >= 1 && limiter.durationMs > 0)) {
    throw new Error("limiter needs max >= 1 and durationMs > 0");
  }
  return resolved;
}

/** Rejects an id BullMQ cannot store as a job id (an integer or one with ":"), so both adapters accept the same ids. */
export function checkJobId(id: string): void {
  if (!/^[A-Za-z0-9_.-]+$/.test(id) || /^-?\d+$/.test(id)) {
    throw new Error(`job id "${id}" must match [A-Za-z0-9_.-]+ and not be all digits`);
  }
}

/** Delay before the retry that follows failed attempt `attemptsMade` (1-based): backoffMs, 2×, 4×, … */
export function retryDelayMs(backoffMs: number, attemptsMade: number): number {
  return backoffMs * 2 ** (attemptsMade - 1);
}
