import http2 from "node:http2";
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { createConnectTransport, createGrpcTransport } from "@connectrpc/connect-node";
import {
  GetItemRequestSchema,
  GetItemResponseSchema,
  ItemService,
  PutItemRequestSchema,
} from "@mercato/contracts/mercato/testkit/v1/item_pb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Listening } from "../src/rpc/listen.js";
import { startRpcServer } from "../src/rpc/server.js";
import { maxUnaryRequestBytes } from "../src/rpc/unary-server.js";

const anyId = "0190a000-0000-7000-8000-000000000000";

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

describe("the direct unary path of startRpcServer", () => {
  let server: Listening;

  beforeAll(async () => {
    server = await startRpcServer({
      port: 0,
      maxTimeoutMs: 10_000,
      routes: (router) => {
        router.service(ItemService, {
          getItem(req) {
            return { item: { id: req.id, name: "Lamp", priceMinor: 1200n, currency: "EUR" } };
          },
          putItem(req, context) {
            context.responseHeader.set("x-stock", "7");
            context.responseTrailer.set("x-audit", "written");
            return {
              item: { id: anyId, name: req.name, priceMinor: req.priceMinor, currency: req.currency },
            };
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
      },
    });
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

  it("leaves gRPC and Connect JSON calls to connect's handler, with the same answers", async () => {
    for (const transport of [
      createGrpcTransport({ baseUrl: server.url }),
      createConnectTransport({ baseUrl: server.url, httpVersion: "1.1", useBinaryFormat: false }),
    ]) {
      const answer = await createClient(ItemService, transport).getItem({ id: anyId });
      expect(answer.item?.name).toBe("Lamp");
    }
    const direct = await post(
      server.url,
      "/mercato.testkit.v1.ItemService/GetItem",
      toBinary(GetItemRequestSchema, create(GetItemRequestSchema, { id: anyId })),
    );
    expect(fromBinary(GetItemResponseSchema, direct.body).item?.name).toBe("Lamp");
  });
});
