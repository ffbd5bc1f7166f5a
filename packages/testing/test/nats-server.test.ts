import { existsSync } from "node:fs";
import { connect } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { type NatsServer, startNatsServer } from "../src/index.js";

const host = "127.0.0.1";
const servers: NatsServer[] = [];

async function start(): Promise<NatsServer> {
  const server = await startNatsServer();
  servers.push(server);
  return server;
}

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.dispose()));
});

/** Opens a raw TCP connection and resolves with the first protocol line, or rejects with the socket error. */
function readGreeting(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    let received = "";
    socket.setTimeout(5000, () => {
      socket.destroy();
      reject(new Error("no greeting within 5000 ms"));
    });
    socket.on("error", reject);
    socket.on("data", (chunk: Buffer) => {
      received += chunk.toString("utf8");
      const end = received.indexOf("\r\n");
      if (end >= 0) {
        socket.destroy();
        resolve(received.slice(0, end));
      }
    });
  });
}

/** Sends one request over the raw NATS protocol and resolves with the reply payload. */
function request(port: number, subject: string, payload: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    let received = "";
    socket.setTimeout(5000, () => {
      socket.destroy();
      reject(new Error(`no reply on ${subject} within 5000 ms; got ${JSON.stringify(received)}`));
    });
    socket.on("error", reject);
    socket.on("data", (chunk: Buffer) => {
      received += chunk.toString("utf8");
      const header = /MSG _INBOX\.test 1 (\d+)\r\n/.exec(received);
      if (!header) return;
      const start = header.index + header[0].length;
      const body = received.slice(start, start + Number(header[1]));
      if (body.length < Number(header[1])) return;
      socket.destroy();
      resolve(body);
    });
    socket.write(
      `CONNECT {"verbose":false,"pedantic":false}\r\nSUB _INBOX.test 1\r\n` +
        `PUB ${subject} _INBOX.test ${Buffer.byteLength(payload)}\r\n${payload}\r\n`,
    );
  });
}

function parseInfo(line: string): Record<string, unknown> {
  expect(line.startsWith("INFO ")).toBe(true);
  return JSON.parse(line.slice("INFO ".length)) as Record<string, unknown>;
}

describe("startNatsServer", () => {
  it("starts a private server with JetStream on a free port that greets with an INFO line", async () => {
    const server = await start();

    expect(server.port).not.toBe(4222);
    expect(server.url).toBe(`nats://127.0.0.1:${server.port}`);
    expect(server.running).toBe(true);
    const info = parseInfo(await readGreeting(server.port));
    expect(info.port).toBe(server.port);
    expect(info.jetstream).toBe(true);
  });

  it("refuses connections after stop and accepts them again on the same port after start", async () => {
    const server = await start();
    const { port, url } = server;

    await server.stop();
    expect(server.running).toBe(false);
    await expect(readGreeting(port)).rejects.toMatchObject({ code: "ECONNREFUSED" });

    await server.start();
    expect(server.running).toBe(true);
    expect(server.port).toBe(port);
    expect(server.url).toBe(url);
    expect(parseInfo(await readGreeting(port)).port).toBe(port);
  });

  it("keeps JetStream streams across a restart", async () => {
    const server = await start();
    const created = JSON.parse(
      await request(
        server.port,
        "$JS.API.STREAM.CREATE.RESTART",
        JSON.stringify({ name: "RESTART", subjects: ["restart.>"] }),
      ),
    ) as { error?: unknown; config?: { name?: string } };
    expect(created.error).toBeUndefined();

    await server.stop();
    await server.start();

    const info = JSON.parse(await request(server.port, "$JS.API.STREAM.INFO.RESTART", "")) as {
      error?: unknown;
      config?: { name?: string };
    };
    expect(info.error).toBeUndefined();
    expect(info.config?.name).toBe("RESTART");
  });

  it("survives a crash stop (SIGKILL) and restarts on the same port", async () => {
    const server = await start();

    await server.stop({ signal: "SIGKILL" });
    await expect(readGreeting(server.port)).rejects.toMatchObject({ code: "ECONNREFUSED" });
    await server.start();

    expect(parseInfo(await readGreeting(server.port)).port).toBe(server.port);
  });

  it("treats start on a running server and stop on a stopped one as no-ops", async () => {
    const server = await start();
    const serverId = parseInfo(await readGreeting(server.port)).server_id;

    await server.start();
    expect(parseInfo(await readGreeting(server.port)).server_id).toBe(serverId);
    await server.stop();
    await server.stop();
    expect(server.running).toBe(false);
  });

  it("gives concurrent servers different ports", async () => {
    const [a, b] = await Promise.all([start(), start()]);

    expect(a?.port).not.toBe(b?.port);
  });

  it("removes the store directory on dispose and refuses to start again", async () => {
    const server = await startNatsServer();
    expect(existsSync(server.storeDir)).toBe(true);

    await server.dispose();

    expect(server.running).toBe(false);
    expect(existsSync(server.storeDir)).toBe(false);
    await expect(readGreeting(server.port)).rejects.toMatchObject({ code: "ECONNREFUSED" });
    await expect(server.start()).rejects.toThrow(/disposed/);
  });

  it("reports a missing binary with its path", async () => {
    await expect(startNatsServer({ binary: "/nonexistent/nats-server" })).rejects.toThrow(
      /\/nonexistent\/nats-server.*ENOENT/,
    );
  });
});
