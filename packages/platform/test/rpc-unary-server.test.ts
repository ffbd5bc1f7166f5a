import http2 from "node:http2";
import type { AddressInfo } from "node:net";
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { Code, ConnectError, createClient, createConnectRouter } from "@connectrpc/connect";
import { createConnectTransport, createGrpcTransport } from "@connectrpc/connect-node";
import {
  GetItemRequestSchema,
  GetItemResponseSchema,
  ItemService,
  PutItemRequestSchema,
} from "@mercato/contracts/mercato/testkit/v1/item_pb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startRpcServer } from "../src/rpc/server.js";
import {
  createUnaryServer,
  maxUnaryRequestBytes,
  recordingRouter,
  type UnaryRoutes,
} from "../src/rpc/unary-server.js";

const anyId = "0190a000-0000-7000-8000-000000000000";

/** Names of the PutItem calls the handler ran. */
const puts: string[] = [];

/** How the last ListItems call's signal ended. */
let listEnded: Promise<unknown> | undefined;

async function post(
  url: string,
  path: string,
  body: Uint8Array,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: http2.IncomingHttpHeaders; body: Buffer }> {
  const session = http2.connect(url);
  try {
    return await new Promise((resolve, reject) => {
      const stream = session.request({
        ":method": "POST",
        ":path": path,
        "content-type": "application/proto",
        "connect-protocol-version": "1",
        ...headers,
      });
      const chunks: Buffer[] = [];
      let head: http2.IncomingHttpHeaders = {};
      stream.on("response", (h) => {
        head = h;
      });
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () =>
        resolve({ status: Number(head[":status"]), headers: head, body: Buffer.concat(chunks) }),
      );
      stream.on("error", reject);
      stream.end(body);
    });
  } finally {
    session.close();
  }
}

const errorBody = (body: Buffer) => JSON.parse(body.toString("utf8")) as { code: string; message: string };

