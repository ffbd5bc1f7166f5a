import { currentContext, runWithContext } from "../context/als.js";
import { backgroundContext, parseTraceparent } from "../context/context.js";
import type { JobQueue, JobQueueOptions } from "../queue/job-queue.js";
import { inSpan, isTracing, outgoingTraceparent, SpanKind } from "./tracing.js";

/** Where a job's data carries the trace of the request or event that added it. */
const traceKey = "__traceparent";

type Carried<T> = T & { [traceKey]?: string };

function strip<T>(data: Carried<T>): { data: T; traceparent: string | undefined } {
  if (typeof data !== "object" || data === null || !(traceKey in data))
    return { data, traceparent: undefined };
  const { [traceKey]: traceparent, ...rest } = data as Record<string, unknown>;
  return { data: rest as T, traceparent: traceparent as string | undefined };
}

/**
 * A job queue whose jobs join the trace that added them (ADR 0048): while spans are recorded,
 * `add` stores the running span's `traceparent` beside an object's fields, and each run is a
 * consumer span `job <queue>` under it, the handler seeing its data without the extra field.
 */
export function tracedJobQueue<T>(
  service: string,
  make: (options: JobQueueOptions<T>) => JobQueue<T>,
  options: JobQueueOptions<T>,
): JobQueue<T> {
  const queue = make({
    ...options,
    handler: (job) => {
      const { data, traceparent } = strip(job.data as Carried<T>);
      const run = () =>
        inSpan(
          service,
          `job ${options.name}`,
          SpanKind.CONSUMER,
          { "mercato.job.id": job.id, "mercato.job.attempt": job.attempt },
          () => options.handler({ ...job, data }),
        );
      const trace = parseTraceparent(traceparent);
      return trace ? runWithContext(backgroundContext({ trace }), run) : run();
    },
  });
  return {
    ...queue,
    add: (id, data) => {
      const ctx = currentContext();
      const carried =
        isTracing() && ctx && typeof data === "object" && data !== null && !Array.isArray(data)
          ? ({ ...data, [traceKey]: outgoingTraceparent(ctx.trace) } as T)
          : data;
      return queue.add(id, carried);
    },
    deadLetters: async (limit) =>
      (await queue.deadLetters(limit)).map((letter) => ({
        ...letter,
        data: strip(letter.data as Carried<T>).data,
      })),
    start: () => queue.start(),
    requeue: (id) => queue.requeue(id),
    counts: () => queue.counts(),
    ping: () => queue.ping(),
    close: () => queue.close(),
  };
}
