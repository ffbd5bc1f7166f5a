import { existsSync } from "node:fs";
import { connect } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { type RedisServer, type RedisServerOptions, startRedisServer } from "../src/index.js";

const host = "127.0.0.1";
const servers: RedisServer[] = [];

async function start(options?: RedisServerOptions): Promise<RedisServer> {
  const server = await startRedisServer(options);
  servers.push(server);
  return server;
}

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.dispose()));
});

/** Sends inline commands over a raw connection and resolves with the raw reply once it holds `replies` CRLF-ended lines. */
function send(
  port: number,
  commands: string[],
  replies = commands.length,
  timeoutMs = 5000,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    let received = "";
    socket.setTimeout(timeoutMs, () => {
      socket.destroy();
      reject(new Error(`no reply within ${timeoutMs} ms; got ${JSON.stringify(received)}`));
    });
    socket.on("error", reject);
    socket.on("connect", () => socket.write(commands.map((command) => `${command}\r\n`).join("")));
    socket.on("data", (chunk: Buffer) => {
      received += chunk.toString("utf8");
      if (received.split("\r\n").length > replies) {
        socket.destroy();
        resolve(received);
      }
    });
  });
}

describe("startRedisServer", () => {
  it("starts a private server on a free port that answers commands", async () => {
    const server = await start();

    expect(server.port).not.toBe(6379);
    expect(server.url).toBe(`redis://127.0.0.1:${server.port}`);
    expect(server.running).toBe(true);
    expect(await send(server.port, ["SET k v", "GET k"], 3)).toBe("+OK\r\n$1\r\nv\r\n");
  });

  it("refuses connections after stop, and starts again empty on the same port", async () => {
    const server = await start();
    const { port, url } = server;
    await send(port, ["SET k v"]);

    await server.stop();
    expect(server.running).toBe(false);
    await expect(send(port, ["PING"])).rejects.toMatchObject({ code: "ECONNREFUSED" });

    await server.start();
    expect(server.port).toBe(port);
    expect(server.url).toBe(url);
    expect(await send(port, ["GET k"])).toBe("$-1\r\n");
  });

  it("keeps its data across a restart when persistent", async () => {
    const server = await start({ persistent: true });
    await send(server.port, ["SET k kept"]);

    await server.stop();
    await server.start();

    expect(await send(server.port, ["GET k"], 2)).toBe("$4\r\nkept\r\n");
  });

  it("accepts connections but answers nothing while paused, and answers what was sent once resumed", async () => {
    const server = await start();

    await server.pause();
    expect(server.paused).toBe(true);
    const reply = send(server.port, ["PING"], 1, 10_000);
    await expect(send(server.port, ["PING"], 1, 300)).rejects.toThrow(/no reply within 300 ms/);

    await server.resume();
    expect(server.paused).toBe(false);
    expect(await reply).toBe("+PONG\r\n");
  });

  it("stops a paused server", async () => {
    const server = await start();
    await server.pause();

    await server.stop();

    expect(server.running).toBe(false);
    expect(server.paused).toBe(false);
    await expect(send(server.port, ["PING"])).rejects.toMatchObject({ code: "ECONNREFUSED" });
    await server.start();
    expect(await send(server.port, ["PING"])).toBe("+PONG\r\n");
  });

  it("survives a crash stop (SIGKILL) and restarts on the same port", async () => {
    const server = await start();

    await server.stop({ signal: "SIGKILL" });
    await expect(send(server.port, ["PING"])).rejects.toMatchObject({ code: "ECONNREFUSED" });
    await server.start();

    expect(await send(server.port, ["PING"])).toBe("+PONG\r\n");
  });

  it("gives concurrent servers different ports", async () => {
    const [a, b] = await Promise.all([start(), start()]);

    expect(a?.port).not.toBe(b?.port);
  });

  it("removes the data directory on dispose and refuses to start again", async () => {
    const server = await startRedisServer({ persistent: true });
    expect(existsSync(server.dataDir)).toBe(true);

    await server.dispose();

    expect(server.running).toBe(false);
    expect(existsSync(server.dataDir)).toBe(false);
    await expect(send(server.port, ["PING"])).rejects.toMatchObject({ code: "ECONNREFUSED" });
    await expect(server.start()).rejects.toThrow(/disposed/);
  });

  it("reports a missing binary with its path", async () => {
    await expect(startRedisServer({ binary: "/nonexistent/redis-server" })).rejects.toThrow(
      /\/nonexistent\/redis-server.*ENOENT/,
    );
  });
});
