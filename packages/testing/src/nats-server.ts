import { connect } from "node:net";
import {
  type PrivateServer,
  type ServerKind,
  ServerProcess,
  type ServerStopOptions,
  serverHost,
  startServerProcess,
} from "./server-process.js";

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

/** How `NatsServer.stop` ends the process; SIGKILL may lose unsynced JetStream writes. */
export type NatsStopOptions = ServerStopOptions;

/** A private nats-server with JetStream on 127.0.0.1 (`nats://127.0.0.1:<port>`), for tests that stop and restart the bus. */
export interface NatsServer extends PrivateServer {
  /** JetStream store directory; kept across restarts, removed by `dispose`. */
  readonly storeDir: string;
}

const defaultBinary = "/usr/sbin/nats-server";

/** Spawns a private nats-server with JetStream on a free port and a fresh store dir, resolving once it accepts clients. */
export function startNatsServer(options: NatsServerOptions = {}): Promise<NatsServer> {
  const extra = options.args ?? [];
  const kind: ServerKind = {
    name: "nats-server",
    binary: options.binary ?? process.env.NATS_SERVER_BIN ?? defaultBinary,
    args: (port, dataDir) => ["-a", serverHost, "-p", String(port), "-js", "-sd", dataDir, ...extra],
    // Compare server ids so that a foreign server holding the port never counts as ours.
    isOurs: async (port, _pid, output) => {
      const serverId = /\bID:\s+(\S+)/.exec(output)?.[1];
      return serverId !== undefined && (await greetingServerId(port)) === serverId;
    },
    startTimeoutMs: options.startTimeoutMs ?? 15_000,
    stopTimeoutMs: options.stopTimeoutMs ?? 10_000,
  };
  return startServerProcess(kind, (port, dataDir) => new NatsServerProcess(kind, port, dataDir));
}

class NatsServerProcess extends ServerProcess implements NatsServer {
  readonly url = `nats://${serverHost}:${this.port}`;

  get storeDir(): string {
    return this.dataDir;
  }
}

/** The `server_id` from the INFO line sent by whatever listens on 127.0.0.1:port, undefined when nothing greets. */
function greetingServerId(port: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    const socket = connect({ host: serverHost, port });
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
