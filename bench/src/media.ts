import { spawn } from "node:child_process";
import { resolve } from "node:path";
import type { BenchOptions } from "./options.js";
import { stopProcess, waitForLine } from "./processes.js";
import { formatTable, mb } from "./report.js";

interface WorkerResult {
  done: number;
  seconds: number;
  times: number[];
  peakRss: number;
}

const percentile = (sorted: readonly number[], p: number) =>
  sorted.length === 0
    ? Number.NaN
    : (sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN);

async function runWorker(
  options: BenchOptions,
  jobs: number,
  env: Record<string, string>,
): Promise<WorkerResult> {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", resolve(import.meta.dirname, "media-worker.ts")],
    {
      stdio: ["ignore", "pipe", "inherit"],
      env: {
        ...process.env,
        ...env,
        BENCH_JOBS: String(jobs),
        BENCH_WARMUP_S: String(options.warmupS),
        BENCH_DURATION_S: String(options.durationS),
      },
    },
  );
  try {
    const line = await waitForLine(
      child,
      (l) => l.startsWith("{"),
      (options.warmupS + options.durationS) * 1000 + 120_000,
    );
    return JSON.parse(line) as WorkerResult;
  } finally {
    await stopProcess(child);
  }
}

/**
 * Image processing as the media service's job does it: a worker process alone decodes photo-like
 * JPEGs (4000×3000 camera photos and 1200×1200 product shots, alternately), makes the twelve
 * renditions (six sizes, AVIF and WebP) and writes them to a local store, one and two at a time,
 * with glibc's default malloc arenas and with MALLOC_ARENA_MAX=2, side by side. Reports images per
 * second, time per image and the worker's peak resident memory.
 */
export async function runMedia(options: BenchOptions): Promise<void> {
  process.stdout.write(
    `\nMedia — images through processImage + publishImage (12 outputs each), alternating 4000×3000 and 1200×1200 JPEGs, ${options.warmupS} s warm-up + ${options.durationS} s per run\n`,
  );
  const rows: string[][] = [];
  for (const jobs of [1, 2])
    for (const [label, env] of [
      ["default arenas", {}],
      ["MALLOC_ARENA_MAX=2", { MALLOC_ARENA_MAX: "2" }],
    ] as const) {
      const result = await runWorker(options, jobs, env);
      const sorted = [...result.times].sort((a, b) => a - b);
      rows.push([
        `${jobs} at a time, ${label}`,
        String(result.done),
        (result.done / result.seconds).toFixed(2),
        percentile(sorted, 50).toFixed(0),
        percentile(sorted, 95).toFixed(0),
        mb(result.peakRss),
      ]);
      process.stdout.write(`  ${rows.at(-1)?.join("  ")}\n`);
    }
  process.stdout.write(
    `\n${formatTable(["worker", "images", "images/s", "p50 ms", "p95 ms", "peak RSS"], rows)}\n`,
  );
}
