import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { resolve } from "node:path";
import { createInterface } from "node:readline";
import type { Readable } from "node:stream";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { gatewayConfigSchema, upstreamServices } from "@mercato/gateway";
import { ConfigError, parseConfig, runMain, servicePorts, standaloneConfigSchema } from "@mercato/platform";
import pg from "pg";
import { hostedServices } from "./catalog.js";
import { builtWebApp } from "./web-root.js";

/** One process to run: a service (or the gateway) and its entry file. */
export interface ProcessSpec {
  name: string;
  entry: string;
  env: Record<string, string>;
}

/** How the launcher restarts a process that exited: after `initialMs`, doubling to `maxMs`. */
export interface RestartPolicy {
  /** Delay before the first restart, in ms (default 500). */
  initialMs: number;
  /** Longest delay, in ms (default 30 000). */
  maxMs: number;
  /** A process that stayed up this long (ms, default 30 000) restarts after `initialMs` again. */
  resetAfterMs: number;
}

/** How `launch` supervises its processes. */
export interface LaunchOptions {
  restart?: Partial<RestartPolicy>;
  /** How long `stop` waits after SIGTERM before it sends SIGKILL, in ms (default 10 000). */
  stopGraceMs?: number;
  /** Where the launcher's own lines go (exits, restarts); default stderr. */
  log?: (line: string) => void;
}

/** Running child processes of the distributed launcher, each the leader of its own process group. */
export interface Launched {
  /** The current process of each name; the launcher replaces it when it restarts one. */
  children: Map<string, ChildProcess>;
  /** Sends `signal` (default SIGKILL) to the process group of `name`, as a crash would; it is restarted. */
  kill(name: string, signal?: NodeJS.Signals): void;
  /** How many times the launcher restarted `name` after it exited. */
  restarts(name: string): number;
  /** Resolves with the next process started as `name` (its restart). */
  nextStart(name: string): Promise<ChildProcess>;
  /** Stops every process group (SIGTERM, then SIGKILL after the grace period); restarts none after. */
  stop(): Promise<void>;
}

const root = resolve(import.meta.dirname, "../../..");
// Run from the production build (`npm run build`, `dist/*.js`), the launcher starts the built
// processes; run from source, it starts them from source like `npm start` (ADR 0044).
const fromBuild = import.meta.filename.endsWith(".js");

/**
 * How Node starts `entry`: a built `.js` file with the workspaces' `mercato-dist` exports and no
 * transpiler; a `.ts` file through tsx. Either way with the hook that ends it with the launcher.
 */
export function nodeArguments(entry: string): string[] {
  const built = entry.endsWith(".js");
  const hook = resolve(
    root,
    built ? "apps/host/dist/exit-with-launcher.js" : "apps/host/src/exit-with-launcher.ts",
  );
  return [
    ...(built ? ["--conditions=mercato-dist"] : ["--import", "tsx"]),
    "--import",
    pathToFileURL(hook).href,
    entry,
  ];
}

/** The database URL of one service: the same server as `base`, database `mercato_<service>`. */
export function serviceDatabaseUrl(base: string, service: string): string {
  const url = new URL(base);
  url.pathname = `/mercato_${service}`;
  return url.toString();
}

/** Creates each service's database on the server of `base` when it does not exist yet. */
export async function ensureDatabases(base: string, services: readonly string[]): Promise<void> {
  const client = new pg.Client({ connectionString: base });
  await client.connect();
  try {
    for (const service of services) {
      const name = `mercato_${service}`;
      const found = await client.query("select 1 from pg_database where datname = $1", [name]);
      if (found.rowCount === 0) await client.query(`create database "${name}"`);
    }
  } finally {
    await client.end();
  }
}

/**
 * Starts one process per spec (from source through tsx, like `npm start`, or from the build), each leading its own process
 * group, prefixing each output line with its name. A process that exits is restarted after a
 * growing delay while the others go on; only `stop` ends them (ADR 0030).
 */
