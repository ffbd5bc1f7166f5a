import type { Logger } from "pino";
import { BullMqJobQueue } from "./bullmq-queue.js";
import type { JobQueue, JobQueueOptions } from "./job-queue.js";
import { MemoryJobQueue } from "./memory-queue.js";

/** Options of `createJobQueue`: the queue's own, plus Redis when the deployment has one. */
export interface CreateJobQueueOptions<T> extends JobQueueOptions<T> {
  /** Redis URL; BullMQ on that Redis when set, this process's memory otherwise. */
  redisUrl?: string | undefined;
  /** Hears about the BullMQ adapter's connection errors. */
  logger?: Logger;
}

/** The job queue for this deployment: `BullMqJobQueue` when `redisUrl` is set, `MemoryJobQueue` otherwise. */
export function createJobQueue<T>(options: CreateJobQueueOptions<T>): JobQueue<T> {
  const { redisUrl, ...queueOptions } = options;
  if (redisUrl) return new BullMqJobQueue<T>({ ...queueOptions, redisUrl });
  const { logger: _logger, ...memoryOptions } = queueOptions;
  return new MemoryJobQueue<T>(memoryOptions);
}
