import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { processImage, publishImage } from "@mercato/media/pipeline";
import { createLocalObjectStore, MemoryJobQueue } from "@mercato/platform";

// The media bench's worker, alone in its process so that its memory is its own: it processes the
// JPEGs named in BENCH_MEDIA_INPUTS (files, taken in turn) as the media service does, as jobs of a
// `media-process` queue with BENCH_JOBS at once (MEDIA_WORKERS), each one decode, twelve
// renditions, written to a local object store in a temporary folder. After BENCH_WARMUP_S +
// BENCH_DURATION_S it prints one JSON line (MediaWorkerResult) and exits.

/** What the worker prints. */
export interface MediaWorkerResult {
  /** Images finished inside the measured window. */
  done: number;
  seconds: number;
  /** ms of each image started and finished inside the window, per input (in BENCH_MEDIA_INPUTS order). */
  times: number[][];
  /** Renditions written per image (12 expected). */
  outputs: number;
  /** VmHWM after the last job: the most resident memory the worker ever had, bytes. */
  peakRssBytes: number;
  /** VmRSS at the end of the window, bytes: where it settled. */
  endRssBytes: number;
  /** The worker's CPU time in the measured window over its length: cores kept busy (user + system, all threads). */
  coresBusy: number;
  /** Most RSS sampled during the measured window, bytes. */
  windowPeakRssBytes: number;
}

/** The service's default MEDIA_MAX_IMAGE_PIXELS (50 megapixels). */
const maxPixels = 50_000_000;
const jobs = Number(process.env.BENCH_JOBS ?? 1);
const warmupMs = Number(process.env.BENCH_WARMUP_S ?? 3) * 1000;
const durationMs = Number(process.env.BENCH_DURATION_S ?? 10) * 1000;
const inputs = await Promise.all(
  (process.env.BENCH_MEDIA_INPUTS ?? "").split(",").map((file) => readFile(file)),
);
if (inputs.length === 0 || inputs.some((input) => input.length === 0))
  throw new Error("BENCH_MEDIA_INPUTS names no images");

async function memory(): Promise<{ rss: number; hwm: number }> {
  const status = await readFile("/proc/self/status", "utf8");
  const kb = (field: string) =>
    Number(new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? 0) * 1024;
  return { rss: kb("VmRSS"), hwm: kb("VmHWM") };
}

const dir = await mkdtemp(join(tmpdir(), "mercato-bench-media-"));
const store = createLocalObjectStore({
  dir,
  secret: "b".repeat(32),
  baseUrl: () => "http://127.0.0.1/files",
});
const begin = performance.now();
const measuredFrom = begin + warmupMs;
const until = measuredFrom + durationMs;
const times: number[][] = inputs.map(() => []);
let done = 0;
let outputs = 0;
let added = 0;
let windowPeak = 0;
let failure: unknown;

const queue = new MemoryJobQueue<{ input: number }>({
  name: "media-process",
  concurrency: jobs,
  attempts: 1,
  closeTimeoutMs: 120_000,
  handler: async ({ data }) => {
    try {
      const started = performance.now();
      const published = await publishImage(
        store,
        await processImage(inputs[data.input] as Buffer, { maxPixels }),
      );
      const ended = performance.now();
      outputs = published.length;
      if (ended >= measuredFrom && ended <= until) done++;
      if (started >= measuredFrom && ended <= until) times[data.input]?.push(ended - started);
      if (ended < until) await feed();
    } catch (error) {
      failure ??= error;
    }
  },
});
/** Keeps one job waiting behind each running one, as a backlog of uploads would. */
async function feed(): Promise<void> {
  const index = added++;
  await queue.add(`image-${index}`, { input: index % inputs.length });
}
await queue.start();
for (let i = 0; i < jobs * 2; i++) await feed();

let cpuFrom: NodeJS.CpuUsage | undefined;
setTimeout(() => {
  cpuFrom = process.cpuUsage();
}, measuredFrom - performance.now());
const sampler = setInterval(() => {
  if (performance.now() < measuredFrom) return;
  void memory().then(({ rss }) => {
    windowPeak = Math.max(windowPeak, rss);
  });
}, 100);
await new Promise((resolve) => setTimeout(resolve, until - performance.now()));
clearInterval(sampler);
const cpu = process.cpuUsage(cpuFrom);
const end = await memory();
await queue.close();
const peak = await memory();
await rm(dir, { recursive: true, force: true });
if (failure !== undefined) throw failure;
const result: MediaWorkerResult = {
  done,
  seconds: durationMs / 1000,
  times,
  outputs,
  peakRssBytes: peak.hwm,
  endRssBytes: end.rss,
  coresBusy: (cpu.user + cpu.system) / 1000 / durationMs,
  windowPeakRssBytes: Math.max(windowPeak, end.rss),
};
process.stdout.write(`${JSON.stringify(result)}\n`);
