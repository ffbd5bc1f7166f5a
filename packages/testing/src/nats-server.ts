import { type ChildProcess, spawn } from "node:child_process";
import { rmSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { freePort } from "./free-port.js";

/** How `startNatsServer` runs its private nats-server. */
export interface NatsServerOptions {
  /** Path of the nats-server binary; default `$NATS_SERVER_BIN` or /usr/sbin/nats-server. */
  binary?: string;
  /** Extra command-line arguments appended after the defaults. */
  args?: readonly string[];
  /** How long a start may take until the server greets a TCP client, in ms; default 15000. */
  startTimeoutMs?: number;
  /** How long a graceful stop may take before the process is killed, in ms; default 10000. */
  stopTimeoutMs?: number;
}

/** How `NatsServer.stop` ends the process. */
export interface NatsStopOptions {
  /** SIGTERM (default) shuts down gracefully; SIGKILL simulates a crash and may lose unsynced JetStream writes. */
  signal?: "SIGTERM" | "SIGKILL";
}

/** A private nats-server with JetStream on 127.0.0.1, for tests that stop and restart the bus. */
export interface NatsServer extends AsyncDisposable {
  /** Client URL, `nats://127.0.0.1:<port>`; the same across restarts. */
  readonly url: string;
  /** Client port; the same across restarts. */
  readonly port: number;
  /** JetStream store directory; kept across restarts, removed by `dispose`. */
  readonly storeDir: string;
  /** True while the server process is up. */
  readonly running: boolean;
  /** Stops the server and waits for the process to exit; a no-op when stopped. */
  stop(options?: NatsStopOptions): Promise<void>;
  /** Starts it again on the same port and store dir, resolving once it greets clients; a no-op when running. */
  start(): Promise<void>;
  /** Stops the server and removes its store directory; the server cannot be started again. */
  dispose(): Promise<void>;
}

const defaultBinary = "/usr/sbin/nats-server";
const host = "127.0.0.1";
const maxPortAttempts = 5;
const undisposed = new Set<NatsServerProcess>();
let exitHooksInstalled = false;

/** Spawns a private nats-server with JetStream on a free port and a fresh store dir, resolving once it accepts clients. */
export async function startNatsServer(options: NatsServerOptions = {}): Promise<NatsServer> {
  installExitHooks();
  let lastError: unknown;
  for (let attempt = 0; attempt < maxPortAttempts; attempt++) {
    const storeDir = await mkdtemp(join(tmpdir(), "mercato-nats-"));
    const server = new NatsServerProcess(await freePort(host), storeDir, options);
    try {
      await server.start();
      return server;
    } catch (error) {
      lastError = error;
      await server.dispose();
      // Another process may take the port between freePort() and the server's bind; try another port.
      if (!(error instanceof NatsStartError && error.portInUse)) break;
    }
  }
  throw lastError;
}

class NatsStartError extends Error {
  constructor(
    message: string,
    readonly portInUse: boolean,
  ) {
    super(message);
    this.name = "NatsStartError";
  }
}

class NatsServerProcess implements NatsServer {
  readonly url: string;
  readonly #binary: string;
  readonly #args: readonly string[];
  readonly #startTimeoutMs: number;
  readonly #stopTimeoutMs: number;
  #child: ChildProcess | undefined;
  #exited: Promise<void> = Promise.resolve();
  #output: string[] = [];
  #serverId: string | undefined;
  #disposed = false;
  #queue: Promise<unknown> = Promise.resolve();

  constructor(
    readonly port: number,
    readonly storeDir: string,
    options: NatsServerOptions,
  ) {
    this.url = `nats://${host}:${port}`;
    this.#binary = options.binary ?? process.env.NATS_SERVER_BIN ?? defaultBinary;
    this.#args = options.args ?? [];
    this.#startTimeoutMs = options.startTimeoutMs ?? 15_000;
    this.#stopTimeoutMs = options.stopTimeoutMs ?? 10_000;
    undisposed.add(this);
  }

  get running(): boolean {
    return this.#child !== undefined;
  }

  start(): Promise<void> {
    return this.#serialize(() => this.#start());
  }

  stop(options: NatsStopOptions = {}): Promise<void> {
    return this.#serialize(() => this.#stop(options.signal ?? "SIGTERM"));
  }

  dispose(): Promise<void> {
    return this.#serialize(async () => {
      if (this.#disposed) return;
      await this.#stop("SIGTERM");
      this.#disposed = true;
      undisposed.delete(this);
      await rm(this.storeDir, { recursive: true, force: true });
    });
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.dispose();
  }

  /** Synchronous last-resort cleanup for process exit: kill the child and remove the store dir. */
  killSync(): void {
    this.#child?.kill("SIGKILL");
    this.#child = undefined;
    rmSync(this.storeDir, { recursive: true, force: true });
  }

  #serialize<T>(operation: () => Promise<T>): Promise<T> {
    const result = this.#queue.then(operation);
    this.#queue = result.catch(() => undefined);
    return result;
  }

  async #start(): Promise<void> {
    if (this.#disposed) throw new Error(`the nats-server on port ${this.port} was disposed`);
    if (this.#child) return;
    this.#output = [];
    this.#serverId = undefined;
    const args = ["-a", host, "-p", String(this.port), "-js", "-sd", this.storeDir, ...this.#args];
    const child = spawn(this.#binary, args, { stdio: ["ignore", "pipe", "pipe"] });
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
      if (this.#child === child) this.#child = undefined;
    });

    const deadline = performance.now() + this.#startTimeoutMs;
    while (performance.now() < deadline) {
      if (failure) break;
      // Compare server ids so that a foreign server holding the port never counts as ours.
      if (this.#serverId !== undefined && (await greetingServerId(this.port)) === this.#serverId) return;
      await sleep(25);
    }
    const output = this.#output.join("").trim();
    const reason = failure ? failure.message : `did not greet clients within ${this.#startTimeoutMs} ms`;
    throw new NatsStartError(
      `nats-server (${this.#binary}) on port ${this.port} ${reason}${output ? `\n${output}` : ""}`,
      /address already in use/i.test(output),
    );
  }

  async #stop(signal: NodeJS.Signals): Promise<void> {
    const child = this.#child;
    if (!child) return;
    child.kill(signal);
    const timer = new AbortController();
    const exited = await Promise.race([
      this.#exited.then(() => true),
      sleep(this.#stopTimeoutMs, false, { signal: timer.signal }).catch(() => false),
    ]);
    timer.abort();
    if (!exited) {
      child.kill("SIGKILL");
      await this.#exited;
    }
  }

  #record(chunk: Buffer): void {
    this.#output.push(chunk.toString("utf8"));
    this.#serverId ??= /\bID:\s+(\S+)/.exec(this.#output.join(""))?.[1];
    if (this.#output.length > 200) this.#output.splice(0, this.#output.length - 200);
  }
}

/** The `server_id` from the INFO line sent by whatever listens on 127.0.0.1:port, undefined when nothing greets. */
function greetingServerId(port: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    let received = "";
    const finish = (serverId: string | undefined) => {
      socket.destroy();
      resolve(serverId);
    };
    socket.setTimeout(1000, () => finish(undefined));
    socket.on("error", () => finish(undefined));
    socket.on("close", () => finish(undefined));
    socket.on("data", (chunk: Buffer) => {
      received += chunk.toString("utf8");
      const end = received.indexOf("\r\n");
      if (end >= 0) finish(parseInfoServerId(received.slice(0, end)));
    });
  });
}

function parseInfoServerId(line: string): string | undefined {
  if (!line.startsWith("INFO ")) return undefined;
  try {
    const info: unknown = JSON.parse(line.slice(5));
    if (
      typeof info === "object" &&
      info !== null &&
      "server_id" in info &&
      typeof info.server_id === "string"
    ) {
      return info.server_id;
    }
  } catch {
    // Not a NATS server; treat as no greeting.
  }
  return undefined;
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
