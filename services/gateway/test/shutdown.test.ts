import { once } from "node:events";
import { connect, type Socket } from "node:net";
import { ConfigError, createLogger, parseConfig } from "@mercato/platform";
import { afterEach, describe, expect, it } from "vitest";
import { createGateway, type Gateway, gatewayConfigSchema } from "../src/index.js";

const query = JSON.stringify({ query: "{ __typename }" });

/** A socket that has sent a POST /graphql's headers and the first `sent` bytes of its body. */
async function halfSentRequest(
  url: string,
  sent: number,
): Promise<{ socket: Socket; received: () => string }> {
  const { hostname, port } = new URL(url);
  const socket = connect({ host: hostname, port: Number(port) });
  await once(socket, "connect");
  let text = "";
  socket.on("data", (chunk: Buffer) => {
    text += chunk.toString();
  });
  socket.write(
    `POST /graphql HTTP/1.1\r\nhost: ${hostname}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(query)}\r\n\r\n${query.slice(0, sent)}`,
  );
  return { socket, received: () => text };
}

describe("the gateway stopping", () => {
  let gateway: Gateway | undefined;
  afterEach(async () => {
    await gateway?.app.close();
    gateway = undefined;
  });

  /** The gateway's URL, and a promise of the first request it routes (closing before would refuse it with 503). */
  async function start(env: Record<string, string>): Promise<{ url: string; routed: Promise<void> }> {
    gateway = await createGateway({
      config: parseConfig(gatewayConfigSchema, env),
      services: [],
      logger: createLogger({ service: "gateway", level: "silent" }),
    });
    const routed = new Promise<void>((resolve) => gateway?.app.addHook("onRequest", async () => resolve()));
    return { url: await gateway.app.listen({ host: "127.0.0.1", port: 0 }), routed };
  }

  it("lets a request in flight finish within the grace", async () => {
    const { url, routed } = await start({ SHUTDOWN_GRACE_MS: "60000" });
    const { socket, received } = await halfSentRequest(url, 5);
    await routed;
    const ended = once(socket, "close");
    const closing = gateway?.app.close();
    // The rest of the body arrives after closing began: it is still answered, and the client told
    // to take its next request elsewhere, so the gateway stops without waiting out the grace.
    socket.write(query.slice(5));
    await closing;
    await ended;
    expect(received()).toMatch(/^HTTP\/1\.1 200 /);
    expect(received().toLowerCase()).toContain("connection: close");
    expect(received()).toContain('"__typename":"Query"');
  });

  it("cuts a client that never finishes its request once the grace is over, instead of waiting for it", async () => {
    const { url, routed } = await start({ SHUTDOWN_GRACE_MS: "200" });
    const { socket, received } = await halfSentRequest(url, 5);
    await routed;
    const ended = once(socket, "close");
    await gateway?.app.close();
    await ended;
    expect(received()).toBe("");
  });

  it("refuses a SHUTDOWN_GRACE_MS that is not a positive number of milliseconds, naming it", () => {
    for (const SHUTDOWN_GRACE_MS of ["soon", "0", "-5", "1.5"]) {
      expect(() => parseConfig(gatewayConfigSchema, { SHUTDOWN_GRACE_MS })).toThrow(ConfigError);
      expect(() => parseConfig(gatewayConfigSchema, { SHUTDOWN_GRACE_MS })).toThrow(/SHUTDOWN_GRACE_MS/);
    }
  });
});
