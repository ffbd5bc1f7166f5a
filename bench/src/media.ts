import { spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
// The media tests' photo-like JPEG (smooth colour fields, EXIF orientation 6 and GPS, as a phone writes).
import { exifJpeg } from "../../services/media/test/fixtures.js";
import type { MediaWorkerResult } from "./media-worker.js";
import type { BenchOptions } from "./options.js";
import { stopProcess, waitForLine } from "./processes.js";
import { formatTable, mb } from "./report.js";

/** The worker's environments compared side by side: glibc's default malloc arenas, and two. */
const arenas = [
  { label: "default arenas", env: {} },
  { label: "MALLOC_ARENA_MAX=2", env: { MALLOC_ARENA_MAX: "2" } },
] as const;

const median = (values: readonly number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] ?? Number.NaN)
    : ((sorted[middle - 1] ?? Number.NaN) + (sorted[middle] ?? Number.NaN)) / 2;
};

const percentile = (values: readonly number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
};

async function runWorker(
  options: BenchOptions,
  inputs: readonly string[],
  jobs: number,
  env: Record<string, string>,
): Promise<MediaWorkerResult> {
  const { MALLOC_ARENA_MAX: _inherited, ...parent } = process.env;
  const child = spawn(
    process.execPath,
    ["--import", "tsx", resolve(import.meta.dirname, "media-worker.ts")],
    {
      stdio: ["ignore", "pipe", "inherit"],
      env: {
        ...parent,
        ...env,
        BENCH_JOBS: String(jobs),
        BENCH_WARMUP_S: String(options.warmupS),
        BENCH_DURATION_S: String(options.durationS),
        BENCH_MEDIA_INPUTS: inputs.join(","),
      },
    },
  );
  try {
    const line = await waitForLine(
      child,
      (l) => l.startsWith("{"),
      (options.warmupS + options.durationS) * 1000 + 180_000,
    );
    return JSON.parse(line) as MediaWorkerResult;
  } finally {
    await stopProcess(child);
  }
}

/**
 * Image processing as the media service's `media-process` jobs do it: a worker process alone takes
 * photo-like JPEGs in turn (a 4000×3000 camera photo, a 1200×1200 product shot), makes the twelve
 * renditions of each (processImage: six sizes × AVIF and WebP from one decode) and writes them to a
 * local object store (publishImage), with 1 and 2 jobs at once (MEDIA_WORKERS), each with glibc's
 * default malloc arenas and with MALLOC_ARENA_MAX=2 one after the other, so both see the same
 * machine. Reports images per second, ms per image and the worker's peak resident memory (VmHWM),
 * with the most RSS seen in the measured window and where it ended. No bar.
 */
export async function runMedia(options: BenchOptions): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), "mercato-bench-media-inputs-"));
  try {
    const shots = [
      { name: "camera-4000x3000.jpg", bytes: await exifJpeg(4000, 3000) },
      { name: "product-1200x1200.jpg", bytes: await exifJpeg(1200, 1200) },
    ];
    const inputs = shots.map((shot) => join(dir, shot.name));
    await Promise.all(shots.map((shot, i) => writeFile(inputs[i] as string, shot.bytes)));
    process.stdout.write(
      `\nMedia — one worker process, processImage + publishImage (12 outputs each) to a local store; inputs in turn: ${shots.map((shot) => `${shot.name} ${(shot.bytes.length / 1e6).toFixed(1)} MB`).join(", ")}; ${options.warmupS} s warm-up + ${options.durationS} s per run, ${options.rounds} round(s), arena settings alternating\n`,
    );
    const results = new Map<string, MediaWorkerResult[]>();
    for (let round = 0; round < options.rounds; round++)
      for (const jobs of [1, 2]) {
        // The order alternates per round, so neither setting always runs on a warmer machine.
        const order = round % 2 === 0 ? arenas : [...arenas].reverse();
        for (const { label, env } of order) {
          const result = await runWorker(options, inputs, jobs, env);
          const key = `${jobs} job${jobs > 1 ? "s" : ""}, ${label}`;
          results.set(key, [...(results.get(key) ?? []), result]);
          process.stdout.write(
            `  round ${round + 1}, ${key}: ${result.done} images (${result.outputs} outputs each), ${(result.done / result.seconds).toFixed(2)}/s, ${result.coresBusy.toFixed(2)} cores, p50 ${result.times.map((t) => percentile(t, 50).toFixed(0)).join(" / ")} ms, peak RSS ${mb(result.peakRssBytes)}, end ${mb(result.endRssBytes)}\n`,
          );
        }
      }
    const rows: string[][] = [];
    for (const jobs of [1, 2])
      for (const { label } of arenas) {
        const key = `${jobs} job${jobs > 1 ? "s" : ""}, ${label}`;
        const runs = results.get(key) ?? [];
        const times = (input: number) => runs.flatMap((run) => run.times[input] ?? []);
        rows.push([
          key,
          median(runs.map((run) => run.done / run.seconds)).toFixed(2),
          ...shots.flatMap((_, input) => [
            percentile(times(input), 50).toFixed(0),
            percentile(times(input), 95).toFixed(0),
          ]),
          median(runs.map((run) => run.coresBusy)).toFixed(2),
          mb(median(runs.map((run) => run.peakRssBytes))),
          mb(median(runs.map((run) => run.windowPeakRssBytes))),
          mb(median(runs.map((run) => run.endRssBytes))),
        ]);
      }
    process.stdout.write(
      `\n${formatTable(["worker", "images/s", "4000×3000 p50 ms", "p95", "1200×1200 p50 ms", "p95", "cores busy", "peak RSS (VmHWM)", "most RSS in window", "RSS at end"], rows)}\n` +
        `images/s and memory: medians of ${options.rounds} round(s); ms per image: p50/p95 of each input's images of all rounds. No bar.\n`,
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
