import http2 from "node:http2";
import type { AddressInfo } from "node:net";
import { create, toBinary } from "@bufbuild/protobuf";
import { type Client, ConnectError } from "@connectrpc/connect";
import {
  GetItemRequestSchema,
  GetItemResponseSchema,
  ItemService,
} from "@mercato/contracts/mercato/testkit/v1/item_pb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  contextInterceptor,
  createRpcClient,
  type Listening,
  NotFound,
  observeInterceptor,
  startRpcServer,
  validationInterceptor,
} from "../src/index.js";
import { maxUnaryRequestBytes } from "../src/rpc/unary-server.js";

// The same calls through ADR 0020's direct path and through connect-node, on both ends, compared
// answer for answer: what a caller sees must not depend on RPC_DIRECT.

const anyId = "0190a000-0000-7000-8000-000000000000";
const missingId = "0190a000-0000-7000-8000-0000000000ff";
const paths = ["direct", "connect"] as const;
type Path = (typeof paths)[number];

/** What a caller sees of one call: the answer, or the error's code, message, details and metadata. */
type Outcome =
  | { ok: unknown }
  | { code: number; message: string; details: unknown[]; metadata: Record<string, string> };

// Headers that say how the answer travelled, not what it says.
const transportHeaders = new Set(["date", "content-length", "content-type", "content-encoding", "vary"]);

async function outcome(call: Promise<unknown>): Promise<Outcome> {
  try {
    return { ok: await call };
  } catch (error) {
    if (!(error instanceof ConnectError)) throw error;
    const metadata: Record<string, string> = {};
    error.metadata.forEach((value, name) => {
      if (!transportHeaders.has(name)) metadata[name] = value;
    });
    return { code: error.code, message: error.message, details: error.details, metadata };
  }
}

/** One outcome per path, compared: equal outcomes give the one outcome. */
async function same(call: (path: Path) => Promise<unknown>): Promise<Outcome> {
  const [direct, connect] = await Promise.all(paths.map((path) => outcome(call(path))));
  expect(direct).toEqual(connect);
  return direct as Outcome;
}

/** POSTs a raw body to a Connect unary path; answers the status, the error code and message. */
async function post(baseUrl: string, path: string, body: Uint8Array, headers: Record<string, string> = {}) {
  const session = http2.connect(baseUrl);
  try {
    return await new Promise<{ status: number; code: string; message: string }>((resolve, reject) => {
      const stream = session.request({
        ":method": "POST",
        ":path": path,
        "content-type": "application/proto",
        ...headers,
      });
      let status = 0;
      let json = false;
      const chunks: Buffer[] = [];
      stream.on("response", (answer) => {
        status = Number(answer[":status"]);
        json = answer["content-type"] === "application/json";
      });
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("end", () => {
        const error = json
          ? (JSON.parse(Buffer.concat(chunks).toString("utf8")) as Record<string, string>)
          : {};
        resolve({ status, code: error.code ?? "", message: error.message ?? "" });
      });
      stream.on("error", reject);
      stream.end(body);
    });
  } finally {
    session.close();
  }
}

describe("the direct RPC path and connect-node's answer the same calls alike", () => {
  const servers = {} as Record<Path, Listening>;
  const clients = {} as Record<Path, Client<typeof ItemService>>;
  /** Clients whose calls have 150 ms. */
  const hasty = {} as Record<Path, Client<typeof ItemService>>;

  beforeAll(async () => {
    for (const path of paths) {
      const direct = path === "direct";
      servers[path] = await startRpcServer({
        port: 0,
        direct,
        maxTimeoutMs: 10_000,
        interceptors: [contextInterceptor(undefined), observeInterceptor({}), validationInterceptor()],
        routes: (router) => {
          router.service(ItemService, {
            getItem(req, context) {
              context.responseHeader.set("x-shelf", "B7");
              if (req.id === missingId) throw new NotFound(`no item ${req.id}`);
              return { item: { id: req.id, name: "Lamp", priceMinor: 1200n, currency: "EUR" } };
            },
            putItem: (req) => ({ item: { id: anyId, name: req.name, priceMinor: 1n, currency: "EUR" } }),
            listItems: (_req, context) =>
              new Promise((_, reject) => {
                context.signal.addEventListener("abort", () => reject(context.signal.reason), { once: true });
              }),
          });
        },
      });
      const baseUrl = servers[path].url;
      clients[path] = createRpcClient(ItemService, { baseUrl, direct, maxRetries: 0 });
      hasty[path] = createRpcClient(ItemService, { baseUrl, direct, maxRetries: 0, timeoutMs: 150 });
    }
  });
  afterAll(async () => {
    await Promise.all(paths.map((path) => servers[path]?.close()));
  });

  it("answers a call with the same message", async () => {
    const answer = await same((path) => clients[path].getItem({ id: anyId }));
    expect(answer).toMatchObject({ ok: { item: { name: "Lamp", priceMinor: 1200n } } });
  });

  it("raises a domain error with the same code, message and headers", async () => {
    const error = await same((path) => clients[path].getItem({ id: missingId }));
    expect(error).toMatchObject({ code: 5, message: `[not_found] no item ${missingId}` });
    expect(error).toHaveProperty("metadata.x-shelf", "B7");
  });

  it("raises a request that breaks its validation rules as the same invalid_argument naming the field", async () => {
    const error = await same((path) => clients[path].getItem({ id: "not-a-uuid" }));
    expect(error).toMatchObject({ code: 3, message: expect.stringContaining("GetItemRequest: id: ") });
  });

  it("ends a call the handler does not answer at its deadline with the same deadline_exceeded", async () => {
    const error = await same((path) => hasty[path].listItems({}));
    expect(error).toMatchObject({ code: 4 });
  });

  it("refuses a request over the size limit with the same resource_exhausted", async () => {
    const name = "x".repeat(maxUnaryRequestBytes + 1);
    const error = await same((path) => clients[path].putItem({ name, priceMinor: 1n, currency: "EUR" }));
    expect(error).toMatchObject({ code: 8 });
  });

  it("answers a raw request, a body over the limit and bad deadlines with the same status, code and message", async () => {
    const body = toBinary(GetItemRequestSchema, create(GetItemRequestSchema, { id: anyId }));
    const cases: [string, Uint8Array, Record<string, string>][] = [
      ["the request itself", body, {}],
      ["a body over the limit", Buffer.alloc(maxUnaryRequestBytes + 1), {}],
      ["a deadline over the maximum", body, { "connect-timeout-ms": "60000" }],
      ["a deadline that is no number", body, { "connect-timeout-ms": "soon" }],
    ];
    for (const [label, raw, headers] of cases) {
      const [direct, connect] = await Promise.all(
        paths.map((path) => post(servers[path].url, "/mercato.testkit.v1.ItemService/GetItem", raw, headers)),
      );
      expect({ label, ...direct }).toEqual({ label, ...connect });
    }
  });

  it("answers a body that is not the request message with a 4xx on the direct path and a 500 on connect's", async () => {
    // The one difference left on purpose (docs/adr/0020): a body that does not decode is the
    // caller's fault, invalid_argument; connect's handler calls it internal.
    const garbage = Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff]);
    const path = "/mercato.testkit.v1.ItemService/GetItem";
    const direct = await post(servers.direct.url, path, garbage);
    const connect = await post(servers.connect.url, path, garbage);
    expect([direct.status, direct.code]).toEqual([400, "invalid_argument"]);
    expect([connect.status, connect.code]).toEqual([500, "internal"]);
  });
});