describe("the direct unary path of the RPC server", () => {
  // The direct path alone, with anything it declines answered 599: an answer proves it served.
  let server: { url: string; close(): Promise<void> };

  beforeAll(async () => {
    const routes: UnaryRoutes = new Map();
    const router = recordingRouter(createConnectRouter(), routes);
    router.service(ItemService, {
      getItem(req) {
        return { item: { id: req.id, name: "Lamp", priceMinor: 1200n, currency: "EUR" } };
      },
      putItem(req, context) {
        puts.push(req.name);
        context.responseHeader.set("x-stock", "7");
        context.responseTrailer.set("x-audit", "written");
        return { item: { id: anyId, name: req.name, priceMinor: req.priceMinor, currency: req.currency } };
      },
      listItems(_req, context) {
        listEnded = new Promise((resolve) => {
          context.signal.addEventListener("abort", () => resolve(context.signal.reason), { once: true });
        });
        return listEnded.then((reason) => {
          throw reason;
        });
      },
    });
    const direct = createUnaryServer({ routes, interceptors: [], maxTimeoutMs: 10_000 });
    const h2 = http2.createServer((req, res) => {
      if (!direct(req, res)) {
        res.writeHead(599);
        res.end();
      }
    });
    await new Promise<void>((resolve) => h2.listen(0, "127.0.0.1", resolve));
    server = {
      url: `http://127.0.0.1:${(h2.address() as AddressInfo).port}`,
      close: () => new Promise((resolve) => h2.close(() => resolve())),
    };
  });
  afterAll(async () => {
    await server?.close();
  });

  it("answers a binary Connect call with the message, the handler's headers and its trailers", async () => {
    const request = create(PutItemRequestSchema, { name: "Lamp", priceMinor: 1200n, currency: "EUR" });
    const answer = await post(
      server.url,
      "/mercato.testkit.v1.ItemService/PutItem",
      toBinary(PutItemRequestSchema, request),
    );
    expect(answer.status).toBe(200);
    expect(answer.headers["content-type"]).toBe("application/proto");
    expect(answer.headers["x-stock"]).toBe("7");
    expect(answer.headers["trailer-x-audit"]).toBe("written");
  });

  it("refuses a body that is not the request message as invalid_argument naming the type", async () => {
    const answer = await post(
      server.url,
      "/mercato.testkit.v1.ItemService/GetItem",
      Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff]),
    );
    expect(answer.status).toBe(400);
    const error = errorBody(answer.body);
    expect(error.code).toBe("invalid_argument");
    expect(error.message).toContain("mercato.testkit.v1.GetItemRequest");
  });

  it("refuses a deadline above the server's maximum, and a malformed one", async () => {
    const body = toBinary(GetItemRequestSchema, create(GetItemRequestSchema, { id: anyId }));
    const path = "/mercato.testkit.v1.ItemService/GetItem";
    const tooLong = await post(server.url, path, body, { "connect-timeout-ms": "60000" });
    expect(tooLong.status).toBe(400);
    expect(errorBody(tooLong.body).message).toContain("must be <= 10000");
    const garbled = await post(server.url, path, body, { "connect-timeout-ms": "soon" });
    expect(errorBody(garbled.body).code).toBe("invalid_argument");
  });

  it("refuses a request body over the limit with resource_exhausted", async () => {
    const answer = await post(
      server.url,
      "/mercato.testkit.v1.ItemService/GetItem",
      Buffer.alloc(maxUnaryRequestBytes + 1),
    );
    expect(answer.status).toBe(429);
    expect(errorBody(answer.body).code).toBe("resource_exhausted");
  });

  it("aborts the handler at the deadline the caller sent", async () => {
    const body = toBinary(GetItemRequestSchema, create(GetItemRequestSchema, {}));
    const started = performance.now();
    const answer = await post(server.url, "/mercato.testkit.v1.ItemService/ListItems", body, {
      "connect-timeout-ms": "150",
    });
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(errorBody(answer.body).code).toBe("deadline_exceeded");
  });

  it("aborts the handler with canceled when the caller resets the stream", async () => {
    listEnded = undefined;
    const session = http2.connect(server.url);
    const stream = session.request({
      ":method": "POST",
      ":path": "/mercato.testkit.v1.ItemService/ListItems",
      "content-type": "application/proto",
    });
    stream.on("error", () => {});
    stream.end(new Uint8Array());
    await expect.poll(() => listEnded !== undefined).toBe(true);
    stream.close(http2.constants.NGHTTP2_CANCEL);
    const reason: unknown = await (listEnded as Promise<unknown> | undefined);
    expect(reason).toBeInstanceOf(ConnectError);
    expect((reason as ConnectError).code).toBe(Code.Canceled);
    session.close();
  });

  it("runs no handler on a body cut short of its content-length", async () => {
    const whole = toBinary(
      PutItemRequestSchema,
      create(PutItemRequestSchema, { name: "Half", priceMinor: 500n, currency: "EUR" }),
    );
    const session = http2.connect(server.url);
    session.on("error", () => {});
    const stream = session.request({
      ":method": "POST",
      ":path": "/mercato.testkit.v1.ItemService/PutItem",
      "content-type": "application/proto",
      "content-length": String(whole.length),
    });
    stream.on("error", () => {});
    stream.write(whole.subarray(0, 6));
    await new Promise((resolve) => setTimeout(resolve, 50));
    stream.close(http2.constants.NGHTTP2_CANCEL);
    await new Promise((resolve) => setTimeout(resolve, 200));
    session.close();
    expect(puts).not.toContain("Half");
  });

  it("declines what is not a binary Connect unary call, and startRpcServer serves that through connect", async () => {
    const body = toBinary(GetItemRequestSchema, create(GetItemRequestSchema, { id: anyId }));
    const path = "/mercato.testkit.v1.ItemService/GetItem";
    expect((await post(server.url, path, body, { "content-type": "application/json" })).status).toBe(599);
    expect((await post(server.url, path, body, { "content-encoding": "gzip" })).status).toBe(599);
    expect((await post(server.url, `${path}?x=1`, body)).status).toBe(599);
    expect((await post(server.url, "/mercato.testkit.v1.ItemService/Nothing", body)).status).toBe(599);

    const full = await startRpcServer({
      port: 0,
      routes: (router) => {
        router.service(ItemService, {
          getItem: (req) => ({ item: { id: req.id, name: "Lamp", priceMinor: 1200n, currency: "EUR" } }),
        });
      },
    });
    try {
      for (const transport of [
        createGrpcTransport({ baseUrl: full.url }),
        createConnectTransport({ baseUrl: full.url, httpVersion: "1.1", useBinaryFormat: false }),
        createConnectTransport({ baseUrl: full.url, httpVersion: "2", useBinaryFormat: true }),
      ]) {
        const answer = await createClient(ItemService, transport).getItem({ id: anyId });
        expect(answer.item?.name).toBe("Lamp");
      }
      const direct = await post(full.url, path, body);
      expect(fromBinary(GetItemResponseSchema, direct.body).item?.name).toBe("Lamp");
    } finally {
      await full.close();
    }
  });
});
