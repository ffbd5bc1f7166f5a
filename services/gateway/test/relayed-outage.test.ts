import { create } from "@bufbuild/protobuf";
import { timestampNow } from "@bufbuild/protobuf/wkt";
import {
  GetItemResponseSchema,
  ItemService,
  ListItemsResponseSchema,
  PutItemResponseSchema,
} from "@mercato/contracts/mercato/testkit/v1/item_pb";
import {
  CircuitBreaker,
  createLogger,
  createRpcClient,
  defineService,
  MemoryEventBus,
  MemoryKeyValue,
  PgliteHost,
  parseConfig,
  type RunningService,
  type ServiceInfrastructure,
  startService,
  withCalledServiceErrors,
} from "@mercato/platform";
import { freePort, waitFor } from "@mercato/testing";
import { itemGatewayModule } from "@mercato/testing/item-gateway-module";
import { itemService } from "@mercato/testing/item-service";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { gatewayConfigSchema } from "../src/config.js";
import { createGateway, type Gateway } from "../src/index.js";

// Issue 16, items 4 and 5: gateway → shop → stock, each a real server on its own loopback port, as
// gateway → orders → inventory are. The shop reads items from the stock (relaying its outage, as
// orders relays inventory's) and answers PutItem itself (as orders answers the cart).

/** The shop's breaker toward the stock: opens after 3 failures and turns half-open after 300 ms. */
const stockBreaker = new CircuitBreaker("stock", { failureThreshold: 3, openMs: 300 });

function shopService(stockUrl: string) {
  const stock = withCalledServiceErrors(
    "stock",
    createRpcClient(ItemService, { baseUrl: stockUrl, target: "stock", breaker: stockBreaker }),
  );
  return defineService({
    name: "shop",
    defaultPort: 0,
    rpcServices: [ItemService.typeName],
    setup: () => ({
      rpc(router) {
        router.service(ItemService, {
          async getItem(req) {
            const { item } = await stock.getItem({ id: req.id });
            return create(GetItemResponseSchema, { ...(item ? { item } : {}) });
          },
          async putItem(req) {
            return create(PutItemResponseSchema, {
              item: {
                id: crypto.randomUUID(),
                name: req.name,
                priceMinor: req.priceMinor,
                currency: req.currency,
                createdAt: timestampNow(),
              },
            });
          },
          async listItems() {
            return create(ListItemsResponseSchema, {});
          },
        });
      },
    }),
  });
}

describe("an outage relayed through a service", () => {
  let pglite: PgliteHost;
  let bus: MemoryEventBus;
  let stockPort: number;
  let stock: RunningService | undefined;
  let shop: RunningService;
  let gateway: Gateway;

  const infra = (): ServiceInfrastructure => ({
    database: (name) => pglite.forService(name),
    bus,
    kv: new MemoryKeyValue(),
    logger: (name) => createLogger({ service: name, level: "silent" }),
  });
  let stockDelayMs = 0;
  let id = "";
  const startStock = async () => {
    stock = await startService(itemService({ name: "stock", getDelayMs: () => stockDelayMs }), infra(), {
      port: stockPort,
    });
  };
  const get = (id: string) => gateway.app.inject({ method: "GET", url: `/api/v1/items/${id}` });
  const shopHealth = async () => {
    const health = await gateway.app.inject({ method: "GET", url: "/health/services" });
    return (health.json() as { services: { name: string; status: string; circuit: string }[] }).services.find(
      (service) => service.name === "shop",
    );
  };

  beforeAll(async () => {
    pglite = await PgliteHost.open({ postgis: false });
    bus = new MemoryEventBus();
    stockPort = await freePort();
    await startStock();
    shop = await startService(shopService(`http://127.0.0.1:${stockPort}`), infra(), { port: 0 });
    gateway = await createGateway({
      config: parseConfig(gatewayConfigSchema, { NODE_ENV: "test", SERVICE_TIMEOUT_MS: "2000" }),
      services: [{ name: "shop", url: shop.url }],
      modules: [itemGatewayModule("shop")],
      logger: createLogger({ service: "gateway", level: "silent" }),
    });
    await gateway.app.ready();
    const put = await createRpcClient(ItemService, { baseUrl: `http://127.0.0.1:${stockPort}` }).putItem({
      name: "Lamp",
      priceMinor: 100n,
      currency: "EUR",
    });
    id = put.item?.id ?? "";
  });
  afterAll(async () => {
    await gateway?.app.close();
    await shop?.stop();
    await stock?.stop();
    await bus?.close();
    await pglite?.close();
  });

  it("answers a stock that hangs as the stock's outage before the gateway's deadline blames the shop", async () => {
    stockDelayMs = 60_000;
    // Together, so that the shop's breaker toward the stock cannot open before they all time out.
    const hung = await Promise.all(Array.from({ length: 6 }, () => get(id)));
    for (const answer of hung) {
      expect(answer.statusCode).toBe(502);
      expect(answer.json().error.message).toBe("service stock is unavailable");
    }
    expect(await shopHealth()).toMatchObject({ status: "up", circuit: "closed" });

    stockDelayMs = 0;
    await waitFor(async () => (await get(id)).statusCode === 200 && stockBreaker.state === "closed", {
      timeoutMs: 10_000,
      message: "the stock did not come back",
    });
  });

  it("names the service that failed, keeps the relaying service's circuit closed, and closes the failed one's after recovery without failing concurrent calls", async () => {
    expect((await get(id)).json()).toMatchObject({ id, name: "Lamp" });

    await stock?.stop();
    stock = undefined;

    for (let i = 0; i < 8; i++) {
      const down = await get(id);
      expect(down.statusCode).toBe(502);
      expect(down.json().error).toMatchObject({ code: "SERVICE_UNAVAILABLE" });
      // "service stock is unavailable", "(circuit open)" once the shop's breaker opened.
      expect(down.json().error.message).toMatch(/^service stock is unavailable/);
    }
    expect(stockBreaker.state).toBe("open");
    // The shop answered every time: its circuit in the gateway stays closed and its other calls work.
    expect(await shopHealth()).toMatchObject({ status: "up", circuit: "closed" });
    const other = await gateway.app.inject({
      method: "POST",
      url: "/api/v1/items",
      payload: { name: "Chair", priceMinor: "4900", currency: "EUR" },
    });
    expect(other.statusCode).toBe(201);

    await startStock();
    await waitFor(() => stockBreaker.state === "half-open", {
      timeoutMs: 5_000,
      message: "the shop's circuit toward the stock never turned half-open",
    });
    const concurrent = await Promise.all(Array.from({ length: 6 }, () => get(id)));
    expect(concurrent.map((answer) => answer.statusCode)).toEqual([200, 200, 200, 200, 200, 200]);
    expect(stockBreaker.state).toBe("closed");
    expect(await shopHealth()).toMatchObject({ circuit: "closed" });
  });
});
