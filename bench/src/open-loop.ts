// Open-loop load: requests leave at a constant arrival rate whatever the answers do, and each
// latency is counted from the request's scheduled send time, so a stall of the target (or of this
// generator) shows in full instead of slowing the senders down (a closed loop, and autocannon's
// `overallRate`, which releases requests in bursts, both hide or distort it). The generator runs
// in a worker thread of its own: the bench process's heap (a 100k-product seed, earlier runs'
// figures) collects in its own time, and such a pause would otherwise count as the target's.
import { Agent, request } from "node:http";
import { isMainThread, parentPort, Worker, workerData } from "node:worker_threads";
import { percentile } from "./stats.js";

/** One kind of GraphQL request the generator sends over and over; an answer is right when 200 without errors. */
export interface OpenLoopTarget {
  url: string;
  method: "GET" | "POST";
  headers?: Record<string, string>;
  /** The JSON body of every request. */
  body: string;
  /** Sets `variables.nonce` of the body to a number no request sent before (an answer no cache holds). */
  fresh?: boolean;
}

interface OpenLoopJob {
  target: OpenLoopTarget;
  rate: number;
  durationS: number;
  warmupS: number;
}

/** What one open-loop run gave, over the requests scheduled after the warm-up. */
export interface OpenLoopFigures {
  /** Requests per second asked for. */
  rate: number;
  scheduled: number;
  /** Right answers. */
  ok: number;
  /** Wrong answers, errors and answers still missing 10 s after the run. */
  failed: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Answers that took longer than 100 ms from their scheduled time. */
  over100Ms: number;
  /** Scheduled time (s from the measured start) of the 5 slowest answers: when the stalls came. */
  slowestAtS: number[];
  /** Longest this generator sent a measured request after its scheduled time (its own stall), in ms. */
  lateMaxMs: number;
}

/**
 * Sends `target` at `rate` per second for `warmupS` + `durationS` seconds, measuring after the
 * warm-up, from a worker thread.
 */
export async function openLoop(
  target: OpenLoopTarget,
  rate: number,
  durationS: number,
  warmupS: number,
): Promise<OpenLoopFigures> {
  const job: OpenLoopJob = { target, rate, durationS, warmupS };
  const worker = new Worker(new URL(import.meta.url), { workerData: { openLoop: job } });
  try {
    return await new Promise<OpenLoopFigures>((resolve, reject) => {
      worker.once("message", resolve);
      worker.once("error", reject);
      worker.once("exit", (code) => reject(new Error(`the open-loop worker exited with ${code}`)));
    });
  } finally {
    await worker.terminate();
  }
}

if (!isMainThread && (workerData as { openLoop?: OpenLoopJob } | undefined)?.openLoop) {
  const job = (workerData as { openLoop: OpenLoopJob }).openLoop;
  void generate(job.target, job.rate, job.durationS, job.warmupS).then((figures) =>
    parentPort?.postMessage(figures),
  );
}

async function generate(
  target: OpenLoopTarget,
  rate: number,
  durationS: number,
  warmupS: number,
): Promise<OpenLoopFigures> {
  const parsed = target.fresh
    ? (JSON.parse(target.body) as { variables?: Record<string, unknown> })
    : undefined;
  let nonce = 0;
  const bodyOf = () =>
    parsed ? JSON.stringify({ ...parsed, variables: { ...parsed.variables, nonce: nonce++ } }) : target.body;
  const verify = (status: number, body: string) => status === 200 && !body.includes('"errors"');
  const agent = new Agent({ keepAlive: true, maxSockets: Number.POSITIVE_INFINITY });
  const latencies: { at: number; ms: number }[] = [];
  let failed = 0;
  let scheduled = 0;
  let outstanding = 0;
  const start = performance.now() + 50;
  const measuredFrom = start + warmupS * 1000;
  const end = measuredFrom + durationS * 1000;
  const total = Math.floor(((end - start) / 1000) * rate);
  let next = 0;
  let drained: () => void = () => {};
  const allAnswered = new Promise<void>((resolve) => {
    drained = resolve;
  });
  const settle = () => {
    outstanding--;
    if (next >= total && outstanding === 0) drained();
  };
  let lateMaxMs = 0;
  const send = (due: number) => {
    const measured = due >= measuredFrom;
    if (measured) {
      scheduled++;
      lateMaxMs = Math.max(lateMaxMs, performance.now() - due);
    }
    outstanding++;
    const body = bodyOf();
    const sent = request(
      target.url,
      { method: target.method, agent, headers: target.headers ?? {}, timeout: 10_000 },
      (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("end", () => {
          const ms = performance.now() - due;
          const right = verify(response.statusCode ?? 0, Buffer.concat(chunks).toString("utf8"));
          if (measured) {
            if (right) latencies.push({ at: (due - measuredFrom) / 1000, ms });
            else failed++;
          }
          settle();
        });
      },
    );
    sent.on("timeout", () => sent.destroy(new Error("timed out")));
    sent.on("error", () => {
      if (measured) failed++;
      settle();
    });
    sent.end(body);
  };
  await new Promise<void>((resolve) => {
    const tick = () => {
      const now = performance.now();
      while (next < total) {
        const due = start + (next * 1000) / rate;
        if (due > now) break;
        send(due);
        next++;
      }
      if (next >= total) resolve();
      else setTimeout(tick, Math.max(0, Math.min(1, start + (next * 1000) / rate - now)));
    };
    setTimeout(tick, Math.max(0, start - performance.now()));
  });
  if (outstanding > 0)
    await Promise.race([allAnswered, new Promise((resolve) => setTimeout(resolve, 10_000))]);
  failed += scheduled - failed - latencies.length;
  agent.destroy();
  const sorted = Float64Array.from(latencies.map((l) => l.ms)).sort();
  const slowest = [...latencies].sort((a, b) => b.ms - a.ms).slice(0, 5);
  return {
    rate,
    scheduled,
    ok: latencies.length,
    failed,
    p50Ms: percentile(sorted, 50),
    p99Ms: percentile(sorted, 99),
    maxMs: sorted.length > 0 ? (sorted[sorted.length - 1] ?? Number.NaN) : Number.NaN,
    over100Ms: latencies.filter((l) => l.ms > 100).length,
    slowestAtS: slowest.map((l) => Math.round(l.at * 10) / 10),
    lateMaxMs,
  };
}
