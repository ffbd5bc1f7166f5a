import { createGateway, gatewayConfigSchema } from "@mercato/gateway";
import { createLogger, parseConfig } from "@mercato/platform";
import { itemGatewayModule } from "@mercato/testing/item-gateway-module";
import { startItemService } from "@mercato/testing/item-service";
import { floorGatewayModule } from "./floor-module.js";

/** What a target prints as one JSON line on stdout once it serves. */
export interface TargetInfo {
  /** `http://host:port` of the item service (Connect, gRPC, gRPC-Web on one port). */
  serviceUrl: string;
  /** `http://host:port` of the gateway; empty for the `service` role. */
  gatewayUrl: string;
  /** Id of the seeded item; empty for the `gateway` role. */
  itemId: string;
  /** The seeded item as the service returned it. */
  item: { id: string; name: string; priceMinor: string; currency: string };
  pid: number;
}

/**
 * What the process runs: `all` (default) PGlite, the item service and the gateway on one event
 * loop, as the embedded host does; `service` only PGlite and the item service; `gateway` only the
 * gateway, in front of the service at TARGET_SERVICE_URL (distributed mode), serving the
 * TARGET_ITEM (JSON) from memory on its floor routes.
 */
type Role = "all" | "service" | "gateway";

// The process the read benchmark loads, wired as the gateway tests wire it, each server on a free
// loopback port. Runs until SIGTERM.
const role = (process.argv[2] ?? "all") as Role;
if (!["all", "service", "gateway"].includes(role)) throw new Error(`unknown target role ${role}`);
const silent = (service: string) => createLogger({ service, level: "silent" });
const stops: (() => Promise<void>)[] = [];

let serviceUrl = process.env.TARGET_SERVICE_URL ?? "";
let item: TargetInfo["item"] = process.env.TARGET_ITEM
  ? (JSON.parse(process.env.TARGET_ITEM) as TargetInfo["item"])
  : { id: "", name: "", priceMinor: "", currency: "" };
if (role !== "gateway") {
  const items = await startItemService({ name: "items" });
  stops.push(() => items.stop());
  const { service } = items;
  serviceUrl = service.url;
  const put = await fetch(`${service.url}/mercato.testkit.v1.ItemService/PutItem`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ name: "Benchmark lamp", priceMinor: "4990", currency: "EUR" }),
  });
  if (put.status !== 200) throw new Error(`seeding the item failed: HTTP ${put.status} ${await put.text()}`);
  ({ item } = (await put.json()) as { item: TargetInfo["item"] });
}

let gatewayUrl = "";
if (role !== "service") {
  if (!serviceUrl) throw new Error("the gateway role needs TARGET_SERVICE_URL");
  const config = parseConfig(gatewayConfigSchema, {
    NODE_ENV: "production",
    LOG_LEVEL: "silent",
    RATE_LIMIT_MAX: "100000000",
    HOST: "127.0.0.1",
    GATEWAY_PORT: "0",
  });
  const gateway = await createGateway({
    config,
    services: [{ name: "items", url: serviceUrl }],
    modules: [
      itemGatewayModule("items"),
      floorGatewayModule({
        id: item.id,
        name: item.name,
        priceMinor: item.priceMinor,
        currency: item.currency,
      }),
    ],
    logger: silent("gateway"),
  });
  gatewayUrl = await gateway.app.listen({ host: "127.0.0.1", port: 0 });
  stops.unshift(() => gateway.app.close());
}

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  for (const step of stops) await step();
  // An explicit exit writes the --cpu-prof profile when the bench asked for one.
  process.exit(0);
};
process.once("SIGTERM", () => void stop());
process.once("SIGINT", () => void stop());

const info: TargetInfo = {
  serviceUrl,
  gatewayUrl,
  itemId: item.id,
  item: { id: item.id, name: item.name, priceMinor: item.priceMinor, currency: item.currency },
  pid: process.pid,
};
process.stdout.write(`${JSON.stringify(info)}\n`);
