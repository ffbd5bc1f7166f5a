import { create } from "@bufbuild/protobuf";
import { Code, ConnectError, type Interceptor } from "@connectrpc/connect";
import { GetItemResponseSchema, ItemService } from "@mercato/contracts/mercato/testkit/v1/item_pb";
import { freePort, waitFor } from "@mercato/testing";
import { itemService } from "@mercato/testing/item-service";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  backgroundContext,
  CircuitBreaker,
  contextOf,
  createJwksAuthenticator,
  createLogger,
  createRpcClient,
  currentContext,
  defineService,
  fromConnectError,
  InvalidArgument,
  MemoryEventBus,
  MemoryKeyValue,
  PgliteHost,
  type RequestContext,
  type RunningService,
  runWithContext,
  type ServiceInfrastructure,
  ServiceUnavailable,
  startService,
  timeoutFromHeaders,
} from "../src/index.js";
import { createTestIssuer, type TestIssuer } from "./support/test-keys.js";

const anyId = "0190a000-0000-7000-8000-000000000000";
const leakyId = "0190a000-0000-7000-8000-00000000dead";
const invalidId = "0190a000-0000-7000-8000-00000000bad0";

/** What the server saw of one call: its headers and request context, and how its handler ended. */
interface ServerCall {
  method: string;
  header: Headers;
  ctx: RequestContext | undefined;
  signal: AbortSignal;
  started: number;
  settled?: { ms: number; error: unknown };
}

function recorder(calls: ServerCall[]): Interceptor {
  return (next) => async (req) => {
    const call: ServerCall = {
      method: req.method.name,
      header: req.header,
      ctx: currentContext(),
      signal: req.signal,
      started: performance.now(),
    };
    calls.push(call);
    try {
      const response = await next(req);
      call.settled = { ms: performance.now() - call.started, error: undefined };
      return response;
    } catch (error) {
      call.settled = { ms: performance.now() - call.started, error };
      throw error;
    }
  };
}

/** Counts the attempts a client makes, per method, seen from the client's side. */
function attemptCounter(): { interceptor: Interceptor; attempts: Map<string, number> } {
  const attempts = new Map<string, number>();
  return {
    attempts,
    interceptor: (next) => async (req) => {
      attempts.set(req.method.name, (attempts.get(req.method.name) ?? 0) + 1);
      return next(req);
    },
  };
}

/** Answers GetItem with the caller it sees in its handler context, JSON in `item.name`. */
const whoamiService = defineService({
  name: "rpc_whoami",
  defaultPort: 0,
  rpcServices: [ItemService.typeName],
  setup: () => ({
    rpc(router) {
      router.service(ItemService, {
        async getItem(req, handlerContext) {
          if (req.id === leakyId) throw new Error("password=hunter2 in a stack trace");
          if (req.id === invalidId)
            throw new InvalidArgument("bad", [{ field: "id", message: "is “wrong” €" }]);
          const ctx = contextOf(handlerContext);
          return create(GetItemResponseSchema, {
            item: {
              id: req.id,
              name: JSON.stringify({ caller: ctx.caller ?? null, same: ctx === currentContext() }),
            },
          });
        },
      });
    },
  }),
});

async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error("expected the call to fail");
    },
    (error: unknown) => error,
  );
}

async function connectFailure(promise: Promise<unknown>): Promise<ConnectError> {
  const error = await failure(promise);
  expect(error).toBeInstanceOf(ConnectError);
  return error as ConnectError;
}

