import { mkdir } from "node:fs/promises";
import { resolve } from "node:path";
import {
  createGateway,
  type Gateway,
  type GatewayModule,
  gatewayConfigSchema,
  gatewayModules,
} from "@mercato/gateway";
import {
  createLogger,
  flag,
  type Logger,
  logLevel,
  MemoryEventBus,
  MemoryKeyValue,
  PgliteHost,
  parseConfig,
  type RunningService,
  runMain,
  type ServiceDefinition,
  startService,
} from "@mercato/platform";
import { z } from "zod";
import { hostedServices } from "./catalog.js";

/** Environment of the embedded host. */
export const embeddedConfigSchema = z.object({
  DATA_DIR: z.string().default("./data"),
  HOST: z.string().default("127.0.0.1"),
  LOG_LEVEL: logLevel,
  LOG_PRETTY: flag(true),
});

/** Options of startEmbedded; by default the catalog's services and the gateway's modules. */
export interface EmbeddedOptions {
  env?: Record<string, string | undefined>;
  services?: readonly ServiceDefinition<never>[];
  modules?: readonly GatewayModule[];
  /** Port per service name; default `<NAME>_PORT` from the environment, else the service's own. */
  ports?: Record<string, number>;
  logger?: (service: string) => Logger;
}

/** A running embedded host. */
export interface EmbeddedHost {
  gateway: Gateway;
  gatewayUrl: string;
  services: RunningService[];
  /** Milliseconds from the call to everything serving. */
  startedInMs: number;
  stop(): Promise<void>;
}

/**
 * Runs every service in this process: one PGlite database under DATA_DIR with a schema per
 * service, the in-process bus and key-value store, each service on its own port speaking gRPC,
 * and the gateway in front.
 */
export async function startEmbedded(options: EmbeddedOptions = {}): Promise<EmbeddedHost> {
  const started = performance.now();
  const env = options.env ?? process.env;
  const config = parseConfig(embeddedConfigSchema, env);
  const gatewayConfig = parseConfig(gatewayConfigSchema, env);
  const logger =
    options.logger ??
    ((service: string) => createLogger({ service, level: config.LOG_LEVEL, pretty: config.LOG_PRETTY }));
  const definitions = options.services ?? hostedServices;
  const dataDir = resolve(config.DATA_DIR, "pglite");
  await mkdir(dataDir, { recursive: true });
  const pglite = await PgliteHost.open({
    dataDir,
    postgis: definitions.some((d) => d.extensions?.includes("postgis")),
  });
  const bus = new MemoryEventBus();
  const kv = new MemoryKeyValue();
  const running: RunningService[] = [];
  const stopAll = async () => {
    for (const service of running.splice(0).reverse()) await service.stop().catch(() => {});
    await bus.close();
    await kv.close();
    await pglite.close();
  };
  try {
    for (const definition of definitions) {
      const fromEnv = env[`${definition.name.toUpperCase()}_PORT`];
      const port = options.ports?.[definition.name] ?? (fromEnv ? Number(fromEnv) : definition.defaultPort);
      running.push(
        await startService(
          definition,
          { database: (schema) => pglite.forService(schema), bus, kv, logger, env },
          { host: config.HOST, port },
        ),
      );
    }
    const gateway = await createGateway({
      config: gatewayConfig,
      services: running.map((service) => ({ name: service.name, url: service.url })),
      modules: options.modules ?? gatewayModules,
      logger: logger("gateway"),
    });
    const gatewayUrl = await gateway.app.listen({
      host: gatewayConfig.HOST,
      port: gatewayConfig.GATEWAY_PORT,
    });
    return {
      gateway,
      gatewayUrl,
      services: running,
      startedInMs: Math.round(performance.now() - started),
      stop: async () => {
        await gateway.app.close();
        await stopAll();
      },
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

const isMain = process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename);
if (isMain) {
  runMain(async () => {
    const host = await startEmbedded();
    const lines = [
      "",
      `Mercato is running (embedded) — started in ${host.startedInMs} ms`,
      `  gateway          ${host.gatewayUrl}`,
      `  GraphQL          ${host.gatewayUrl}/graphql   (GraphiQL: ${host.gatewayUrl}/graphiql)`,
      `  REST + OpenAPI   ${host.gatewayUrl}/api/v1    (docs: ${host.gatewayUrl}/docs)`,
      `  health           ${host.gatewayUrl}/health/services`,
      ...host.services.map((s) => `  ${s.name.padEnd(16)} ${s.url}  (gRPC, /health, /ready, /metrics)`),
      "",
    ];
    process.stdout.write(`${lines.join("\n")}\n`);
    const stop = async () => {
      await host.stop();
      process.exit(0);
    };
    process.once("SIGINT", () => void stop());
    process.once("SIGTERM", () => void stop());
  });
}
