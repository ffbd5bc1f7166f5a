// The distributed mode as the benchmarks run it: the end-to-end tests' private stack (every service
// and the gateway in its own process on private databases, a private NATS and Redis), from the
// production build or from source, as production runs them (ADR 0049: MALLOC_ARENA_MAX=2), plus
// the CPU time of each process.
import { spawnSync } from "node:child_process";
import { resolve } from "node:path";
import type { Launched } from "@mercato/host/services";
import { startPrivateDistributedStack } from "../../tests/e2e/stack.js";
import { processTree } from "./processes.js";
import { cpuMs } from "./read.js";

const root = resolve(import.meta.dirname, "../..");

export type CodeMode = "source" | "build";

/** A running distributed stack. */
export interface DistributedStack {
  gatewayUrl: string;
  launched: Launched;
  /** Names the run (its databases, its outbox's files). */
  run: string;
  /** The services started, each with its own database. */
  services: readonly string[];
  /** Folder of the local mail and SMS outbox (verification links, sign-in codes). */
  outboxDir: string;
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
 * service) and resolves once the gateway sees every service. `extraEnv` is given to every process.
 */
export async function startDistributed(
  mode: CodeMode,
  databaseUrl: string,
  extraEnv: Record<string, string> = {},
): Promise<DistributedStack> {
  const stack = await startPrivateDistributedStack({
    databaseUrl,
    name: `bench-${mode}`,
    build: mode === "build",
    env: () => ({ ...extraEnv, MALLOC_ARENA_MAX: "2" }),
  });
  return {
    gatewayUrl: stack.gatewayUrl,
    launched: stack.launched,
    run: stack.run,
    services: stack.services,
    outboxDir: stack.outboxDir,
    databaseUrl: stack.databaseUrlOf,
    async cpu() {
      const figures = new Map<string, number>();
      for (const [name, child] of stack.launched.children) {
        let total = 0;
        for (const pid of await processTree(child.pid ?? 0)) total += await cpuMs(pid).catch(() => 0);
        figures.set(name, total);
      }
      return figures;
    },
    stop: stack.stop,
  };
}
