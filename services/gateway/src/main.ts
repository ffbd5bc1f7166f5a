import { createJwksAuthenticator } from "@mercato/platform/auth";
import { parseConfig } from "@mercato/platform/config";
import { createLogger } from "@mercato/platform/logging";
import { runMain } from "@mercato/platform/service";
import { createGateway } from "./app.js";
import { gatewayModules, upstreamServices } from "./catalog.js";
import { gatewayConfigSchema } from "./config.js";

/** `<NAME>_SERVICE_URL`, e.g. `ORDERS_SERVICE_URL`, or the service's default port on loopback. */
function serviceUrl(name: string, defaultPort: number, env: NodeJS.ProcessEnv): string {
  return env[`${name.toUpperCase()}_SERVICE_URL`] ?? `http://127.0.0.1:${defaultPort}`;
}

runMain(async () => {
  const config = parseConfig(gatewayConfigSchema);
  const logger = createLogger({ service: "gateway", level: config.LOG_LEVEL, pretty: config.LOG_PRETTY });
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
  });
  const address = await gateway.app.listen({ host: config.HOST, port: config.GATEWAY_PORT });
  logger.info({ url: address }, "gateway listening");
  const stop = async () => {
    await gateway.app.close();
    process.exit(0);
  };
  process.once("SIGTERM", () => void stop());
  process.once("SIGINT", () => void stop());
});
