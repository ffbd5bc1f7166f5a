import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { delimiter, dirname, join, resolve } from "node:path";
import { hostedServices } from "@mercato/host/catalog";
import { median } from "./load.js";
import type { BenchOptions } from "./options.js";
import { freePort, type ProcessMemory, processTree, stopProcess, treeMemory } from "./processes.js";
import { formatTable, mark, mb } from "./report.js";

/** One start of the embedded host. */
export interface StartFigures {
  /** From spawn to `GET /health/services` answering 200, in ms. */
  readyMs: number;
  /** What the host itself printed as its start time (after its modules loaded), in ms. */
  hostReportedMs: number | undefined;
  /** Summed VmRSS of the process tree (tsx wrapper and the node that hosts everything), 2 s after ready. */
  treeRssBytes: number;
  /** VmRSS of the node that serves (the tree's largest process), 2 s after ready. */
  hostRssBytes: number;
  /** Summed VmHWM (peak resident) of the tree, 2 s after ready. */
  treePeakRssBytes: number;
  /** Summed VmRSS of the tree after `settledAfterMs` idle, when asked for. */
  settledTreeRssBytes: number | undefined;
  /** RSS per process of the tree, e.g. `tsx wrapper 57.8 MB + host node 552.6 MB`. */
  breakdown: string;
  /** Milliseconds from SIGTERM to exit. */
  stopMs: number;
  exitCode: number | null;
}

/** Cold and warm starts (medians over the rounds). */
export interface StartOutcome {
  cold: StartFigures;
  warm: StartFigures;
}

const root = resolve(import.meta.dirname, "../..");
/** When the start figures' memory is read after ready. */
const settleMs = 2_000;
/** When the warm start's memory is read once more, after V8 had time to give back start-up garbage. */
const settledAfterMs = 30_000;

function label(memory: ProcessMemory): string {
  // The host is `node --import tsx embedded.ts`; an older `npm start` ran it under a tsx wrapper.
  if (memory.command.includes("--import")) return "host node";
  if (memory.command.includes("tsx")) return "tsx wrapper";
  return memory.command.split(" ")[0]?.split("/").pop() ?? "?";
}

const sum = (memory: readonly ProcessMemory[], pick: (m: ProcessMemory) => number) =>
  memory.reduce((acc, m) => acc + pick(m), 0);

async function waitForHealth(url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(`the embedded host exited (code ${child.exitCode}) before it was ready`);
    try {
      const answer = await fetch(url, { signal: AbortSignal.timeout(1_000) });
      await answer.arrayBuffer();
      if (answer.status === 200) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`GET ${url} did not answer 200 within ${timeoutMs} ms`);
}

/**
 * Spawns `node --import tsx apps/host/src/embedded.ts` on `dataDir` as `npm start` does, times it until ready,
 * reads its memory (and again after `settledAfterMs` when `settle` is set), then stops it.
 */
