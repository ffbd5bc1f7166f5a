import { createLogger, type EventEnvelope, parseConfig, type RunningService } from "@mercato/platform";
import { itemGatewayModule } from "@mercato/testing/item-gateway-module";
import { startItemService } from "@mercato/testing/item-service";
import { gatewayConfigSchema } from "../src/config.js";
import { createGateway, type Gateway, type GatewayModule } from "../src/index.js";

/** A gateway in front of a running testkit item service, with a spy on the events it publishes. */
export interface Harness {
  gateway: Gateway;
  service: RunningService;
  events: EventEnvelope[];
  /** Milliseconds GetItem waits before answering. */
  setGetDelay(ms: number): void;
  close(): Promise<void>;
}

/** Starts PGlite, the item service on a free port, and a gateway with the given env overrides. */
export async function startHarness(
  env: Record<string, string> = {},
  extraModules: GatewayModule[] = [],
  options: { authenticate?: Parameters<typeof createGateway>[0]["authenticate"] } = {},
): Promise<Harness> {
  const events: EventEnvelope[] = [];
  let delay = 0;
  const items = await startItemService({
    name: "items",
    getDelayMs: () => delay,
    beforeStart: async (bus) => {
      await bus.consume(
        { durable: "spy", subject: "mercato.items.>", backoffMs: [10] },
        async (event) => void events.push(event),
      );
    },
  });
  const { service } = items;
  const config = parseConfig(gatewayConfigSchema, { NODE_ENV: "test", SERVICE_TIMEOUT_MS: "1000", ...env });
  const gateway = await createGateway({
    config,
    services: [{ name: "items", url: service.url }],
    modules: [itemGatewayModule("items"), ...extraModules],
    logger: createLogger({ service: "gateway", level: "silent" }),
    ...(options.authenticate ? { authenticate: options.authenticate } : {}),
  });
  await gateway.app.ready();
  return {
    gateway,
    service,
    events,
    setGetDelay: (ms) => {
      delay = ms;
    },
    close: async () => {
      await gateway.app.close();
      await items.stop();
    },
  };
}
