import { z } from "zod";
import { createJwksAuthenticator } from "../auth/jwks-authenticator.js";
import { minServiceSecretLength, ServiceTokens } from "../auth/service-tokens.js";
import { flag, logLevel, parseConfig, port, url, urls } from "../config/config.js";
import { openPostgres } from "../db/database.js";
import { NatsEventBus } from "../events/nats-event-bus.js";
import { RedisKeyValue } from "../kv/redis-key-value.js";
import { createLogger } from "../logging/logger.js";
import { BullMqJobQueue } from "../queue/bullmq-queue.js";
import type { Authenticator } from "../rpc/server.js";
import { releaseStartupHeap } from "../runtime/heap.js";
import { startTracing } from "../telemetry/setup.js";
import { type RunningService, type ServiceDefinition, startService } from "./service.js";

/** Environment every standalone service process reads (distributed mode). */
export const standaloneConfigSchema = z.object({
  DATABASE_URL: url(["postgres:", "postgresql:"]),
  NATS_URL: urls(["nats:", "tls:"]),
  /** Copies of the event stream in a JetStream cluster (3 for three servers). */
  NATS_STREAM_REPLICAS: z.coerce
    .number({ error: "must be a number" })
    .int({ error: "must be an integer" })
    .min(1, { error: "must be between 1 and 5" })
    .max(5, { error: "must be between 1 and 5" })
    .default(1),
  REDIS_URL: url(["redis:", "rediss:"]),
  HOST: z.string().default("127.0.0.1"),
  PORT: port(0).optional(),
  LOG_LEVEL: logLevel,
  LOG_PRETTY: flag(false),
  DB_POOL_SIZE: z.coerce.number({ error: "must be a number" }).int().positive().default(10),
  /** The auth service's key set; without it the service refuses bearer tokens. */
  JWKS_URL: url(["http:", "https:"]).optional(),
  JWT_ISSUER: z.string().min(1).default("mercato-auth"),
  JWT_AUDIENCE: z.string().min(1).default("mercato"),
  /** Secret every service of the deployment shares to sign and check service tokens (ADR 0018). */
  SERVICE_TOKEN_SECRET: z
    .string()
    .min(minServiceSecretLength, { error: `must be at least ${minServiceSecretLength} characters` })
    .optional(),
});

/**
 * Runs one service as its own process against real infrastructure named by the environment, and
 * stops it cleanly on SIGTERM/SIGINT. A bad or missing variable stops start-up with one line.
 */
export async function runStandalone<Config>(
  definition: ServiceDefinition<Config>,
  options: { env?: Record<string, string | undefined>; authenticate?: Authenticator } = {},
): Promise<RunningService> {
  const env = options.env ?? process.env;
  const config = parseConfig(standaloneConfigSchema, env);
  const logger = (service: string) =>
    createLogger({ service, level: config.LOG_LEVEL, pretty: config.LOG_PRETTY });
  const log = logger(definition.name);
  // Spans to OTLP when the OTEL_* variables ask for it, nothing otherwise (ADR 0048).
  const tracing = await startTracing(definition.name, { env });
  const bus = await NatsEventBus.connect({
    url: config.NATS_URL,
    name: definition.name,
    logger: log,
    replicas: config.NATS_STREAM_REPLICAS,
  });
  const kv = new RedisKeyValue({
    url: config.REDIS_URL,
    keyPrefix: `mercato:${definition.name}:`,
    logger: log,
  });
  const authenticate =
    options.authenticate ??
    (config.JWKS_URL
      ? createJwksAuthenticator({
          jwksUrl: config.JWKS_URL,
          issuer: config.JWT_ISSUER,
          audience: config.JWT_AUDIENCE,
        })
      : undefined);
  const service = await startService(
    definition,
    {
      database: (schema) =>
        openPostgres({ url: config.DATABASE_URL, schema, maxConnections: config.DB_POOL_SIZE }),
      bus,
      kv,
      kvName: "redis",
      // Keys carry the database's name, so two deployments sharing one Redis never take each
      // other's jobs (each deployment has its own database).
      jobQueue: (queueOptions) =>
        new BullMqJobQueue({
          ...queueOptions,
          redisUrl: config.REDIS_URL,
          prefix: `mercato:queue:${new URL(config.DATABASE_URL).pathname.slice(1) || "postgres"}`,
          logger: log,
        }),
      logger,
      env,
      ...(authenticate ? { authenticate } : {}),
      ...(config.SERVICE_TOKEN_SECRET
        ? { serviceTokens: new ServiceTokens(config.SERVICE_TOKEN_SECRET) }
        : {}),
    },
    { host: config.HOST, port: config.PORT ?? definition.defaultPort },
  );
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, "stopping");
    await service.stop();
    await bus.close();
    await kv.close();
    await tracing?.shutdown();
    process.exit(0);
  };
  process.once("SIGTERM", () => void shutdown("SIGTERM"));
  process.once("SIGINT", () => void shutdown("SIGINT"));
  return service;
}

/**
 * Runs `main`, printing a configuration or start-up error as one line and exiting with status 1.
 * Once it has started, the heap start-up grew is given back (releaseStartupHeap).
 */
export function runMain(main: () => Promise<unknown>): void {
  main().then(releaseStartupHeap, (error: unknown) => {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`${message}\n`);
    process.exit(1);
  });
}
