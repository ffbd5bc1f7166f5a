import { createJwksAuthenticator } from "@mercato/platform/auth";
import { parseConfig } from "@mercato/platform/config";
import { createLogger } from "@mercato/platform/logging";
import { startTracing } from "@mercato/platform/telemetry";
import { createGateway } from "./app.js";
import { gatewayModules, upstreamServices } from "./catalog.js";
import { gatewayConfigSchema } from "./config.js";
import type { LiveEventSource } from "./live.js";

/** `<NAME>_SERVICE_URL`, e.g. `ORDERS_SERVICE_URL`, or the service's default port on loopback. */
function serviceUrl(name: string, defaultPort: number, env: NodeJS.ProcessEnv): string {
  return env[`${name.toUpperCase()}_SERVICE_URL`] ?? `http://127.0.0.1:${defaultPort}`;
}

/** What a process running the gateway may hand it. */
export interface ServeGatewayOptions {
  /** The bus its GraphQL subscriptions take their events from (ADR 0039); none: they answer SERVICE_UNAVAILABLE. */
  events?: LiveEventSource;
  /** Runs after the gateway closed on SIGTERM/SIGINT (say, closing the bus). */
  onStop?: () => Promise<void>;
}

/**
 * Runs the gateway as a process: configuration from the environment, the services at
 * `<NAME>_SERVICE_URL`, bearer tokens checked against the auth service's key set; it stops on
 * SIGTERM/SIGINT.
 */
export async function serveGateway(options: ServeGatewayOptions = {}): Promise<void> {
  const config = parseConfig(gatewayConfigSchema);
  const logger = createLogger({ service: "gateway", level: config.LOG_LEVEL, pretty: config.LOG_PRETTY });
  // Spans to OTLP when the OTEL_* variables ask for it, nothing otherwise (ADR 0048).
  const tracing = await startTracing("gateway");
  if (config.NATS_URL && !options.events)
    logger.warn(
      "NATS_URL is set but this process hands the gateway no bus: start it with apps/host/src/gateway-main.ts for live updates",
    );
  const gateway = await createGateway({
    config,
    services: upstreamServices.map((s) => ({
      name: s.name,
      url: serviceUrl(s.name, s.defaultPort, process.env),
    })),
    modules: gatewayModules,
    logger,
    authenticate: createJwksAuthenticator({
      jwksUrl: config.JWKS_URL ?? `${serviceUrl("auth", 9000, process.env)}/.well-known/jwks.json`,
      issuer: config.JWT_ISSUER,
      audience: config.JWT_AUDIENCE,
    }),
    ...(options.events ? { events: options.events } : {}),
  });
  const address = await gateway.app.listen({ host: config.HOST, port: config.GATEWAY_PORT });
  logger.info({ url: address, liveUpdates: options.events !== undefined }, "gateway listening");
  const stop = async () => {
    await gateway.app.close();
    await options.onStop?.();
    await tracing?.shutdown();
    process.exit(0);
  };
  process.once("SIGTERM", () => void stop());
  process.once("SIGINT", () => void stop());
}