export function launch(specs: readonly ProcessSpec[], options: LaunchOptions = {}): Launched {
  const policy: RestartPolicy = { initialMs: 500, maxMs: 30_000, resetAfterMs: 30_000, ...options.restart };
  const stopGraceMs = options.stopGraceMs ?? 10_000;
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const children = new Map<string, ChildProcess>();
  const restarts = new Map<string, number>();
  const timers = new Map<string, NodeJS.Timeout>();
  const waiting = new Map<string, ((child: ChildProcess) => void)[]>();
  let stopping = false;

  const start = (spec: ProcessSpec, quickExits: number) => {
    const child = spawn(process.execPath, nodeArguments(spec.entry), {
      cwd: root,
      env: { ...process.env, ...spec.env },
      stdio: ["ignore", "pipe", "pipe", "ipc"],
      detached: true,
    });
    const startedAt = Date.now();
    const prefix = `${spec.name.padEnd(14)}| `;
    const forward = (input: Readable | null, output: NodeJS.WritableStream) =>
      input &&
      createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY }).on("line", (line) => {
        if (line) output.write(`${prefix}${line}\n`);
      });
    forward(child.stdout, process.stdout);
    forward(child.stderr, process.stderr);
    let ended = false;
    const end = (how: string) => {
      if (ended) return;
      ended = true;
      // Whatever the leader left in its group (a wrapper's real process) must not keep the port.
      if (child.pid !== undefined) signalGroup(child.pid, "SIGKILL");
      if (stopping) return;
      const again = Date.now() - startedAt >= policy.resetAfterMs ? 0 : quickExits;
      const delayMs = Math.min(policy.maxMs, policy.initialMs * 2 ** again);
      log(`${spec.name} ${how}; restarting it in ${delayMs} ms`);
      timers.set(
        spec.name,
        setTimeout(() => {
          timers.delete(spec.name);
          restarts.set(spec.name, (restarts.get(spec.name) ?? 0) + 1);
          start(spec, again + 1);
        }, delayMs),
      );
    };
    child.once("exit", (code, signal) =>
      end(signal ? `was killed by ${signal}` : `exited with code ${code}`),
    );
    child.on("error", (error) => {
      if (child.pid === undefined) end(`could not start (${error.message})`);
    });
    children.set(spec.name, child);
    for (const notify of waiting.get(spec.name)?.splice(0) ?? []) notify(child);
  };

  for (const spec of specs) start(spec, 0);
  return {
    children,
    kill: (name, signal = "SIGKILL") => {
      const pid = children.get(name)?.pid;
      if (pid !== undefined) signalGroup(pid, signal);
    },
    restarts: (name) => restarts.get(name) ?? 0,
    nextStart: (name) =>
      new Promise((resolveStart) => waiting.set(name, [...(waiting.get(name) ?? []), resolveStart])),
    stop: async () => {
      stopping = true;
      for (const timer of timers.values()) clearTimeout(timer);
      timers.clear();
      await Promise.all(
        [...children.values()].map(
          (child) =>
            new Promise<void>((done) => {
              if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null)
                return done();
              const pid = child.pid;
              const kill = setTimeout(() => signalGroup(pid, "SIGKILL"), stopGraceMs);
              child.once("exit", () => {
                clearTimeout(kill);
                done();
              });
              signalGroup(pid, "SIGTERM");
            }),
        ),
      );
    },
  };
}

/** Sends `signal` to every process of the group `pid` leads; a group already gone is no error. */
function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ESRCH") throw error;
  }
}

/**
 * Replicas per service from `orders=2,inventory=2` (`--replicas` or MERCATO_REPLICAS): 1 to 16
 * each; a service not named runs once. Throws ConfigError naming what is wrong.
 */
export function parseReplicas(text: string | undefined): Record<string, number> {
  const known = new Set(hostedServices.map((s) => s.name));
  const replicas: Record<string, number> = {};
  for (const part of (text ?? "")
    .split(",")
    .map((p) => p.trim())
    .filter(Boolean)) {
    const [name = "", count = ""] = part.split("=").map((p) => p.trim());
    if (!known.has(name))
      throw new ConfigError(
        `invalid configuration: --replicas names ${JSON.stringify(name)}, which is not one of ${[...known].join(", ")}`,
      );
    const n = Number(count);
    if (!Number.isInteger(n) || n < 1 || n > 16)
      throw new ConfigError(
        `invalid configuration: --replicas ${name} must be a whole number from 1 to 16 (got "${count}")`,
      );
    replicas[name] = n;
  }
  return replicas;
}

