import http2 from "node:http2";
import net, { type AddressInfo } from "node:net";
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import {
  GetItemRequestSchema,
  GetItemResponseSchema,
  ItemService,
} from "@mercato/contracts/mercato/testkit/v1/item_pb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createUnaryCaller, type UnaryCaller } from "../src/rpc/unary.js";

const getItem = ItemService.method.getItem;

/** GetItem for the scripted answer `id`, with no extra headers. */
const ask = (call: UnaryCaller, id: string, timeoutMs = 1_000, signal?: AbortSignal) =>
  call(getItem, { id }, { timeoutMs, headers: {}, ...(signal ? { signal } : {}) });
const anyId = "0190a000-0000-7000-8000-000000000000";

/** How the scripted server answers a GetItem whose id ends in the key. */
type Script = (stream: http2.ServerHttp2Stream) => void;

function proto(stream: http2.ServerHttp2Stream, name: string) {
  stream.respond({ ":status": 200, "content-type": "application/proto" });
  stream.end(toBinary(GetItemResponseSchema, create(GetItemResponseSchema, { item: { id: anyId, name } })));
}

const scripts: Record<string, Script> = {
  ok: (stream) => proto(stream, "Lamp"),
  html: (stream) => {
    stream.respond({ ":status": 200, "content-type": "text/html" });
    stream.end("<h1>hello</h1>");
  },
  garbage: (stream) => {
    stream.respond({ ":status": 200, "content-type": "application/proto" });
    stream.end(Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff]));
  },
  notFound: (stream) => {
    stream.respond({ ":status": 404, "content-type": "application/json", "x-shelf": "B7" });
    stream.end(JSON.stringify({ code: "not_found", message: "no item 42" }));
  },
  bare503: (stream) => {
    stream.respond({ ":status": 503, "content-type": "text/plain" });
    stream.end("overloaded");
  },
  resetInternal: (stream) => stream.close(http2.constants.NGHTTP2_INTERNAL_ERROR),
  resetRefused: (stream) => stream.close(http2.constants.NGHTTP2_REFUSED_STREAM),
  silent: () => {},
  dieMidAnswer: (stream) => {
    const whole = toBinary(
      GetItemResponseSchema,
      create(GetItemResponseSchema, { item: { id: anyId, name: "A lamp with a long name".repeat(20) } }),
    );
    stream.respond({ ":status": 200, "content-type": "application/proto" });
    stream.write(whole.subarray(0, whole.length >> 1), () => stream.session?.destroy());
  },
  dieBeforeAnswer: (stream) => stream.session?.destroy(),
  goaway: (stream) => {
    proto(stream, "Leaving");
    stream.session?.goaway();
  },
};

