// Calls spread over a service's replicas (ADR 0047): two replicas on the same port at 127.0.0.1
// and 127.0.0.2 (both loopback on Linux) behind one name that "DNS" answers with both addresses,
// as a headless Service does; then one replica goes away and comes back.
import http2 from "node:http2";
import { create } from "@bufbuild/protobuf";
import type { ConnectRouter } from "@connectrpc/connect";
import { connectNodeAdapter } from "@connectrpc/connect-node";
import {
  GetItemResponseSchema,
  ItemService,
  PutItemResponseSchema,
} from "@mercato/contracts/mercato/testkit/v1/item_pb";
import { freePort } from "@mercato/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRpcClient, ServiceEndpoints } from "../src/index.js";

/** A replica that answers GetItem and PutItem with its own name, counting the calls it took. */
function replica(name: string, host: string, port: number) {
  let calls = 0;
  const routes = (router: ConnectRouter) =>
    router.service(ItemService, {
      getItem: () => {
        calls += 1;
        return create(GetItemResponseSchema, { item: { id: "0190a000-0000-7000-8000-000000000000", name } });
      },
      putItem: (request) => {
        calls += 1;
        return create(PutItemResponseSchema, {
          item: { id: "0190a000-0000-7000-8000-000000000001", name: `${request.name} at ${name}` },
        });
      },
      listItems: () => ({}),
    });
  const server = http2.createServer(connectNodeAdapter({ routes }));
  const sockets = new Set<import("node:net").Socket>();
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  });
  return {
    calls: () => calls,
    listen: () => new Promise<void>((resolve) => server.listen(port, host, resolve)),
    /** Gone as a killed pod is: the port closes and every connection drops. */
    kill: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  };
}

describe("ServiceEndpoints", () => {
  it("takes every address of a name and of a comma-separated list in turn", async () => {
    const endpoints = new ServiceEndpoints("http://orders:8080, http://10.0.0.9:8080", {
      lookup: async () => ["10.0.0.1", "10.0.0.2"],
    });
    const seen = new Set<string>();
    for (let i = 0; i < 6; i++) seen.add(await endpoints.next());
    expect([...seen].sort()).toEqual([
      "http://10.0.0.1:8080",
      "http://10.0.0.2:8080",
      "http://10.0.0.9:8080",
    ]);
  });

  it("follows the name as replicas come and go, and keeps the last answer while DNS fails", async () => {
    let answer: string[] | Error = ["10.0.0.1"];
    const endpoints = new ServiceEndpoints("http://inventory:8080", {
      resolveEveryMs: 0,
      lookup: async () => {
        if (answer instanceof Error) throw answer;
        return answer;
      },
    });
    await endpoints.next();
    expect(endpoints.current()).toEqual(["http://10.0.0.1:8080"]);
    answer = ["10.0.0.2", "10.0.0.3"];
    await endpoints.refresh();
    expect(endpoints.current()).toEqual(["http://10.0.0.2:8080", "http://10.0.0.3:8080"]);
    answer = new Error("SERVFAIL");
    await endpoints.refresh();
    expect(endpoints.current()).toEqual(["http://10.0.0.2:8080", "http://10.0.0.3:8080"]);
  });

  it("leaves out an endpoint that refused, unless every one did", async () => {
    const endpoints = new ServiceEndpoints("http://10.0.0.1:8080,http://10.0.0.2:8080", {
      downForMs: 60_000,
    });
    endpoints.down("http://10.0.0.1:8080");
    for (let i = 0; i < 4; i++) expect(await endpoints.next()).toBe("http://10.0.0.2:8080");
    endpoints.down("http://10.0.0.2:8080");
    const seen = new Set([await endpoints.next(), await endpoints.next()]);
    expect(seen.size).toBe(2);
  });

  it("keeps a name DNS does not know as written", async () => {
    const endpoints = new ServiceEndpoints("http://localhost:9004,http://only-in-etc-hosts:9005", {
      lookup: async () => [],
    });
    await endpoints.next();
    expect(endpoints.current()).toEqual(["http://localhost:9004", "http://only-in-etc-hosts:9005"]);
  });
});

describe.each([
  { path: "direct", direct: true },
  { path: "connect-node", direct: false },
])("a client on the $path path with two replicas behind one name", ({ direct }) => {
  let port: number;
  let one: ReturnType<typeof replica>;
  let two: ReturnType<typeof replica>;
  beforeAll(async () => {
    port = await freePort();
    one = replica("one", "127.0.0.1", port);
    two = replica("two", "127.0.0.2", port);
    await Promise.all([one.listen(), two.listen()]);
  });
  afterAll(async () => {
    await Promise.allSettled([one.kill(), two.kill()]);
  });

  it("spreads its calls over both, on one connection each", async () => {
    const client = createRpcClient(ItemService, {
      baseUrl: `http://items.internal:${port}`,
      direct,
      endpoints: { lookup: async () => ["127.0.0.1", "127.0.0.2"] },
    });
    const names: string[] = [];
    for (let i = 0; i < 20; i++)
      names.push((await client.getItem({ id: "0190a000-0000-7000-8000-000000000000" })).item?.name ?? "");
    expect(names.filter((n) => n === "one").length).toBe(10);
    expect(names.filter((n) => n === "two").length).toBe(10);
  });

  it("sends every call, even one with side effects, to the replica left when the other is killed", async () => {
    const client = createRpcClient(ItemService, {
      baseUrl: `http://items.internal:${port}`,
      direct,
      endpoints: { lookup: async () => ["127.0.0.1", "127.0.0.2"] },
    });
    await client.getItem({ id: "0190a000-0000-7000-8000-000000000000" });
    await two.kill();
    const placed: string[] = [];
    for (let i = 0; i < 10; i++)
      placed.push(
        (await client.putItem({ name: `item ${i}`, priceMinor: 1n, currency: "EUR" })).item?.name ?? "",
      );
    expect(placed).toEqual(Array.from({ length: 10 }, (_, i) => `item ${i} at one`));
    two = replica("two", "127.0.0.2", port);
    await two.listen();
  });
});
