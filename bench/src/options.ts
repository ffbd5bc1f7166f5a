import { parseArgs } from "node:util";

/** Which scenarios to run: the gateway read, the embedded host's start, or both (`undefined`). */
export type Only = "read" | "start";

/** Options of a benchmark run, from argv first, then BENCH_* environment variables, then defaults. */
export interface BenchOptions {
  /** Seconds measured per load scenario; default 10 (`--duration`, BENCH_DURATION). */
  durationS: number;
  /** Seconds of discarded load before each measurement; default 3 (`--warmup`, BENCH_WARMUP). */
  warmupS: number;
  /** Concurrent HTTP/1.1 connections of the load generator; default 10 (`--connections`, BENCH_CONNECTIONS). */
  connections: number;
  /** Times each scenario is repeated, figures being medians; default 1 (`--rounds`, BENCH_ROUNDS). */
  rounds: number;
  only: Only | undefined;
  /** Directory for a V8 CPU profile of the read target (`--cpu-prof` on its node); none by default. */
  profileDir: string | undefined;
}

const usage = `npm run bench -- [--only read|start] [--duration s] [--warmup s] [--connections n] [--rounds n] [--profile dir]`;

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
      help: { type: "boolean", short: "h" },
    },
    strict: true,
  });
  if (values.help) throw new Error(`usage: ${usage}`);
  const only = values.only ?? env.BENCH_ONLY;
  if (only !== undefined && only !== "" && only !== "read" && only !== "start")
    throw new Error(`--only must be read or start, got '${only}'\nusage: ${usage}`);
  return {
    durationS: positive("--duration", values.duration ?? env.BENCH_DURATION, 10),
    warmupS: positive("--warmup", values.warmup ?? env.BENCH_WARMUP, 3),
    connections: Math.round(positive("--connections", values.connections ?? env.BENCH_CONNECTIONS, 10)),
    rounds: Math.round(positive("--rounds", values.rounds ?? env.BENCH_ROUNDS, 1)),
    only: only === "read" || only === "start" ? only : undefined,
    profileDir: values.profile ?? env.BENCH_PROFILE,
  };
}
