import { Health, HealthCheckResponse_ServingStatus } from "@mercato/contracts/grpc/health/v1/health_pb";
import {
  createLogger,
  createRpcClient,
  MemoryKeyValue,
  NatsEventBus,
  PgliteHost,
  parseConfig,
  type RunningService,
  startService,
} from "@mercato/platform";
import { type NatsServer, startNatsServer, waitFor } from "@mercato/testing";
import { itemGatewayModule } from "@mercato/testing/item-gateway-module";
import { itemService } from "@mercato/testing/item-service";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { gatewayConfigSchema } from "../src/config.js";
import { createGateway, type Gateway } from "../src/index.js";

// Issue 16, item 3: a service whose bus is gone still serves (its outbox keeps the events), so
// /ready must not take it out of rotation; the outage is reported instead. Stops a private NATS.
describe("a service while its NATS is down", () => {
  let nats: NatsServer;
  let bus: NatsEventBus;
  let pglite: PgliteHost;
  let service: RunningService;
  let gateway: Gateway;

  beforeAll(async () => {
    nats = await startNatsServer();
    bus = await NatsEventBus.connect({ url: nats.url });
    pglite = await PgliteHost.open({ postgis: false });
    service = await startService(
      itemService({ name: "items" }),
      {
        database: (name) => pglite.forService(name),
        bus,
        kv: new MemoryKeyValue(),
        logger: (name) => createLogger({ service: name, level: "silent" }),
      },
      { port: 0 },
    );
    gateway = await createGateway({
      config: parseConfig(gatewayConfigSchema, { NODE_ENV: "test" }),
      services: [{ name: "items", url: service.url }],
      modules: [itemGatewayModule("items")],
      logger: createLogger({ service: "gateway", level: "silent" }),
    });
    await gateway.app.ready();
  });
  afterAll(async () => {
    await gateway.app.close();
    await service.stop();
    await bus.close();
    await pglite.close();
    await nats.dispose();
  });

  const ready = async () => {
    const response = await fetch(`${service.url}/ready`);
    return {
      status: response.status,
      body: (await response.json()) as { status: string; degraded: string[] },
    };
  };
  const busUp = async () => {
    const metrics = await (await fetch(`${service.url}/metrics`)).text();
    return Number(/dependency_up\{dependency="bus"[^}]*\} (\d)/.exec(metrics)?.[1]);
  };
  const servicesHealth = async () => {
    const response = await gateway.app.inject({ method: "GET", url: "/health/services" });
    return { status: response.statusCode, body: response.json() };
  };

  it("stays ready and serving, reports the bus in /ready, metrics and /health/services, and recovers", async () => {
    expect(await ready()).toEqual({
      status: 200,
      body: expect.objectContaining({ status: "ready", degraded: [] }),
    });
    expect(await busUp()).toBe(1);
    expect((await servicesHealth()).body).toMatchObject({ status: "ok", services: [{ status: "up" }] });

    await nats.stop();
    await waitFor(async () => (await ready()).body.status === "degraded", {
      timeoutMs: 15_000,
      message: "/ready never reported the bus outage",
    });
    expect(await ready()).toEqual({
      status: 200,
      body: expect.objectContaining({ status: "degraded", degraded: ["bus"] }),
    });
    const grpcHealth = createRpcClient(Health, { baseUrl: service.url });
    expect((await grpcHealth.check({ service: "" })).status).toBe(HealthCheckResponse_ServingStatus.SERVING);
    expect(await busUp()).toBe(0);
    const health = await servicesHealth();
    expect(health.status).toBe(200);
    expect(health.body).toMatchObject({
      status: "degraded",
      services: [{ status: "up", degraded: ["bus"] }],
    });
    expect(health.body.services[0].error).toMatch(/^bus: /);
    // It still serves: a write goes to the outbox and a read answers.
    const created = await gateway.app.inject({
      method: "POST",
      url: "/api/v1/items",
      payload: { name: "During the outage", priceMinor: "1", currency: "EUR" },
    });
    expect(created.statusCode).toBe(201);
    const read = await gateway.app.inject({ method: "GET", url: `/api/v1/items/${created.json().id}` });
    expect(read.statusCode).toBe(200);

    await nats.start();
    await waitFor(async () => (await ready()).body.status === "ready", {
      timeoutMs: 30_000,
      message: "/ready never recovered after the bus returned",
    });
    expect(await busUp()).toBe(1);
    expect((await servicesHealth()).body).toMatchObject({ status: "ok", services: [{ status: "up" }] });
  });
});
