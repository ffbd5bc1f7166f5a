// `npm run bench -- --only memory`: idle resident memory of every process of the distributed
// mode, from source (node --import tsx, as `npm run start:services`) and from the production build
// (node dist/... with no transpiler, as the container image), side by side in one run on real
// PostgreSQL (DATABASE_URL) with a private NATS and Redis. Each stack is read after it has
// idled `settleMs`; figures are medians over --rounds.
import { buildProduction, type CodeMode, startDistributed } from "./distributed.js";
import { median } from "./load.js";
import type { BenchOptions } from "./options.js";
import { treeMemory } from "./processes.js";
import { formatTable, mb } from "./report.js";

const settleMs = 30_000;

/** RSS and its anonymous part of one process tree. */
interface Idle {
  rss: number;
  anon: number;
}

/** Starts the distributed stack in `mode`, reads each process's RSS after idling, stops it. */
async function idleMemory(mode: CodeMode, databaseUrl: string): Promise<Map<string, Idle>> {
  const stack = await startDistributed(mode, databaseUrl);
  try {
    await new Promise((r) => setTimeout(r, settleMs));
    const figures = new Map<string, Idle>();
    for (const [name, child] of stack.launched.children) {
      const memory = await treeMemory(child.pid ?? 0);
      figures.set(name, {
        rss: memory.reduce((sum, m) => sum + m.rssBytes, 0),
        anon: memory.reduce((sum, m) => sum + m.anonBytes, 0),
      });
    }
    return figures;
  } finally {
    await stack.stop();
  }
}

export async function runMemory(options: BenchOptions): Promise<void> {
  const databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl) throw new Error("--only memory needs DATABASE_URL (PostgreSQL)");
  buildProduction();
  const samples: Record<CodeMode, Map<string, Idle>[]> = { source: [], build: [] };
  for (let round = 0; round < options.rounds; round++)
    for (const mode of ["source", "build"] as const) samples[mode].push(await idleMemory(mode, databaseUrl));
  const names = [...(samples.source[0]?.keys() ?? [])];
  const at = (mode: CodeMode, name: string, part: keyof Idle = "rss") =>
    median(samples[mode].map((s) => s.get(name)?.[part] ?? 0));
  const row = (label: string, figure: (mode: CodeMode, part?: keyof Idle) => number) => [
    label,
    mb(figure("source")),
    mb(figure("build")),
    mb(figure("build", "anon")),
  ];
  const rows = names.map((name) => row(name, (mode, part) => at(mode, name, part)));
  rows.push(row("all nine", (mode, part) => names.reduce((sum, name) => sum + at(mode, name, part), 0)));
  process.stdout.write(
    `\nIdle RSS per distributed process after ${settleMs / 1000} s, median of ${options.rounds} round(s); "anonymous" is the build's RSS less the Node binary's and other files' pages (which processes share)\n${formatTable(["process", "from source (tsx)", "from the build (dist)", "of it anonymous"], rows)}\n`,
  );
}