/**
 * The processes of the distributed mode: every catalog service (`replicas` of it: `orders`,
 * `orders-2`, …), then the gateway; from the build (`build: true`, the default when the launcher
 * itself runs from it) or from source. Replica k of a service listens on the k-th port of
 * `<NAME>_REPLICA_PORTS` (comma-separated), else on its port + 100 × (k − 1); its callers get every
 * replica's URL, comma-separated, and spread their calls (ADR 0047).
 */
export function distributedSpecs(
  env: Record<string, string | undefined>,
  options: { build?: boolean; replicas?: Record<string, number> } = {},
): ProcessSpec[] {
  const code = (options.build ?? fromBuild) ? { folder: "dist", ext: "js" } : { folder: "src", ext: "ts" };
  const infra = parseConfig(standaloneConfigSchema, env);
  const gateway = parseConfig(gatewayConfigSchema, env);
  const host = infra.HOST;
  const ports = servicePorts([...upstreamServices, ...hostedServices], env);
  const replicaPorts = (name: string): number[] => {
    const count = options.replicas?.[name] ?? 1;
    const base = ports[name] ?? 0;
    const variable = `${name.toUpperCase()}_REPLICA_PORTS`;
    const listed = env[variable]?.split(",").map((p) => Number(p.trim()));
    if (listed?.some((p) => !Number.isInteger(p) || p < 1 || p > 65_535))
      throw new ConfigError(
        `invalid configuration: ${variable} must be ports separated by commas (got "${env[variable]}")`,
      );
    return Array.from({ length: count }, (_, k) => (k === 0 ? base : (listed?.[k - 1] ?? base + 100 * k)));
  };
  // Every process verifies bearer tokens against the auth service's key set unless told otherwise.
  const jwksUrl = env.JWKS_URL ?? `http://${host}:${ports.auth ?? 9000}/.well-known/jwks.json`;
  const urls = Object.fromEntries(
    upstreamServices.map((s) => [
      `${s.name.toUpperCase()}_SERVICE_URL`,
      replicaPorts(s.name)
        .map((port) => `http://${host}:${port}`)
        .join(","),
    ]),
  );
  // The services sign their own tokens with one secret; made up for this launch when not given.
  const serviceSecret = env.SERVICE_TOKEN_SECRET ?? randomBytes(32).toString("base64url");
  const specs: ProcessSpec[] = hostedServices.flatMap((service) =>
    replicaPorts(service.name).map((port, k) => ({
      name: k === 0 ? service.name : `${service.name}-${k + 1}`,
      entry: `services/${service.name}/${code.folder}/main.${code.ext}`,
      env: {
        ...urls,
        SERVICE_TOKEN_SECRET: serviceSecret,
        DATABASE_URL: serviceDatabaseUrl(infra.DATABASE_URL, service.name),
        PORT: String(port),
        JWKS_URL: jwksUrl,
      },
    })),
  );
  specs.push({
    name: "gateway",
    // The host's entry of the gateway hands it the NATS bus for its live updates (ADR 0039).
    entry: `apps/host/${code.folder}/gateway-main.${code.ext}`,
    env: {
      ...urls,
      GATEWAY_PORT: String(gateway.GATEWAY_PORT),
      JWKS_URL: jwksUrl,
      NATS_URL: infra.NATS_URL,
      WEB_ROOT: env.WEB_ROOT ?? builtWebApp,
    },
  });
  return specs;
}

const isMain = process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename);
if (isMain) {
  runMain(async () => {
    const { values } = parseArgs({ options: { replicas: { type: "string" } } });
    const specs = distributedSpecs(process.env, {
      replicas: parseReplicas(values.replicas ?? process.env.MERCATO_REPLICAS),
    });
    const infra = parseConfig(standaloneConfigSchema);
    await ensureDatabases(
      infra.DATABASE_URL,
      hostedServices.map((s) => s.name),
    );
    const launched = launch(specs);
    process.stdout.write(`Mercato (distributed): ${specs.map((s) => s.name).join(", ")}\n`);
    // Only the launcher hears Ctrl-C (each process leads its own group), and it stops them all.
    const stop = async (signal: NodeJS.Signals) => {
      process.stderr.write(`${signal}: stopping every process\n`);
      await launched.stop();
      process.exit(0);
    };
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
}
