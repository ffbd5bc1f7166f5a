// The gateway as the distributed host runs it: with the NATS bus its GraphQL subscriptions take
// their events from (ADR 0039). The gateway holds no bus of its own, so its host hands one in.
import { gatewayConfigSchema, serveGateway } from "@mercato/gateway";
import { createLogger, NatsEventBus, parseConfig, runMain } from "@mercato/platform";

runMain(async () => {
  const config = parseConfig(gatewayConfigSchema);
  if (!config.NATS_URL) return serveGateway();
  const logger = createLogger({ service: "gateway", level: config.LOG_LEVEL, pretty: config.LOG_PRETTY });
  const bus = await NatsEventBus.connect({ url: config.NATS_URL, name: "gateway", logger });
  return serveGateway({
    events: {
      subscribeEphemeral: (subject, handler, options) => bus.subscribeEphemeral(subject, handler, options),
    },
    onStop: () => bus.close(),
  });
});
