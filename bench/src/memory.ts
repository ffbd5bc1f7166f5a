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

/** Starts the distributed stack in `mode`, reads each process's RSS after idling, stops it. */
async function idleMemory(mode: CodeMode, databaseUrl: string): Promise<Map<string, number>> {
  const stack = await startDistributed(mode, databaseUrl);
  try {
    await new Promise((r) => setTimeout(r, settleMs));
    const figures = new Map<string, number>();
    for (const [name, child] of stack.launched.children) {
      const memory = await treeMemory(child.pid ?? 0);
      figures.set(
        name,
        memory.reduce((sum, m) => sum + m.rssBytes, 0),
      );
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
  const samples: Record<CodeMode, Map<string, number>[]> = { source: [], build: [] };
  for (let round = 0; round < options.rounds; round++)
    for (const mode of ["source", "build"] as const) samples[mode].push(await idleMemory(mode, databaseUrl));
  const names = [...(samples.source[0]?.keys() ?? [])];
  const at = (mode: CodeMode, name: string) => median(samples[mode].map((s) => s.get(name) ?? 0));
  const rows = names.map((name) => [name, mb(at("source", name)), mb(at("build", name))]);
  const total = (mode: CodeMode) => names.reduce((sum, name) => sum + at(mode, name), 0);
  rows.push(["all nine", mb(total("source")), mb(total("build"))]);
  process.stdout.write(
    `\nIdle RSS per distributed process after ${settleMs / 1000} s, median of ${options.rounds} round(s)\n${formatTable(["process", "from source (tsx)", "from the build (dist)"], rows)}\n`,
  );
}