describe("createUnaryCaller against a scripted HTTP/2 server", () => {
  let server: http2.Http2Server;
  let baseUrl: string;
  const seen: { script: string; headers: http2.IncomingHttpHeaders; connection: number }[] = [];
  const closedStreams: string[] = [];
  let connections = 0;

  beforeAll(async () => {
    server = http2.createServer();
    server.on("session", (session) => {
      const connection = ++connections;
      (session as http2.ServerHttp2Session & { connection?: number }).connection = connection;
    });
    server.on("stream", (stream, headers) => {
      // A stream the script resets reports that as an error on this side too.
      stream.on("error", () => {});
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("end", () => {
        const request = fromBinary(GetItemRequestSchema, Buffer.concat(chunks));
        const connection = (stream.session as http2.ServerHttp2Session & { connection: number }).connection;
        seen.push({ script: request.id, headers, connection });
        stream.on("close", () => closedStreams.push(request.id));
        const script = scripts[request.id];
        if (!script) throw new Error(`no script ${request.id}`);
        script(stream);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  const failure = async (promise: Promise<unknown>): Promise<ConnectError> => {
    try {
      await promise;
    } catch (error) {
      expect(error).toBeInstanceOf(ConnectError);
      return error as ConnectError;
    }
    throw new Error("the call succeeded");
  };

  it("sends a Connect unary request with the deadline and extra headers, and decodes the answer", async () => {
    const call = createUnaryCaller(ItemService, baseUrl);
    const answer = await call(
      getItem,
      { id: "ok" },
      { timeoutMs: 1_500, headers: { "x-correlation-id": "c-1" } },
    );
    expect(answer).toMatchObject({ item: { name: "Lamp" } });
    const headers = seen.at(-1)?.headers ?? {};
    expect(headers[":path"]).toBe("/mercato.testkit.v1.ItemService/GetItem");
    expect(headers["content-type"]).toBe("application/proto");
    expect(headers["connect-protocol-version"]).toBe("1");
    expect(headers["connect-timeout-ms"]).toBe("1500");
    expect(headers["x-correlation-id"]).toBe("c-1");
    call.close();
  });

  it("reuses one connection for consecutive calls", async () => {
    const call = createUnaryCaller(ItemService, baseUrl);
    await ask(call, "ok");
    await ask(call, "ok");
    const [a, b] = seen.slice(-2);
    expect(a?.connection).toBe(b?.connection);
    call.close();
  });

  it("turns the Connect error body into the ConnectError it names, with the answer's headers", async () => {
    const call = createUnaryCaller(ItemService, baseUrl);
    const error = await failure(ask(call, "notFound"));
    expect(error.code).toBe(Code.NotFound);
    expect(error.rawMessage).toBe("no item 42");
    expect(error.metadata.get("x-shelf")).toBe("B7");
    call.close();
  });

  it("derives the code from the HTTP status when the body is not a Connect error", async () => {
    const call = createUnaryCaller(ItemService, baseUrl);
    const error = await failure(ask(call, "bare503"));
    expect(error.code).toBe(Code.Unavailable);
    call.close();
  });

  it("refuses a 200 answer that is not Protobuf as unknown, and one that does not decode as internal", async () => {
    const call = createUnaryCaller(ItemService, baseUrl);
    const html = await failure(ask(call, "html"));
    expect(html.code).toBe(Code.Unknown);
    expect(html.message).toContain("HTTP 200");
    const garbage = await failure(ask(call, "garbage"));
    expect(garbage.code).toBe(Code.Internal);
    expect(garbage.message).toContain("not a mercato.testkit.v1.GetItemResponse");
    call.close();
  });

  it("maps a stream the service resets: refused is unavailable (retryable), internal is internal", async () => {
    const call = createUnaryCaller(ItemService, baseUrl);
    const refused = await failure(ask(call, "resetRefused"));
    expect(refused.code).toBe(Code.Unavailable);
    const internal = await failure(ask(call, "resetInternal"));
    expect(internal.code).toBe(Code.Internal);
    call.close();
  });

  it("ends a call at its deadline and cancels the stream on the server", async () => {
    const call = createUnaryCaller(ItemService, baseUrl);
    const started = performance.now();
    const error = await failure(ask(call, "silent", 150));
    expect(error.code).toBe(Code.DeadlineExceeded);
    expect(performance.now() - started).toBeLessThan(1_000);
    await expect.poll(() => closedStreams.includes("silent")).toBe(true);
    call.close();
  });

  it("ends a call when its signal aborts, with the abort's ConnectError when it carries one", async () => {
    const call = createUnaryCaller(ItemService, baseUrl);
    const plain = new AbortController();
    const pending = ask(call, "silent", 5_000, plain.signal);
    setTimeout(() => plain.abort(), 50);
    expect((await failure(pending)).code).toBe(Code.Canceled);
    const already = new AbortController();
    already.abort(new ConnectError("caller gave up", Code.Aborted));
    const early = await failure(ask(call, "ok", 5_000, already.signal));
    expect(early.code).toBe(Code.Aborted);
    call.close();
  });

  it("answers unavailable when nothing listens", async () => {
    const probe = http2.createServer();
    await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
    const port = (probe.address() as AddressInfo).port;
    await new Promise((resolve) => probe.close(resolve));
    const call = createUnaryCaller(ItemService, `http://127.0.0.1:${port}`);
    const error = await failure(ask(call, "ok"));
    expect(error.code).toBe(Code.Unavailable);
    expect(error.message).toContain("ECONNREFUSED");
    call.close();
  });

  it("opens a new connection after the service sends GOAWAY", async () => {
    const call = createUnaryCaller(ItemService, baseUrl);
    await ask(call, "goaway");
    const before = seen.at(-1)?.connection;
    await new Promise((resolve) => setTimeout(resolve, 100));
    const answer = await ask(call, "ok");
    expect(answer).toMatchObject({ item: { name: "Lamp" } });
    expect(seen.at(-1)?.connection).not.toBe(before);
    call.close();
  });

  it("answers unavailable when the service dies mid-answer, never a cut-off message", async () => {
    const call = createUnaryCaller(ItemService, baseUrl);
    const cut = await failure(ask(call, "dieMidAnswer"));
    expect(cut.code).toBe(Code.Unavailable);
    const early = await failure(ask(call, "dieBeforeAnswer"));
    expect(early.code).toBe(Code.Unavailable);
    call.close();
  });

  it("drops a connection whose peer stopped answering after a call times out, so later calls recover", async () => {
    // A TCP relay in front of the server that can go silent, as a peer that vanished would.
    const relayed: { frozen: boolean }[] = [];
    const relay = net.createServer((client) => {
      const state = { frozen: false };
      relayed.push(state);
      const upstream = net.connect(new URL(baseUrl).port as unknown as number, "127.0.0.1");
      client.on("data", (chunk) => state.frozen || upstream.write(chunk));
      upstream.on("data", (chunk) => state.frozen || client.write(chunk));
      const end = () => {
        client.destroy();
        upstream.destroy();
      };
      client.on("close", end);
      upstream.on("close", end);
      client.on("error", end);
      upstream.on("error", end);
    });
    await new Promise<void>((resolve) => relay.listen(0, "127.0.0.1", resolve));
    const call = createUnaryCaller(
      ItemService,
      `http://127.0.0.1:${(relay.address() as AddressInfo).port}`,
      [],
      {
        pingTimeoutMs: 300,
      },
    );
    try {
      await ask(call, "ok");
      expect(relayed).toHaveLength(1);
      (relayed[0] as { frozen: boolean }).frozen = true;
      const error = await failure(ask(call, "ok", 200));
      expect(error.code).toBe(Code.DeadlineExceeded);
      // The ping sent after the timeout goes unanswered; then the session is retired.
      await new Promise((resolve) => setTimeout(resolve, 600));
      const answer = await ask(call, "ok");
      expect(answer).toMatchObject({ item: { name: "Lamp" } });
      expect(relayed).toHaveLength(2);
    } finally {
      call.close();
      relay.close();
    }
  });
});
