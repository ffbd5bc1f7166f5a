// `npm run bench -- --only memory`: idle resident memory of every process of the distributed
// mode, from source (node --import tsx, as `npm run start:services`) and from the production build
// (node dist/... with no transpiler, as the container image), side by side in one run on real
// PostgreSQL, NATS and Redis (DATABASE_URL, NATS_URL, REDIS_URL). Each stack is read after it has
// idled `settleMs`; figures are medians over --rounds.
import { spawnSync } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { hostedServices } from "@mercato/host/catalog";
import { distributedSpecs, ensureDatabases, launch, serviceDatabaseUrl } from "@mercato/host/services";
import pg from "pg";
import { median } from "./load.js";
import type { BenchOptions } from "./options.js";
import { freePort, treeMemory } from "./processes.js";
import { formatTable, mb } from "./report.js";

const root = resolve(import.meta.dirname, "../..");
const settleMs = 30_000;

type Mode = "source" | "build";

/** Starts the distributed stack in `mode` on private databases and ports, reads each process's RSS after idling, stops it. */
async function idleMemory(mode: Mode, databaseUrl: string): Promise<Map<string, number>> {
  const run = `bm${mode.slice(0, 1)}${Date.now().toString(36)}`;
  const names = hostedServices.map((s) => s.name);
  const ports = Object.fromEntries(
    await Promise.all([...names, "gateway"].map(async (name) => [name, await freePort()] as const)),
  );
  const outbox = await mkdtemp(join(tmpdir(), "mercato-bench-memory-"));
  const env: Record<string, string | undefined> = {
    ...process.env,
    ...Object.fromEntries(
      Object.entries(ports).map(([name, port]) => [`${name.toUpperCase()}_PORT`, String(port)]),
    ),
  };
  const specs = distributedSpecs(env, { build: mode === "build" }).map((spec) => ({
    ...spec,
    env: {
      ...spec.env,
      ...(spec.name === "gateway"
        ? {}
        : { DATABASE_URL: serviceDatabaseUrl(databaseUrl, `${run}_${spec.name}`) }),
      OUTBOX_DIR: outbox,
      DATA_DIR: join(outbox, "data"),
      LOG_LEVEL: "warn",
      // As the npm scripts and the image run them (ADR 0049).
      MALLOC_ARENA_MAX: "2",
    },
  }));
  await ensureDatabases(
    databaseUrl,
    names.map((name) => `${run}_${name}`),
  );
  const launched = launch(specs, { log: () => {} });
  try {
    const deadline = performance.now() + 120_000;
    for (;;) {
      const answer = await fetch(`http://127.0.0.1:${ports.gateway}/health/services`).catch(() => undefined);
      if (answer?.status === 200) break;
      if (performance.now() > deadline) throw new Error(`the ${mode} stack never answered`);
      await new Promise((r) => setTimeout(r, 250));
    }
    await new Promise((r) => setTimeout(r, settleMs));
    const figures = new Map<string, number>();
    for (const [name, child] of launched.children) {
      const memory = await treeMemory(child.pid ?? 0);
      figures.set(
        name,
        memory.reduce((sum, m) => sum + m.rssBytes, 0),
      );
    }
    return figures;
  } finally {
    await launched.stop();
    await rm(outbox, { recursive: true, force: true });
    const admin = new pg.Client({ connectionString: databaseUrl });
    await admin.connect();
    for (const name of names)
      await admin.query(`drop database if exists "mercato_${run}_${name}" with (force)`);
    await admin.end();
  }
}

export async function runMemory(options: BenchOptions): Promise<void> {
  const databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl || !process.env.NATS_URL || !process.env.REDIS_URL)
    throw new Error("--only memory needs DATABASE_URL, NATS_URL and REDIS_URL");
  const built = spawnSync(process.execPath, ["--import", "tsx", "scripts/build.ts"], {
    cwd: root,
    encoding: "utf8",
  });
  if (built.status !== 0) throw new Error(`npm run build failed: ${built.stderr}`);
  const samples: Record<Mode, Map<string, number>[]> = { source: [], build: [] };
  for (let round = 0; round < options.rounds; round++)
    for (const mode of ["source", "build"] as const) samples[mode].push(await idleMemory(mode, databaseUrl));
  const names = [...(samples.source[0]?.keys() ?? [])];
  const at = (mode: Mode, name: string) => median(samples[mode].map((s) => s.get(name) ?? 0));
  const rows = names.map((name) => [name, mb(at("source", name)), mb(at("build", name))]);
  const total = (mode: Mode) => names.reduce((sum, name) => sum + at(mode, name), 0);
  rows.push(["all nine", mb(total("source")), mb(total("build"))]);
  process.stdout.write(
    `\nIdle RSS per distributed process after ${settleMs / 1000} s, median of ${options.rounds} round(s)\n${formatTable(["process", "from source (tsx)", "from the build (dist)"], rows)}\n`,
  );
}
