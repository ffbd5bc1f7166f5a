import { fromBinary } from "@bufbuild/protobuf";
import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { Health, HealthCheckResponse_ServingStatus } from "@mercato/contracts/grpc/health/v1/health_pb";
import { ItemPutSchema, ItemService } from "@mercato/contracts/mercato/testkit/v1/item_pb";
import { waitFor } from "@mercato/testing";
import { itemService } from "@mercato/testing/item-service";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  backgroundContext,
  createLogger,
  createRpcClient,
  type EventEnvelope,
  MemoryEventBus,
  MemoryKeyValue,
  PgliteHost,
  type RunningService,
  runWithContext,
  startService,
} from "../src/index.js";

describe("a service started with startService", () => {
  let pglite: PgliteHost;
  let bus: MemoryEventBus;
  let service: RunningService;
  const seen: EventEnvelope[] = [];

  beforeAll(async () => {
    pglite = await PgliteHost.open({ postgis: false });
    bus = new MemoryEventBus();
    await bus.consume(
      { durable: "spy", subject: "mercato.items_svc.>", backoffMs: [10] },
      async (event) => void seen.push(event),
    );
    service = await startService(
      itemService({ name: "items_svc", getDelayMs: () => 0 }),
      {
        database: (name) => pglite.forService(name),
        bus,
        kv: new MemoryKeyValue(),
        logger: (name) => createLogger({ service: name, level: "silent" }),
      },
      { port: 0 },
    );
  });
  afterAll(async () => {
    await service.stop();
    await bus.close();
    await pglite.close();
  });

  it("serves its RPCs over gRPC and publishes an event for a write", async () => {
    const client = createRpcClient(ItemService, { baseUrl: service.url });
    const put = await client.putItem({ name: "Lamp", priceMinor: 2599n, currency: "EUR" });
    const got = await client.getItem({ id: put.item?.id ?? "" });
    expect(got.item?.name).toBe("Lamp");
    expect(got.item?.priceMinor).toBe(2599n);
    await waitFor(() => seen.length === 1, { timeoutMs: 5_000, message: "no event" });
    expect(fromBinary(ItemPutSchema, seen[0]?.payload ?? new Uint8Array()).item?.id).toBe(put.item?.id);
  });

  it("rejects an invalid request with invalid_argument naming the fields", async () => {
    const client = createRpcClient(ItemService, { baseUrl: service.url });
    const error = await client
      .putItem({ name: "", priceMinor: 1n, currency: "eur" })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectError);
    expect((error as ConnectError).code).toBe(Code.InvalidArgument);
    expect((error as ConnectError).rawMessage).toContain("name");
    expect((error as ConnectError).rawMessage).toContain("currency");
  });

  it("maps a domain NotFound to not_found", async () => {
    const client = createRpcClient(ItemService, { baseUrl: service.url });
    const error = await client
      .getItem({ id: "0190a000-0000-7000-8000-000000000000" })
      .catch((e: unknown) => e);
    expect((error as ConnectError).code).toBe(Code.NotFound);
  });

  it("answers the gRPC health protocol, /health, /ready and /metrics", async () => {
    const health = createRpcClient(Health, { baseUrl: service.url });
    expect((await health.check({ service: "" })).status).toBe(HealthCheckResponse_ServingStatus.SERVING);
    expect((await health.check({ service: ItemService.typeName })).status).toBe(
      HealthCheckResponse_ServingStatus.SERVING,
    );
    await expect(health.check({ service: "nope.v1.Nope" })).rejects.toMatchObject({ code: Code.NotFound });
    const live = await fetch(`${service.url}/health`);
    expect(await live.json()).toEqual({ status: "ok", service: "items_svc" });
    const ready = await fetch(`${service.url}/ready`);
    expect(ready.status).toBe(200);
    const metrics = await (await fetch(`${service.url}/metrics`)).text();
    expect(metrics).toContain(
      'rpc_server_duration_seconds_count{service="items_svc",method="mercato.testkit.v1.ItemService/PutItem",code="ok"}',
    );
  });

  it("serves plain gRPC clients on the same port", async () => {
    const transport = createGrpcTransport({ baseUrl: service.url });
    const items = createClient(ItemService, transport);
    const put = await items.putItem({ name: "Over gRPC", priceMinor: 5n, currency: "EUR" });
    expect((await items.getItem({ id: put.item?.id ?? "" })).item?.name).toBe("Over gRPC");
    const error = await items.putItem({ name: "", priceMinor: 5n, currency: "EUR" }).catch((e: unknown) => e);
    expect((error as ConnectError).code).toBe(Code.InvalidArgument);
    const health = createClient(Health, transport);
    expect((await health.check({ service: "" })).status).toBe(HealthCheckResponse_ServingStatus.SERVING);
  });

  it("serves the Connect JSON protocol over HTTP/1.1 for curl", async () => {
    const response = await fetch(`${service.url}/mercato.testkit.v1.ItemService/ListItems`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ limit: 10 }),
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { items: { name: string }[] };
    expect(body.items.map((item) => item.name)).toContain("Lamp");
  });

  it("passes the correlation id of the running context to the service", async () => {
    const client = createRpcClient(ItemService, { baseUrl: service.url });
    const ctx = backgroundContext({ correlationId: "corr-propagated" });
    await runWithContext(ctx, () => client.putItem({ name: "Chair", priceMinor: 100n, currency: "EUR" }));
    await waitFor(() => seen.some((e) => e.correlationId === "corr-propagated"), {
      timeoutMs: 5_000,
      message: "correlation id not carried into the event",
    });
  });
});
