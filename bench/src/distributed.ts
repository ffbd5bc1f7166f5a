// The distributed mode as the benchmarks run it: every service and the gateway in its own process
// (from the production build or from source), each service on a private database of the given
// PostgreSQL server, on private ports, as production runs them (ADR 0049: MALLOC_ARENA_MAX=2).
import { spawnSync } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { hostedServices } from "@mercato/host/catalog";
import {
  distributedSpecs,
  ensureDatabases,
  type Launched,
  launch,
  serviceDatabaseUrl,
} from "@mercato/host/services";
import pg from "pg";
import { freePort, processTree } from "./processes.js";
import { cpuMs } from "./read.js";

const root = resolve(import.meta.dirname, "../..");

export type CodeMode = "source" | "build";

/** A running distributed stack. */
export interface DistributedStack {
  gatewayUrl: string;
  launched: Launched;
  /** The database URL of service `name` (its private database). */
  databaseUrl(name: string): string;
  /** CPU time in ms used so far by each process (its whole tree), by name. */
  cpu(): Promise<Map<string, number>>;
  stop(): Promise<void>;
}

/** `npm run build`: the production build the `build` mode runs. */
export function buildProduction(): void {
  const built = spawnSync(process.execPath, ["--import", "tsx", "scripts/build.ts"], {
    cwd: root,
    encoding: "utf8",
  });
  if (built.status !== 0) throw new Error(`npm run build failed: ${built.stderr}`);
}

/**
 * Starts every service and the gateway in `mode` against `databaseUrl` (one private database per
 * service), NATS_URL and REDIS_URL, and resolves once the gateway sees every service. `extraEnv`
 * is given to every process on top of this process's environment.
 */
export async function startDistributed(
  mode: CodeMode,
  databaseUrl: string,
  extraEnv: Record<string, string> = {},
): Promise<DistributedStack> {
  const run = `b${mode.slice(0, 1)}${Date.now().toString(36)}`;
  const names = hostedServices.map((s) => s.name);
  const ports = Object.fromEntries(
    await Promise.all([...names, "gateway"].map(async (name) => [name, await freePort()] as const)),
  );
  const outbox = await mkdtemp(join(tmpdir(), "mercato-bench-stack-"));
  const stackEnv: Record<string, string | undefined> = {
    ...process.env,
    ...extraEnv,
    ...Object.fromEntries(
      Object.entries(ports).map(([name, port]) => [`${name.toUpperCase()}_PORT`, String(port)]),
    ),
  };
  const databaseOf = (name: string) => serviceDatabaseUrl(databaseUrl, `${run}_${name}`);
  const specs = distributedSpecs(stackEnv, { build: mode === "build" }).map((spec) => ({
    ...spec,
    env: {
      ...spec.env,
      ...extraEnv,
      ...(spec.name === "gateway" ? {} : { DATABASE_URL: databaseOf(spec.name) }),
      OUTBOX_DIR: outbox,
      DATA_DIR: join(outbox, "data"),
      LOG_LEVEL: "warn",
      MALLOC_ARENA_MAX: "2",
    },
  }));
  await ensureDatabases(
    databaseUrl,
    names.map((name) => `${run}_${name}`),
  );
  const launched = launch(specs, { log: () => {} });
  const gatewayUrl = `http://127.0.0.1:${ports.gateway}`;
  const stop = async () => {
    await launched.stop();
    await rm(outbox, { recursive: true, force: true });
    const admin = new pg.Client({ connectionString: databaseUrl });
    await admin.connect();
    for (const name of names)
      await admin.query(`drop database if exists "mercato_${run}_${name}" with (force)`);
    await admin.end();
  };
  try {
    const deadline = performance.now() + 120_000;
    for (;;) {
      const answer = await fetch(`${gatewayUrl}/health/services`).catch(() => undefined);
      if (answer?.status === 200) break;
      if (performance.now() > deadline) throw new Error(`the ${mode} stack never answered`);
      await new Promise((r) => setTimeout(r, 250));
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    gatewayUrl,
    launched,
    databaseUrl: databaseOf,
    async cpu() {
      const figures = new Map<string, number>();
      for (const [name, child] of launched.children) {
        let total = 0;
        for (const pid of await processTree(child.pid ?? 0)) total += await cpuMs(pid).catch(() => 0);
        figures.set(name, total);
      }
      return figures;
    },
    stop,
  };
}
