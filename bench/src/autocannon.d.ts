// The part of autocannon 9's programmatic API the benchmark uses (the package ships no types).
declare module "autocannon" {
  import type { EventEmitter } from "node:events";

  /** Options of one autocannon run. */
  export interface Options {
    url: string;
    connections?: number;
    /** Seconds. */
    duration?: number;
    method?: "GET" | "POST";
    headers?: Record<string, string>;
    body?: string;
    /** Every response body must equal this; others count as mismatches. */
    expectBody?: string;
    /** A response body for which this is false counts as a mismatch (takes precedence over expectBody). */
    verifyBody?: (body: string) => boolean;
    /** Requests sent in turn; `setupRequest` may change each before it goes (e.g. its body). */
    requests?: { setupRequest?: (request: { body?: string | Buffer }) => { body?: string | Buffer } }[];
    /** Seconds before a request counts as timed out. */
    timeout?: number;
    pipelining?: number;
  }

  /** Percentiles and moments of one histogram. */
  export interface Histogram {
    average: number;
    mean: number;
    stddev: number;
    min: number;
    max: number;
    total: number;
    p50: number;
    p99: number;
  }

  /** The aggregated result of a run. */
  export interface Result {
    /** Seconds. */
    duration: number;
    errors: number;
    timeouts: number;
    mismatches: number;
    non2xx: number;
    resets: number;
    "2xx": number;
    statusCodeStats: Record<string, { count: number }>;
    latency: Histogram;
    requests: Histogram & { sent: number };
    throughput: Histogram;
  }

  /** A running load; emits `response` (client, statusCode, bytes, responseTimeMs) per response. */
  export interface Instance extends EventEmitter {
    stop(): void;
  }

  function autocannon(options: Options, callback: (error: Error | null, result: Result) => void): Instance;
  export default autocannon;
}