async function startOnce(dataDir: string, settle: boolean): Promise<StartFigures> {
  const port = await freePort();
  const env: Record<string, string | undefined> = {
    ...process.env,
    DATA_DIR: dataDir,
    GATEWAY_PORT: String(port),
    // As `npm start` sets it: two glibc malloc arenas, so libvips' threads (the seed's pictures)
    // do not each keep an arena of their own (docs/performance.md, media).
    MALLOC_ARENA_MAX: "2",
    // The Node that runs the benchmark (24) must also run tsx's child, whatever node PATH finds first.
    PATH: [dirname(process.execPath), join(root, "node_modules/.bin"), process.env.PATH].join(delimiter),
  };
  delete env.NODE_ENV;
  // Every hosted service on a free port, so a host already running on the defaults does not collide.
  for (const service of hostedServices) env[`${service.name.toUpperCase()}_PORT`] = String(await freePort());

  const started = performance.now();
  // Exactly what `npm start` runs: one Node process with tsx's loader, no wrapper process.
  const child = spawn(process.execPath, ["--import", "tsx", "apps/host/src/embedded.ts"], {
    cwd: root,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const collect = (chunk: Buffer) => {
    output += chunk.toString("utf8");
  };
  child.stdout?.on("data", collect);
  child.stderr?.on("data", collect);
  const pid = child.pid;
  if (pid === undefined) throw new Error("the embedded host could not be spawned");
  let tree: number[] = [];
  try {
    await waitForHealth(`http://127.0.0.1:${port}/health/services`, child, 120_000);
    const readyMs = performance.now() - started;
    await new Promise((r) => setTimeout(r, settleMs));
    tree = await processTree(pid);
    const memory = await treeMemory(pid);
    let settledTreeRssBytes: number | undefined;
    if (settle) {
      await new Promise((r) => setTimeout(r, settledAfterMs - settleMs));
      settledTreeRssBytes = sum(await treeMemory(pid), (m) => m.rssBytes);
    }
    const reported = /started in (\d+) ms/.exec(output)?.[1];
    const stopStarted = performance.now();
    const stopped = await stopProcess(child, 15_000, tree);
    if (stopped.killed)
      throw new Error("the embedded host did not stop within 15 s of SIGTERM and was killed");
    return {
      readyMs,
      hostReportedMs: reported === undefined ? undefined : Number(reported),
      treeRssBytes: sum(memory, (m) => m.rssBytes),
      hostRssBytes: Math.max(...memory.map((m) => m.rssBytes)),
      treePeakRssBytes: sum(memory, (m) => m.peakRssBytes),
      settledTreeRssBytes,
      breakdown: memory.map((m) => `${label(m)} ${mb(m.rssBytes)}`).join(" + "),
      stopMs: performance.now() - stopStarted,
      exitCode: stopped.code,
    };
  } catch (error) {
    await stopProcess(child, 5_000, tree.length > 0 ? tree : await processTree(pid));
    throw new Error(
      `${error instanceof Error ? error.message : String(error)}\n--- host output ---\n${output}`,
    );
  }
}

function medianFigures(list: StartFigures[]): StartFigures {
  const med = (pick: (f: StartFigures) => number) => median(list.map(pick));
  const optional = (pick: (f: StartFigures) => number | undefined) => {
    const values = list.map(pick).filter((v): v is number => v !== undefined);
    return values.length > 0 ? median(values) : undefined;
  };
  return {
    readyMs: med((f) => f.readyMs),
    hostReportedMs: optional((f) => f.hostReportedMs),
    treeRssBytes: med((f) => f.treeRssBytes),
    hostRssBytes: med((f) => f.hostRssBytes),
    treePeakRssBytes: med((f) => f.treePeakRssBytes),
    settledTreeRssBytes: optional((f) => f.settledTreeRssBytes),
    breakdown: list.map((f) => f.breakdown).join(" | "),
    stopMs: med((f) => f.stopMs),
    exitCode: list.find((f) => f.exitCode !== 0)?.exitCode ?? 0,
  };
}

/**
 * Start time and memory of the embedded host (`npm start`): per round, a cold start on a fresh
 * DATA_DIR, a stop, and a warm start on the same folder.
 */
export async function runStart(options: BenchOptions): Promise<StartOutcome> {
  const log = (line: string) => process.stdout.write(`${line}\n`);
  const cold: StartFigures[] = [];
  const warm: StartFigures[] = [];
  for (let round = 0; round < options.rounds; round++) {
    const dataDir = await mkdtemp(join(tmpdir(), "mercato-bench-"));
    try {
      for (const [kind, list] of [
        ["cold", cold],
        ["warm", warm],
      ] as const) {
        // Read again 30 s later for both: after a first start the demo pictures are still being processed.
        const figures = await startOnce(dataDir, true);
        list.push(figures);
        const settled =
          figures.settledTreeRssBytes === undefined
            ? ""
            : `, ${mb(figures.settledTreeRssBytes)} after ${settledAfterMs / 1000} s`;
        log(
          `  round ${round + 1}/${options.rounds} ${kind}: ready in ${figures.readyMs.toFixed(0)} ms (host says ${figures.hostReportedMs ?? "?"} ms), RSS ${mb(figures.treeRssBytes)} (${figures.breakdown})${settled}, stopped in ${figures.stopMs.toFixed(0)} ms (exit ${figures.exitCode})`,
        );
      }
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  }
  const outcome = { cold: medianFigures(cold), warm: medianFigures(warm) };
  printStart(outcome, options);
  return outcome;
}

function printStart(outcome: StartOutcome, options: BenchOptions): void {
  const row = (kind: string, f: StartFigures) => [
    kind,
    (f.readyMs / 1000).toFixed(2),
    f.hostReportedMs === undefined ? "?" : (f.hostReportedMs / 1000).toFixed(2),
    mb(f.treeRssBytes),
    mb(f.hostRssBytes),
    mb(f.treePeakRssBytes),
    f.settledTreeRssBytes === undefined ? "-" : mb(f.settledTreeRssBytes),
  ];
  const { cold, warm } = outcome;
  const rss = Math.max(
    cold.treeRssBytes,
    warm.treeRssBytes,
    cold.settledTreeRssBytes ?? 0,
    warm.settledTreeRssBytes ?? 0,
  );
  const lines = [
    "",
    `Embedded host (tsx apps/host/src/embedded.ts, ${hostedServices.length} hosted services; memory read ${settleMs / 1000} s after ready)${options.rounds > 1 ? ` — medians of ${options.rounds} rounds` : ""}`,
    formatTable(
      [
        "start",
        "spawn→ready s",
        "host-reported s",
        "RSS tree",
        "RSS host node",
        "peak RSS tree",
        `RSS tree after ${settledAfterMs / 1000} s`,
      ],
      [row("cold (fresh DATA_DIR)", cold), row("warm (same DATA_DIR)", warm)],
    ),
    "",
    formatTable(
      ["bar", "measured", ""],
      [
        ["warm start < 10 s", `${(warm.readyMs / 1000).toFixed(2)} s`, mark(warm.readyMs < 10_000)],
        [
          `resident memory < 800 MB (tree, the largest of cold and warm, ${settleMs / 1000} s and ${settledAfterMs / 1000} s after ready)`,
          mb(rss),
          mark(rss < 800e6),
        ],
      ],
    ),
  ];
  process.stdout.write(`${lines.join("\n")}\n`);
}