describe("the direct RPC client and connect-node's see a misbehaving peer alike", () => {
  let peer: http2.Http2Server;
  const sessions = new Set<http2.ServerHttp2Session>();
  const clients = {} as Record<Path, Client<typeof ItemService>>;
  const answer = (name: string) =>
    toBinary(GetItemResponseSchema, create(GetItemResponseSchema, { item: { id: anyId, name } }));

  /** How the peer answers a GetItem, by the request's 16th byte (the id's last character). */
  const scripts: Record<string, (stream: http2.ServerHttp2Stream) => void> = {
    "1": (stream) => {
      stream.respond({ ":status": 200, "content-type": "application/proto" });
      stream.end(Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff]));
    },
    "2": (stream) => {
      const whole = answer("A lamp with a long name".repeat(20));
      stream.respond({ ":status": 200, "content-type": "application/proto" });
      stream.write(whole.subarray(0, whole.length >> 1), () => stream.session?.destroy());
    },
    "3": (stream) => stream.session?.destroy(),
    "4": (stream) => {
      stream.respond({ ":status": 503, "content-type": "text/plain" });
      stream.end("overloaded");
    },
    "5": (stream) => {
      stream.respond({ ":status": 200, "content-type": "text/html" });
      stream.end("<h1>hello</h1>");
    },
    "6": (stream) => stream.close(http2.constants.NGHTTP2_REFUSED_STREAM),
  };

  beforeAll(async () => {
    peer = http2.createServer();
    peer.on("session", (session) => sessions.add(session));
    peer.on("stream", (stream) => {
      stream.on("error", () => {});
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("end", () => {
        const request = Buffer.concat(chunks).toString("latin1");
        scripts[request.slice(-1)]?.(stream);
      });
    });
    await new Promise<void>((resolve) => peer.listen(0, "127.0.0.1", resolve));
    const baseUrl = `http://127.0.0.1:${(peer.address() as AddressInfo).port}`;
    for (const path of paths) {
      clients[path] = createRpcClient(ItemService, { baseUrl, direct: path === "direct", maxRetries: 0 });
    }
  });
  afterAll(async () => {
    // The clients keep their connections open (idle for 60 s); close would wait for them.
    for (const session of sessions) session.destroy();
    await new Promise((resolve) => peer.close(resolve));
  });

  const call = (script: string) => (path: Path) =>
    clients[path].getItem({ id: `0190a000-0000-7000-8000-00000000000${script}` });

  // Code and metadata must agree; the message too where the platform words it. Where each client
  // quotes what it found (a status, a decoder's complaint) the words differ: an internal or
  // unknown error's message goes no further than the logs, and an outage reaches callers as
  // ServiceUnavailable naming the service.
  it.each([
    ["an answer that is not the response message", "1", 13, false],
    ["a peer that dies mid-answer", "2", 14, true],
    ["a peer that dies before answering", "3", 14, true],
    ["a bare 503", "4", 14, false],
    ["a 200 that is not Protobuf", "5", 2, false],
    ["a refused stream", "6", 14, true],
  ] as const)("raises %s with the same code", async (_label, script, code, sameMessage) => {
    const [direct, connect] = await Promise.all(paths.map((path) => outcome(call(script)(path))));
    const seen = (o: Outcome | undefined) =>
      o && "code" in o
        ? { code: o.code, metadata: o.metadata, ...(sameMessage ? { message: o.message } : {}) }
        : o;
    expect(seen(direct)).toEqual(seen(connect));
    expect(direct).toMatchObject({ code });
  });
});
