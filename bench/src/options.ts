import { parseArgs } from "node:util";

/**
 * Which scenario to run alone: the gateway read, the embedded host's start, or the comparison of
 * RPC transports, the catalog search, checkouts or notification fan-out on real infrastructure,
 * or image processing (those five only on request); `undefined` runs read and start.
 */
export type Only =
  | "read"
  | "start"
  | "rpc"
  | "search"
  | "catalog"
  | "checkout"
  | "notifications"
  | "media"
  | "memory";

/**
 * Where the read target runs the service and the gateway: `shared`, one process and event loop as
 * in the embedded host; `split`, one process each, as in distributed mode.
 */
export type Topology = "shared" | "split";

/** Options of a benchmark run, from argv first, then BENCH_* environment variables, then defaults. */
export interface BenchOptions {
  /** Seconds measured per load scenario; default 10 (`--duration`, BENCH_DURATION). */
  durationS: number;
  /** Seconds of discarded load before each measurement; default 3 (`--warmup`, BENCH_WARMUP). */
  warmupS: number;
  /**
   * Concurrent HTTP/1.1 connections of the load generator, one read pass per count; default `[10]`
   * (`--connections 10,1`, BENCH_CONNECTIONS). The bars apply to the pass with 10.
   */
  connections: number[];
  /** Times each scenario is repeated, figures being medians; default 1 (`--rounds`, BENCH_ROUNDS). */
  rounds: number;
  only: Only | undefined;
  /** Default `shared` (`--topology`, BENCH_TOPOLOGY). */
  topology: Topology;
  /** Products in the search scenario's catalog; default 100 000, 1 000 for `catalog` (`--products`, BENCH_PRODUCTS). */
  products: number;
  /** Order events (one e-mail each) of the notifications scenario; default 10 000 (`--events`, BENCH_EVENTS). */
  events: number;
  /** Directory for a V8 CPU profile of the read target (`--cpu-prof` on its node); none by default. */
  profileDir: string | undefined;
}

const usage = `npm run bench -- [--only read|start|rpc|search|catalog|checkout|notifications|media|memory] [--products n] [--events n] [--duration s] [--warmup s] [--connections n[,n...]] [--rounds n] [--topology shared|split] [--profile dir]`;

function positive(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0)
    throw new Error(`${name} must be a positive number, got '${raw}'`);
  return value;
}

/** Parses argv (without node and script) and the environment; throws with the usage line on a bad value. */
export function parseOptions(argv: string[], env: Record<string, string | undefined>): BenchOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      only: { type: "string" },
      duration: { type: "string" },
      warmup: { type: "string" },
      connections: { type: "string" },
      rounds: { type: "string" },
      profile: { type: "string" },
      topology: { type: "string" },
      products: { type: "string" },
      events: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
    strict: true,
  });
  if (values.help) throw new Error(`usage: ${usage}`);
  const only = values.only ?? env.BENCH_ONLY;
  const known = [
    "read",
    "start",
    "rpc",
    "search",
    "catalog",
    "checkout",
    "notifications",
    "media",
    "memory",
  ] as const;
  const chosen = known.find((name) => name === only);
  if (only !== undefined && only !== "" && chosen === undefined)
    throw new Error(
      `--only must be read, start, rpc, search, catalog, checkout, notifications, media or memory, got '${only}'\nusage: ${usage}`,
    );
  const topology = values.topology ?? env.BENCH_TOPOLOGY ?? "shared";
  if (topology !== "shared" && topology !== "split")
    throw new Error(`--topology must be shared or split, got '${topology}'\nusage: ${usage}`);
  // The search bar applies at 20 connections, and checkout is measured at 20; the catalog reads at
  // 50 (issue 22); the others at 10.
  const connections = (
    values.connections ??
    env.BENCH_CONNECTIONS ??
    (chosen === "catalog" ? "50" : chosen === "search" || chosen === "checkout" ? "20" : "10")
  )
    .split(",")
    .map((count) => Math.round(positive("--connections", count.trim(), 10)));
  return {
    durationS: positive("--duration", values.duration ?? env.BENCH_DURATION, 10),
    warmupS: positive("--warmup", values.warmup ?? env.BENCH_WARMUP, 3),
    connections,
    rounds: Math.round(positive("--rounds", values.rounds ?? env.BENCH_ROUNDS, 1)),
    only: chosen,
    products: Math.round(
      positive("--products", values.products ?? env.BENCH_PRODUCTS, chosen === "catalog" ? 1_000 : 100_000),
    ),
    events: Math.round(positive("--events", values.events ?? env.BENCH_EVENTS, 10_000)),
    profileDir: values.profile ?? env.BENCH_PROFILE,
    topology,
  };
}
