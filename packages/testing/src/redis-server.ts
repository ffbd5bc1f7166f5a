import { connect } from "node:net";
import {
  type PrivateServer,
  type ServerKind,
  ServerProcess,
  serverHost,
  startServerProcess,
} from "./server-process.js";

/** How `startRedisServer` runs its private redis-server. */
export interface RedisServerOptions {
  /** Path of the redis-server binary; default `$REDIS_SERVER_BIN` or /usr/bin/redis-server. */
  binary?: string;
  /**
   * Keep the data across stop and start (an append-only file synced on every write); default false:
   * each start is empty, like a cache that lost its memory.
   */
  persistent?: boolean;
  /** Extra command-line arguments appended after the defaults (e.g. `["--maxmemory", "10mb"]`). */
  args?: readonly string[];
  /** How long a start may take until the server answers, in ms; default 15000. */
  startTimeoutMs?: number;
  /** How long a graceful stop may take before the process is killed, in ms; default 10000. */
  stopTimeoutMs?: number;
}

/** A private redis-server on 127.0.0.1 (`redis://127.0.0.1:<port>`), for tests that stop, freeze and restart Redis. */
export interface RedisServer extends PrivateServer {
  /** Working directory (the append-only file when persistent); kept across restarts, removed by `dispose`. */
  readonly dataDir: string;
  /** True while the process is frozen by `pause`. */
  readonly paused: boolean;
  /**
   * Freezes the process (SIGSTOP), which is what a hung Redis looks like: connections stay open and
   * new ones are accepted by the kernel, but no command is answered until `resume`.
   */
  pause(): Promise<void>;
  /** Lets a paused server answer again (SIGCONT); a no-op when not paused. */
  resume(): Promise<void>;
}

const defaultBinary = "/usr/bin/redis-server";

/** Spawns a private redis-server on a free port with a fresh data dir, resolving once it answers commands. */
export function startRedisServer(options: RedisServerOptions = {}): Promise<RedisServer> {
  const persistence = options.persistent
    ? ["--appendonly", "yes", "--appendfsync", "always"]
    : ["--appendonly", "no"];
  const extra = options.args ?? [];
  const kind: ServerKind = {
    name: "redis-server",
    binary: options.binary ?? process.env.REDIS_SERVER_BIN ?? defaultBinary,
    args: (port, dataDir) => [
      "--port",
      String(port),
      "--bind",
      serverHost,
      "--dir",
      dataDir,
      "--save",
      "",
      ...persistence,
      "--daemonize",
      "no",
      "--logfile",
      "",
      ...extra,
    ],
    // Ours when INFO names this process; ready once it is done loading its data.
    isOurs: async (port, pid) => {
      const info = await serverInfo(port);
      return info?.get("process_id") === String(pid) && info.get("loading") === "0";
    },
    startTimeoutMs: options.startTimeoutMs ?? 15_000,
    stopTimeoutMs: options.stopTimeoutMs ?? 10_000,
  };
  return startServerProcess(kind, (port, dataDir) => new RedisServerProcess(kind, port, dataDir));
}

class RedisServerProcess extends ServerProcess implements RedisServer {
  readonly url = `redis://${serverHost}:${this.port}`;
}

/** The fields of INFO from whatever listens on 127.0.0.1:port, undefined when nothing answers it within 1 s. */
function serverInfo(port: number): Promise<Map<string, string> | undefined> {
  return new Promise((resolve) => {
    const socket = connect({ host: serverHost, port });
    let received = "";
    const finish = (info: Map<string, string> | undefined) => {
      socket.destroy();
      resolve(info);
    };
    socket.setTimeout(1000, () => finish(undefined));
    socket.on("error", () => finish(undefined));
    socket.on("close", () => finish(undefined));
    socket.on("connect", () => socket.write("INFO\r\n"));
    socket.on("data", (chunk: Buffer) => {
      received += chunk.toString("utf8");
      // The answer is one bulk string: `$<bytes>\r\n<fields>\r\n`; anything else is not Redis.
      const header = /^\$(\d+)\r\n/.exec(received);
      if (!header) {
        if (received.includes("\r\n")) finish(undefined);
        return;
      }
      const body = Buffer.from(received.slice(header[0].length), "utf8");
      if (body.length < Number(header[1])) return;
      const fields = new Map<string, string>();
      for (const line of body.toString("utf8").split("\r\n")) {
        const colon = line.indexOf(":");
        if (colon > 0 && !line.startsWith("#")) fields.set(line.slice(0, colon), line.slice(colon + 1));
      }
      finish(fields);
    });
  });
}