describe("the RPC client against a running service", () => {
  let pglite: PgliteHost;
  let bus: MemoryEventBus;
  let issuer: TestIssuer;
  let items: RunningService;
  let whoami: RunningService;
  let getDelayMs = 0;
  const calls: ServerCall[] = [];

  const infra = (extra: Partial<ServiceInfrastructure> = {}): ServiceInfrastructure => ({
    database: (name) => pglite.forService(name),
    bus,
    kv: new MemoryKeyValue(),
    logger: (name) => createLogger({ service: name, level: "silent" }),
    ...extra,
  });

  beforeAll(async () => {
    pglite = await PgliteHost.open({ postgis: false });
    bus = new MemoryEventBus();
    issuer = await createTestIssuer();
    items = await startService(itemService({ name: "rpc_items", getDelayMs: () => getDelayMs }), infra(), {
      port: 0,
      interceptors: [recorder(calls)],
    });
    whoami = await startService(
      whoamiService,
      infra({
        authenticate: createJwksAuthenticator({
          jwksUrl: issuer.jwksUrl,
          issuer: issuer.issuer,
          audience: issuer.audience,
        }),
      }),
      { port: 0 },
    );
  });
  afterAll(async () => {
    await items?.stop();
    await whoami?.stop();
    await issuer?.close();
    await bus?.close();
    await pglite?.close();
  });

  describe("deadlines", () => {
    it("fails a call slower than timeoutMs with deadline_exceeded and aborts the handler", async () => {
      getDelayMs = 2_000;
      calls.length = 0;
      const client = createRpcClient(ItemService, { baseUrl: items.url, timeoutMs: 200 });
      const started = performance.now();
      const error = await connectFailure(client.getItem({ id: anyId }));
      expect(error.code).toBe(Code.DeadlineExceeded);
      expect(performance.now() - started).toBeLessThan(1_500);
      await waitFor(() => calls[0]?.settled !== undefined, {
        timeoutMs: 3_000,
        message: "handler never ended",
      });
      const call = calls[0] as ServerCall;
      expect(call.signal.aborted).toBe(true);
      // The handler gave up on its own abort: it did not run its 2 s course and it failed.
      expect(call.settled?.error).toBeDefined();
      expect(call.settled?.ms).toBeLessThan(1_500);
    });

    it("caps the call at the deadline of the running request context", async () => {
      getDelayMs = 2_000;
      calls.length = 0;
      const client = createRpcClient(ItemService, { baseUrl: items.url, timeoutMs: 5_000 });
      const ctx = backgroundContext({ deadline: Date.now() + 150 });
      const started = performance.now();
      const error = await connectFailure(runWithContext(ctx, () => client.getItem({ id: anyId })));
      expect(error.code).toBe(Code.DeadlineExceeded);
      expect(performance.now() - started).toBeLessThan(1_500);
      const sent = timeoutFromHeaders(calls[0]?.header ?? new Headers());
      expect(sent).toBeGreaterThan(0);
      expect(sent).toBeLessThanOrEqual(150);
      expect(calls[0]?.ctx?.deadline).toBeDefined();
    });

    it("sends timeoutMs as the deadline when the running context has a later one", async () => {
      getDelayMs = 0;
      calls.length = 0;
      const client = createRpcClient(ItemService, { baseUrl: items.url, timeoutMs: 800 });
      const ctx = backgroundContext({ deadline: Date.now() + 60_000 });
      const error = await connectFailure(runWithContext(ctx, () => client.getItem({ id: anyId })));
      expect(error.code).toBe(Code.NotFound);
      const sent = timeoutFromHeaders(calls[0]?.header ?? new Headers());
      expect(sent).toBeGreaterThan(0);
      expect(sent).toBeLessThanOrEqual(800);
    });
  });

  describe("retries", () => {
    it("retries a NO_SIDE_EFFECTS method when nothing listens, but never PutItem", async () => {
      const port = await freePort();
      const { interceptor, attempts } = attemptCounter();
      const client = createRpcClient(ItemService, {
        baseUrl: `http://127.0.0.1:${port}`,
        interceptors: [interceptor],
      });
      const get = await connectFailure(client.getItem({ id: anyId }));
      expect(get.code).toBe(Code.Unavailable);
      expect(attempts.get("GetItem")).toBe(3);
      const put = await connectFailure(client.putItem({ name: "Lamp", priceMinor: 1n, currency: "EUR" }));
      expect(put.code).toBe(Code.Unavailable);
      expect(attempts.get("PutItem")).toBe(1);
    });

    it("honours maxRetries", async () => {
      const port = await freePort();
      const { interceptor, attempts } = attemptCounter();
      const client = createRpcClient(ItemService, {
        baseUrl: `http://127.0.0.1:${port}`,
        maxRetries: 0,
        interceptors: [interceptor],
      });
      expect((await connectFailure(client.listItems({}))).code).toBe(Code.Unavailable);
      expect(attempts.get("ListItems")).toBe(1);
    });

    it("does not retry an answer that is not about availability", async () => {
      getDelayMs = 0;
      const { interceptor, attempts } = attemptCounter();
      const client = createRpcClient(ItemService, { baseUrl: items.url, interceptors: [interceptor] });
      expect((await connectFailure(client.getItem({ id: anyId }))).code).toBe(Code.NotFound);
      expect(attempts.get("GetItem")).toBe(1);
    });
  });

  describe("propagation", () => {
    it("carries the correlation id and the trace id to the server, with a new span id", async () => {
      getDelayMs = 0;
      calls.length = 0;
      const client = createRpcClient(ItemService, { baseUrl: items.url });
      const trace = {
        traceId: "4bf92f3577b34da6a3ce929d0e0e4736",
        spanId: "00f067aa0ba902b7",
        sampled: true,
      };
      const ctx = backgroundContext({ correlationId: "corr-rpc-1", trace });
      await failure(runWithContext(ctx, () => client.getItem({ id: anyId })));
      const call = calls[0] as ServerCall;
      expect(call.header.get("x-correlation-id")).toBe("corr-rpc-1");
      expect(call.ctx?.correlationId).toBe("corr-rpc-1");
      expect(call.ctx?.trace.traceId).toBe(trace.traceId);
      expect(call.ctx?.trace.spanId).toMatch(/^[0-9a-f]{16}$/);
      expect(call.ctx?.trace.spanId).not.toBe(trace.spanId);
      expect(call.header.get("traceparent")).toBe(`00-${trace.traceId}-${call.ctx?.trace.spanId}-01`);
    });

    it("gives a call made outside any request a fresh correlation id and trace on the server", async () => {
      calls.length = 0;
      const client = createRpcClient(ItemService, { baseUrl: items.url });
      await failure(client.getItem({ id: anyId }));
      await failure(client.getItem({ id: anyId }));
      const [first, second] = calls;
      expect(first?.header.get("x-correlation-id")).toBeNull();
      expect(first?.ctx?.correlationId).toMatch(/^[0-9a-f-]{36}$/);
      expect(first?.ctx?.correlationId).not.toBe(second?.ctx?.correlationId);
      expect(first?.ctx?.trace.traceId).not.toBe(second?.ctx?.trace.traceId);
    });
  });

  describe("bearer tokens", () => {
    const callerSeenBy = async (
      promise: Promise<{ item?: { name: string } | undefined }>,
    ): Promise<{ caller: unknown; same: boolean }> => JSON.parse((await promise).item?.name ?? "");

    it("gives the handler the caller of a valid token forwarded from the running context", async () => {
      const token = await issuer.sign({ sub: "user-1", roles: ["seller", "wizard"], seller_id: "s-9" });
      const client = createRpcClient(ItemService, { baseUrl: whoami.url });
      const ctx = backgroundContext({ token });
      const seen = await callerSeenBy(runWithContext(ctx, () => client.getItem({ id: anyId })));
      expect(seen.caller).toEqual({ id: "user-1", roles: ["seller"], claims: { sellerId: "s-9" } });
      expect(seen.same).toBe(true);
    });

    it("accepts a token given as an explicit Authorization header", async () => {
      const token = await issuer.sign({ sub: "user-2", roles: ["admin"] });
      const client = createRpcClient(ItemService, { baseUrl: whoami.url });
      const seen = await callerSeenBy(
        client.getItem({ id: anyId }, { headers: { authorization: `Bearer ${token}` } }),
      );
      expect(seen.caller).toMatchObject({ id: "user-2", roles: ["admin"] });
    });

    it("gives the handler no caller when no token is sent", async () => {
      const client = createRpcClient(ItemService, { baseUrl: whoami.url });
      expect((await callerSeenBy(client.getItem({ id: anyId }))).caller).toBeNull();
    });

    it("rejects an invalid token with unauthenticated and a reason that does not echo it", async () => {
      const token = await issuer.sign({ sub: "user-1" }, { expiresIn: -600 });
      const client = createRpcClient(ItemService, { baseUrl: whoami.url });
      const error = await connectFailure(
        runWithContext(backgroundContext({ token }), () => client.getItem({ id: anyId })),
      );
      expect(error.code).toBe(Code.Unauthenticated);
      expect(error.rawMessage).toBe("token expired");
      expect(error.message).not.toContain(token);
      expect(fromConnectError(error).code).toBe("UNAUTHENTICATED");
    });

    it("rejects an Authorization header that is not a bearer token", async () => {
      const client = createRpcClient(ItemService, { baseUrl: whoami.url });
      const error = await connectFailure(
        client.getItem({ id: anyId }, { headers: { authorization: "Basic dXNlcjpwYXNz" } }),
      );
      expect(error.code).toBe(Code.Unauthenticated);
    });

    it("rejects a token sent to a service that has no authenticator", async () => {
      const token = await issuer.sign({ sub: "user-1" });
      const client = createRpcClient(ItemService, { baseUrl: items.url });
      const error = await connectFailure(
        runWithContext(backgroundContext({ token }), () => client.getItem({ id: anyId })),
      );
      expect(error.code).toBe(Code.Unauthenticated);
    });
  });

  describe("errors over the wire", () => {
    it("keep the code and field violations, whatever their characters", async () => {
      const client = createRpcClient(ItemService, { baseUrl: whoami.url });
      const error = await connectFailure(client.getItem({ id: invalidId }));
      const domain = fromConnectError(error);
      expect(domain.code).toBe("INVALID_ARGUMENT");
      expect(domain.violations).toEqual([{ field: "id", message: "is “wrong” €" }]);
    });

    it("turn an unexpected handler error into internal without its message", async () => {
      const client = createRpcClient(ItemService, { baseUrl: whoami.url });
      const error = await connectFailure(client.getItem({ id: leakyId }));
      expect(error.code).toBe(Code.Internal);
      expect(error.message).not.toContain("hunter2");
    });
  });

  describe("a service that stops", () => {
    it("answers unavailable once it is gone, and an open breaker then fails fast without calling", async () => {
      const doomed = await startService(itemService({ name: "rpc_doomed" }), infra(), { port: 0 });
      const { interceptor, attempts } = attemptCounter();
      const breaker = new CircuitBreaker("rpc_doomed", { failureThreshold: 3, openMs: 60_000 });
      const plain = createRpcClient(ItemService, { baseUrl: doomed.url });
      const guarded = createRpcClient(ItemService, {
        baseUrl: doomed.url,
        breaker,
        maxRetries: 0,
        interceptors: [interceptor],
      });
      const put = await guarded.putItem({ name: "Lamp", priceMinor: 100n, currency: "EUR" });
      expect((await plain.getItem({ id: put.item?.id ?? "" })).item?.name).toBe("Lamp");

      await doomed.stop();

      expect((await connectFailure(plain.getItem({ id: anyId }))).code).toBe(Code.Unavailable);
      for (let i = 0; i < 3; i++) {
        expect((await connectFailure(guarded.getItem({ id: anyId }))).code).toBe(Code.Unavailable);
      }
      expect(breaker.state).toBe("open");
      const before = attempts.get("GetItem");
      const fast = await failure(guarded.getItem({ id: anyId }));
      expect(fast).toBeInstanceOf(ServiceUnavailable);
      expect(attempts.get("GetItem")).toBe(before);
    });
  });
});
