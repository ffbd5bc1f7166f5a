import autocannon, { type Result } from "autocannon";
import { percentile } from "./stats.js";

/** One HTTP request the load generator repeats. */
export interface LoadRequest {
  url: string;
  method: "GET" | "POST";
  headers?: Record<string, string>;
  body?: string;
  /** The exact body every response must have; others count as mismatches. */
  expectBody: string;
  /**
   * The body of each request in turn, when they differ (e.g. rotating over every product); each
   * response then counts as a mismatch when `verifyBody` says so, instead of by `expectBody`.
   */
  nextBody?: () => string;
  verifyBody?: (body: string) => boolean;
}

/** What one measured run gave. */
export interface LoadFigures {
  /** Responses with a 2xx status per second of the run. */
  reqPerSec: number;
  /** Latency of 2xx responses, in ms, from each response's own timer (autocannon's histogram rounds to whole ms). */
  p50Ms: number;
  p99Ms: number;
  /** Responses counted. */
  responses: number;
  /** Seconds the run lasted. */
  durationS: number;
  non2xx: number;
  /** Connection errors, timeouts and bodies that differed from `expectBody`. */
  errors: number;
  timeouts: number;
  mismatches: number;
}

/**
 * Loads `request` over `connections` keep-alive connections for `durationS` seconds, each
 * connection sending its next request as soon as the previous one is answered (a closed loop).
 */
export async function load(
  request: LoadRequest,
  connections: number,
  durationS: number,
): Promise<LoadFigures> {
  let latencies = new Float64Array(1 << 16);
  let count = 0;
  const result = await new Promise<Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: request.url,
        method: request.method,
        connections,
        duration: durationS,
        timeout: 10,
        ...(request.headers ? { headers: request.headers } : {}),
        ...(request.body !== undefined ? { body: request.body } : {}),
        ...(request.nextBody
          ? {
              requests: [{ setupRequest: (sent) => ({ ...sent, body: request.nextBody?.() ?? "" }) }],
              verifyBody: request.verifyBody ?? (() => true),
            }
          : { expectBody: request.expectBody }),
      },
      (error, res) => (error ? reject(error) : resolve(res)),
    );
    instance.on(
      "response",
      (_client: unknown, statusCode: number, _bytes: number, responseTimeMs: number) => {
        if (statusCode < 200 || statusCode >= 300) return;
        if (count === latencies.length) {
          const grown = new Float64Array(latencies.length * 2);
          grown.set(latencies);
          latencies = grown;
        }
        latencies[count++] = responseTimeMs;
      },
    );
  });
  const sorted = latencies.subarray(0, count).sort();
  return {
    reqPerSec: result["2xx"] / result.duration,
    p50Ms: percentile(sorted, 50),
    p99Ms: percentile(sorted, 99),
    responses: result["2xx"] + result.non2xx,
    durationS: result.duration,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts + result.mismatches,
    timeouts: result.timeouts,
    mismatches: result.mismatches,
  };
}

/** The middle value (mean of the two middle ones for an even count). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  if (sorted.length === 0) return Number.NaN;
  return sorted.length % 2 === 1
    ? (sorted[mid] ?? Number.NaN)
    : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}
