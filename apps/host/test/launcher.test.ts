import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { resolve } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { describeWithInfra, freePort, waitFor } from "@mercato/testing";
import { describe, expect, it } from "vitest";
import { ensureDatabases, launch, serviceDatabaseUrl } from "../src/services.js";
import { alive, descendants, listeners, parents } from "./processes.js";

const root = resolve(import.meta.dirname, "../../..");
const itemService = "packages/testing/src/item-service-main.ts";

/** Runs `args` with this Node and tsx from the repository root, as `npm run` would, keeping its output. */
function node(args: string[], env: Record<string, string | undefined>) {
  const child = spawn(process.execPath, ["--import", "tsx", ...args], {
    cwd: root,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  return { child, output: () => output.slice(-4_000) };
}

/** The process right below `ancestor` on the way down to `pid`: the one `ancestor` started. */
async function childOf(ancestor: number, pid: number): Promise<number> {
  const table = await parents();
  let current = pid;
  while (table.get(current) !== ancestor) {
    const parent = table.get(current);
    if (parent === undefined || parent <= 1) throw new Error(`${pid} does not descend from ${ancestor}`);
    current = parent;
  }
  return current;
}

/** Kills what a launcher under test may have left behind, so a failing test does not keep ports. */
async function killAll(pids: Iterable<number>): Promise<void> {
  for (const pid of pids) if (await alive(pid)) process.kill(pid, "SIGKILL");
}

describe("launch", () => {
  // The testkit service exits with status 1 at once when its DATABASE_URL is malformed.
  const crashing = {
    name: "crashing",
    entry: itemService,
    env: { DATABASE_URL: "mysql://x", LOG_LEVEL: "silent" },
  };
  const delays = async (
    restart: { initialMs: number; maxMs: number; resetAfterMs?: number },
    count: number,
  ) => {
    const lines: string[] = [];
    const launched = launch([crashing], { restart, log: (line) => lines.push(line) });
    try {
      await waitFor(() => launched.restarts("crashing") >= count, {
        timeoutMs: 60_000,
        intervalMs: 20,
        message: "the crashing process was not restarted",
      });
    } finally {
      await launched.stop();
    }
    return lines.slice(0, count).map((line) => Number(/restarting it in (\d+) ms/.exec(line)?.[1]));
  };

  it("restarts a process that keeps exiting after doubling delays up to the longest", {
    timeout: 90_000,
  }, async () => {
    expect(await delays({ initialMs: 20, maxMs: 80 }, 4)).toEqual([20, 40, 80, 80]);
  });

  it("goes back to the first delay for a process that stayed up long enough", {
    timeout: 90_000,
  }, async () => {
    expect(await delays({ initialMs: 20, maxMs: 80, resetAfterMs: 0 }, 3)).toEqual([20, 20, 20]);
  });

  it("names how the process ended in the line it logs", { timeout: 60_000 }, async () => {
    const lines: string[] = [];
    const launched = launch([crashing], { restart: { initialMs: 10_000 }, log: (line) => lines.push(line) });
    try {
      await waitFor(() => lines.length > 0, { timeoutMs: 30_000, intervalMs: 20 });
    } finally {
      await launched.stop();
    }
    expect(lines).toEqual(["crashing exited with code 1; restarting it in 10000 ms"]);
    expect(launched.restarts("crashing")).toBe(0);
  });
});

describeWithInfra(
  "DATABASE_URL",
  "the distributed launcher on real PostgreSQL, NATS and Redis",
  (databaseUrl) => {
    const natsUrl = process.env.NATS_URL ?? "nats://127.0.0.1:4222";
    const redisUrl = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
    const services = [
      "auth",
      "users",
      "sellers",
      "products",
      "inventory",
      "orders",
      "notifications",
    ] as const;

    it("restarts a killed service on its port while products keep answering through the gateway; Ctrl-C then stops every process", {
      timeout: 240_000,
    }, async () => {
      const ports = Object.fromEntries(
        await Promise.all([...services, "gateway"].map(async (name) => [name, await freePort()] as const)),
      );
      const launcher = node(["apps/host/src/services.ts"], {
        ...process.env,
        DATABASE_URL: databaseUrl,
        NATS_URL: natsUrl,
        REDIS_URL: redisUrl,
        LOG_LEVEL: "warn",
        ...Object.fromEntries(
          Object.entries(ports).map(([name, port]) => [`${name.toUpperCase()}_PORT`, String(port)]),
        ),
      });
      const launcherPid = launcher.child.pid ?? 0;
      const seen = new Set<number>();
      const gateway = `http://127.0.0.1:${ports.gateway}`;
      try {
        await waitFor(
          async () => (await fetch(`${gateway}/health/services`).catch(() => undefined))?.status === 200,
          {
            timeoutMs: 180_000,
            intervalMs: 250,
            message: "the services never all answered",
          },
        );
        for (const pid of await descendants(launcherPid)) seen.add(pid);
        const [orders] = await listeners(ports.orders ?? 0);
        expect(orders).toBeDefined();
        const started = await childOf(launcherPid, orders ?? 0);

        const reads: number[] = [];
        let reading = true;
        const readLoop = (async () => {
          while (reading) {
            const response = await fetch(
              `${gateway}/api/v1/products?near=52.52,13.405&radius=1000&query=zzzz`,
              {
                signal: AbortSignal.timeout(10_000),
              },
            ).catch(() => undefined);
            reads.push(response?.status ?? 0);
            await response?.arrayBuffer();
            await sleep(100);
          }
        })();
        await waitFor(() => reads.length > 0, { timeoutMs: 10_000 });

        // A crash of the process the launcher started: SIGKILL, which nothing can pass on.
        process.kill(started, "SIGKILL");
        const restarted = await waitFor(
          async () => {
            const [pid] = await listeners(ports.orders ?? 0);
            if (pid === undefined || pid === orders) return undefined;
            const ready = await fetch(`http://127.0.0.1:${ports.orders}/ready`).catch(() => undefined);
            return ready?.status === 200 ? pid : undefined;
          },
          { timeoutMs: 120_000, intervalMs: 200, message: "orders was never restarted on its port" },
        ).catch((error: Error) => {
          throw new Error(`${error.message}\n${launcher.output()}`);
        });
        reading = false;
        await readLoop;
        for (const pid of await descendants(launcherPid)) seen.add(pid);

        expect(await alive(orders ?? 0), "the killed process's real process is gone").toBe(false);
        expect(await childOf(launcherPid, restarted)).toBe(restarted);
        expect(reads.filter((status) => status !== 200)).toEqual([]);
        expect(launcher.child.exitCode).toBeNull();

        launcher.child.kill("SIGINT");
        const [code] = await once(launcher.child, "exit");
        expect(code).toBe(0);
        await waitFor(
          async () => {
            for (const pid of seen) if (await alive(pid)) return false;
            for (const port of Object.values(ports)) if ((await listeners(port)).length > 0) return false;
            return true;
          },
          { timeoutMs: 15_000, intervalMs: 100, message: "a process or port outlived the launcher" },
        );
      } finally {
        launcher.child.kill("SIGKILL");
        for (const pid of await descendants(launcherPid)) seen.add(pid);
        await killAll(seen);
      }
    });

    it("a launcher killed with SIGKILL leaves no process behind to hold a port", {
      timeout: 120_000,
    }, async () => {
      await ensureDatabases(databaseUrl, ["testkit_launcher"]);
      const port = await freePort();
      const spec = {
        name: "testkit",
        entry: itemService,
        env: {
          ITEM_SERVICE_NAME: "testkit_launcher",
          DATABASE_URL: serviceDatabaseUrl(databaseUrl, "testkit_launcher"),
          NATS_URL: natsUrl,
          REDIS_URL: redisUrl,
          PORT: String(port),
          LOG_LEVEL: "warn",
        },
      };
      // A launcher of its own, so that killing it kills no test runner.
      const launcher = node(
        [
          "--input-type=module",
          "-e",
          `import { launch } from "./apps/host/src/services.ts"; launch([${JSON.stringify(spec)}]);`,
        ],
        process.env,
      );
      const launcherPid = launcher.child.pid ?? 0;
      let left: number[] = [];
      try {
        await waitFor(
          async () => (await fetch(`http://127.0.0.1:${port}/ready`).catch(() => undefined))?.status === 200,
          {
            timeoutMs: 60_000,
            intervalMs: 250,
            message: "the service never became ready",
          },
        ).catch((error: Error) => {
          throw new Error(`${error.message}\n${launcher.output()}`);
        });
        left = await descendants(launcherPid);
        expect(left.length).toBeGreaterThan(0);
        launcher.child.kill("SIGKILL");
        await once(launcher.child as ChildProcess, "exit");
        await waitFor(
          async () => {
            for (const pid of left) if (await alive(pid)) return false;
            return (await listeners(port)).length === 0;
          },
          {
            timeoutMs: 30_000,
            intervalMs: 100,
            message: "a process of the dead launcher still holds the port",
          },
        );
      } finally {
        launcher.child.kill("SIGKILL");
        await killAll(left);
      }
    });
  },
);
