import { type ChildProcess, spawn } from "node:child_process";
import { rmSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { freePort } from "./free-port.js";

/** Loopback address every private server listens on. */
export const serverHost = "127.0.0.1";

/** How a private server process is run and recognised; one per kind of server (nats-server, redis-server). */
export interface ServerKind {
  /** Name in messages and in the data dir's prefix, e.g. "nats-server". */
  name: string;
  /** Path of the binary. */
  binary: string;
  /** Command-line arguments for a server on `port` keeping its data in `dataDir`. */
  args(port: number, dataDir: string): string[];
  /** Whether the server listening on `port` is the process `pid` whose output so far is `output` (never a foreign one). */
  isOurs(port: number, pid: number, output: string): Promise<boolean>;
  /** How long a start may take until `isOurs`, in ms. */
  startTimeoutMs: number;
  /** How long a graceful stop may take before the process is killed, in ms. */
  stopTimeoutMs: number;
}

/** How `stop` ends a private server. */
export interface ServerStopOptions {
  /** SIGTERM (default) shuts down gracefully; SIGKILL simulates a crash. */
  signal?: "SIGTERM" | "SIGKILL";
}

/** A private server on 127.0.0.1 for tests that stop and restart it; its port and URL stay the same across restarts. */
export interface PrivateServer extends AsyncDisposable {
  /** Client URL, e.g. `nats://127.0.0.1:<port>`. */
  readonly url: string;
  /** Client port. */
  readonly port: number;
  /** True while the server process is up. */
  readonly running: boolean;
  /** Stops the server and waits for the process to exit; a no-op when stopped. */
  stop(options?: ServerStopOptions): Promise<void>;
  /** Starts it again on the same port and data, resolving once it serves; a no-op when running. */
  start(): Promise<void>;
  /** Stops the server and removes its data; the server cannot be started again. */
  dispose(): Promise<void>;
}

/** Thrown when a server does not come up; `portInUse` when another process took its port meanwhile. */
class ServerStartError extends Error {
  constructor(
    message: string,
    readonly portInUse: boolean,
  ) {
    super(message);
    this.name = "ServerStartError";
  }
}

const maxPortAttempts = 5;
const undisposed = new Set<ServerProcess>();
let exitHooksInstalled = false;

/**
 * Spawns a private server (made by `create` on a port and data dir) on a free loopback port with a
 * fresh data dir, resolving once it is ours and serving.
 */
export async function startServerProcess<Server extends ServerProcess>(
  kind: ServerKind,
  create: (port: number, dataDir: string) => Server,
): Promise<Server> {
  installExitHooks();
  let lastError: unknown;
  for (let attempt = 0; attempt < maxPortAttempts; attempt++) {
    const dataDir = await mkdtemp(join(tmpdir(), `mercato-${kind.name}-`));
    const server = create(await freePort(serverHost), dataDir);
    try {
      await server.start();
      return server;
    } catch (error) {
      lastError = error;
      await server.dispose();
      // Another process may take the port between freePort() and the server's bind; try another port.
      if (!(error instanceof ServerStartError && error.portInUse)) break;
    }
  }
  throw lastError;
}

/** One private server process: the same port and data dir across stops and starts, operations one at a time. */
export class ServerProcess implements AsyncDisposable {
  #child: ChildProcess | undefined;
  #exited: Promise<void> = Promise.resolve();
  #output: string[] = [];
  #paused = false;
  #disposed = false;
  #queue: Promise<unknown> = Promise.resolve();

  constructor(
    protected readonly kind: ServerKind,
    readonly port: number,
    readonly dataDir: string,
  ) {
    undisposed.add(this);
  }

  /** True while the process is up (paused included). */
  get running(): boolean {
    return this.#child !== undefined;
  }

  /** True while the process is stopped by SIGSTOP: it holds its port and connections but answers nothing. */
  get paused(): boolean {
    return this.#paused;
  }

  /** Starts the process again on the same port and data dir; a no-op when running. */
  start(): Promise<void> {
    return this.#serialize(() => this.#start());
  }

  /** Stops the process and waits for it to exit; a no-op when stopped. */
  stop(options: ServerStopOptions = {}): Promise<void> {
    return this.#serialize(() => this.#stop(options.signal ?? "SIGTERM"));
  }

  /** Freezes the process (SIGSTOP): clients stay connected and can connect, but get no answer. */
  pause(): Promise<void> {
    return this.#serialize(async () => {
      if (!this.#child) throw new Error(`the ${this.kind.name} on port ${this.port} is not running`);
      this.#child.kill("SIGSTOP");
      this.#paused = true;
    });
  }

  /** Lets a paused process run again (SIGCONT); a no-op when not paused. */
  resume(): Promise<void> {
    return this.#serialize(async () => this.#resume());
  }

  /** Stops the process and removes its data dir; it cannot be started again. */
  dispose(): Promise<void> {
    return this.#serialize(async () => {
      if (this.#disposed) return;
      await this.#stop("SIGTERM");
      this.#disposed = true;
      undisposed.delete(this);
      await rm(this.dataDir, { recursive: true, force: true });
    });
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.dispose();
  }

  /** Synchronous last-resort cleanup for process exit: kill the child and remove the data dir. */
  killSync(): void {
    this.#child?.kill("SIGKILL");
    this.#child = undefined;
    rmSync(this.dataDir, { recursive: true, force: true });
  }

  #serialize<T>(operation: () => Promise<T>): Promise<T> {
    const result = this.#queue.then(operation);
    this.#queue = result.catch(() => undefined);
    return result;
  }

  async #start(): Promise<void> {
    const { kind } = this;
    if (this.#disposed) throw new Error(`the ${kind.name} on port ${this.port} was disposed`);
    if (this.#child) return;
    this.#output = [];
    const child = spawn(kind.binary, kind.args(this.port, this.dataDir), {
      stdio: ["ignore", "pipe", "pipe"],
    });
    this.#child = child;
    child.stdout?.on("data", (chunk: Buffer) => this.#record(chunk));
    child.stderr?.on("data", (chunk: Buffer) => this.#record(chunk));

    let failure: Error | undefined;
    this.#exited = new Promise<void>((resolve) => {
      child.once("error", (error) => {
        failure ??= error;
        resolve();
      });
      child.once("exit", (code, signal) => {
        failure ??= new Error(`exited with ${signal ?? `code ${code}`}`);
        resolve();
      });
    }).then(() => {
      if (this.#child === child) {
        this.#child = undefined;
        this.#paused = false;
      }
    });

    const deadline = performance.now() + kind.startTimeoutMs;
    while (performance.now() < deadline) {
      if (failure) break;
      if (child.pid !== undefined && (await kind.isOurs(this.port, child.pid, this.#output.join("")))) return;
      await sleep(25);
    }
    const output = this.#output.join("").trim();
    const reason = failure ? failure.message : `did not serve within ${kind.startTimeoutMs} ms`;
    throw new ServerStartError(
      `${kind.name} (${kind.binary}) on port ${this.port} ${reason}${output ? `\n${output}` : ""}`,
      /address already in use/i.test(output),
    );
  }

  async #stop(signal: NodeJS.Signals): Promise<void> {
    const child = this.#child;
    if (!child) return;
    child.kill(signal);
    // A stopped process only acts on the signal once it runs again.
    this.#resume();
    const timer = new AbortController();
    const exited = await Promise.race([
      this.#exited.then(() => true),
      sleep(this.kind.stopTimeoutMs, false, { signal: timer.signal }).catch(() => false),
    ]);
    timer.abort();
    if (!exited) {
      child.kill("SIGKILL");
      await this.#exited;
    }
  }

  #resume(): void {
    if (!this.#paused) return;
    this.#child?.kill("SIGCONT");
    this.#paused = false;
  }

  #record(chunk: Buffer): void {
    this.#output.push(chunk.toString("utf8"));
    if (this.#output.length > 200) this.#output.splice(0, this.#output.length - 200);
  }
}

/** Kills every still-running server when the test process exits or is told to stop, so none is orphaned. */
function installExitHooks(): void {
  if (exitHooksInstalled) return;
  exitHooksInstalled = true;
  const killAll = () => {
    for (const server of undisposed) {
      try {
        server.killSync();
      } catch {
        // Best effort while the process is going away.
      }
    }
    undisposed.clear();
  };
  process.once("exit", killAll);
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    process.once(signal, () => {
      killAll();
      // Our listener replaced the default action; restore it unless someone else handles the signal.
      if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
    });
  }
}
