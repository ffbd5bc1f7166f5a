import { createGateway, gatewayConfigSchema } from "@mercato/gateway";
import {
  createLogger,
  MemoryEventBus,
  MemoryKeyValue,
  PgliteHost,
  parseConfig,
  startService,
} from "@mercato/platform";
import { itemGatewayModule } from "@mercato/testing/item-gateway-module";
import { itemService } from "@mercato/testing/item-service";

/** What the target prints as one JSON line on stdout once it serves. */
export interface TargetInfo {
  /** `http://host:port` of the item service (Connect, gRPC, gRPC-Web on one port). */
  serviceUrl: string;
  /** `http://host:port` of the gateway. */
  gatewayUrl: string;
  /** Id of the seeded item. */
  itemId: string;
  /** The seeded item as the service returned it. */
  item: { id: string; name: string; priceMinor: string; currency: string };
  pid: number;
}

// The process the read benchmark loads: in-memory PGlite, the testkit item service and a gateway in
// front of it, each on a free loopback port, as the gateway tests wire them. Runs until killed.
const pglite = await PgliteHost.open({ postgis: false });
const bus = new MemoryEventBus();
const kv = new MemoryKeyValue();
const silent = (service: string) => createLogger({ service, level: "silent" });
const service = await startService(
  itemService({ name: "items" }),
  { database: (name) => pglite.forService(name), bus, kv, logger: silent },
  { host: "127.0.0.1", port: 0 },
);
const config = parseConfig(gatewayConfigSchema, {
  NODE_ENV: "production",
  LOG_LEVEL: "silent",
  RATE_LIMIT_MAX: "100000000",
  HOST: "127.0.0.1",
  GATEWAY_PORT: "0",
});
const gateway = await createGateway({
  config,
  services: [{ name: "items", url: service.url }],
  modules: [itemGatewayModule("items")],
  logger: silent("gateway"),
});
const gatewayUrl = await gateway.app.listen({ host: "127.0.0.1", port: 0 });

const put = await fetch(`${service.url}/mercato.testkit.v1.ItemService/PutItem`, {
  method: "POST",
  headers: { "content-type": "application/json" },
  body: JSON.stringify({ name: "Benchmark lamp", priceMinor: "4990", currency: "EUR" }),
});
if (put.status !== 200) throw new Error(`seeding the item failed: HTTP ${put.status} ${await put.text()}`);
const { item } = (await put.json()) as { item: TargetInfo["item"] };

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await gateway.app.close();
  await service.stop();
  await bus.close();
  await kv.close();
  await pglite.close();
  // An explicit exit writes the --cpu-prof profile when the bench asked for one.
  process.exit(0);
};
process.once("SIGTERM", () => void stop());
process.once("SIGINT", () => void stop());

const info: TargetInfo = {
  serviceUrl: service.url,
  gatewayUrl,
  itemId: item.id,
  item: { id: item.id, name: item.name, priceMinor: item.priceMinor, currency: item.currency },
  pid: process.pid,
};
process.stdout.write(`${JSON.stringify(info)}\n`);
