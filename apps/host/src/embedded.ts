import { randomBytes } from "node:crypto";
import { mkdir } from "node:fs/promises";
import { resolve } from "node:path";
import {
  createGateway,
  type Gateway,
  type GatewayModule,
  gatewayConfigSchema,
  gatewayModules,
  type LiveEventSource,
} from "@mercato/gateway";
import { openSeedStore } from "@mercato/media";
import {
  type Authenticator,
  createJwksAuthenticator,
  createLogger,
  type Database,
  type EventBus,
  flag,
  type KeyValue,
  type Logger,
  logLevel,
  MemoryEventBus,
  MemoryKeyValue,
  minServiceSecretLength,
  PgliteHost,
  parseConfig,
  prepareDataDir,
  type RunningService,
  runMain,
  type ServiceDefinition,
  ServiceTokens,
  servicePorts,
  startService,
  startTracing,
  Unauthenticated,
} from "@mercato/platform";
import { z } from "zod";
import { hostedServices } from "./catalog.js";
import { defaultDemoSize } from "./seed/demo-data.js";
import { marketplaceIsEmpty, type SeedResult, seedMarketplace } from "./seed/seed.js";
import { builtWebApp } from "./web-root.js";

/** Environment of the embedded host. */
export const embeddedConfigSchema = z.object({
  DATA_DIR: z.string().default("./data"),
  HOST: z.string().default("127.0.0.1"),
  LOG_LEVEL: logLevel,
  LOG_PRETTY: flag(true),
  /** Seed the demo marketplace when the catalog is empty at start (a first start). */
  SEED_DEMO: flag(true),
  /** Secret of the services' own tokens; one made up at each start when absent (they all run here). */
  SERVICE_TOKEN_SECRET: z
    .string()
    .min(minServiceSecretLength, { error: `must be at least ${minServiceSecretLength} characters` })
    .optional(),
});

/** Options of startEmbedded; by default the catalog's services and the gateway's modules. */
export interface EmbeddedOptions {
  env?: Record<string, string | undefined>;
  services?: readonly ServiceDefinition<never>[];
  modules?: readonly GatewayModule[];
  /** Port per service name; default `<NAME>_PORT` from the environment, else the service's own. */
  ports?: Record<string, number>;
  logger?: (service: string) => Logger;
  /**
   * Infrastructure to run on instead of PGlite under DATA_DIR and the in-process bus and
   * key-value store (the end-to-end tests use it for real PostgreSQL, NATS and Redis).
   */
  infrastructure?: HostInfrastructure;
}

/** The shared pieces a host gives its services, and how to release them. */
export interface HostInfrastructure {
  database(schema: string): Database;
  bus: EventBus;
  kv: KeyValue;
  close(): Promise<void>;
}

/** A running embedded host. */
export interface EmbeddedHost {
  gateway: Gateway;
  gatewayUrl: string;
  services: RunningService[];
  /** Milliseconds from the call to everything serving. */
  startedInMs: number;
  /** What the demo seed wrote at this start; undefined when it did not run. */
  seeded: SeedResult | undefined;
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
  const gatewayConfig = parseConfig(gatewayConfigSchema, { WEB_ROOT: builtWebApp, ...env });
  const logger =
    options.logger ??
    ((service: string) => createLogger({ service, level: config.LOG_LEVEL, pretty: config.LOG_PRETTY }));
  const definitions = options.services ?? hostedServices;
  const ports = servicePorts(definitions, env);
  const infra = options.infrastructure ?? (await embeddedInfrastructure(config.DATA_DIR, definitions));
  const { bus, kv } = infra;
  const running: RunningService[] = [];
  // Tokens are verified against the auth service's key set; its URL is known once it listens
  // (its port may be 0 in tests), so the verifier is built on first use.
  let verifier: Authenticator | undefined;
  const authenticate: Authenticator = async (token) => {
    if (!verifier) {
      const auth = running.find((service) => service.name === "auth");
      const jwksUrl = env.JWKS_URL ?? (auth ? `${auth.url}/.well-known/jwks.json` : undefined);
      if (!jwksUrl) throw new Unauthenticated("bearer tokens are not accepted: no auth service runs");
      verifier = createJwksAuthenticator({
        jwksUrl,
        issuer: gatewayConfig.JWT_ISSUER,
        audience: gatewayConfig.JWT_AUDIENCE,
      });
    }
    return verifier(token);
  };
  const serviceTokens = new ServiceTokens(
    config.SERVICE_TOKEN_SECRET ?? randomBytes(32).toString("base64url"),
  );
  const stopAll = async () => {
    // All at once: each waits up to 2 s for connections its callers left open (ADR 0003's listener),
    // and none needs another to stop first (they share only the bus and the database, closed after).
    await Promise.all(running.splice(0).map((service) => service.stop().catch(() => {})));
    await infra.close();
  };
  try {
    for (const definition of definitions) {
      const port = options.ports?.[definition.name] ?? ports[definition.name] ?? definition.defaultPort;
      // Services that call others (orders) find them where they listen now, ports picked at start included.
      const serviceUrls = Object.fromEntries(
        running.map((service) => [`${service.name.toUpperCase()}_SERVICE_URL`, service.url]),
      );
      running.push(
        await startService(
          definition,
          {
            database: (schema) => infra.database(schema),
            bus,
            kv,
            logger,
            env: { ...env, ...serviceUrls },
            authenticate,
            serviceTokens,
          },
          { host: config.HOST, port },
        ),
      );
    }
    const seeded = await seedOnFirstStart(config.SEED_DEMO, env, running, infra, logger("host"));
    const gateway = await createGateway({
      config: gatewayConfig,
      services: running.map((service) => ({ name: service.name, url: service.url })),
      modules: options.modules ?? gatewayModules,
      logger: logger("gateway"),
      authenticate,
      // Live updates: the gateway's subscriptions take their events from the in-process bus.
      ...(bus.subscribeEphemeral
        ? { events: { subscribeEphemeral: bus.subscribeEphemeral.bind(bus) } satisfies LiveEventSource }
        : {}),
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
      seeded,
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

/** Seeds the demo marketplace when sellers and products both run and neither has data yet. */
async function seedOnFirstStart(
  enabled: boolean,
  env: Record<string, string | undefined>,
  running: readonly RunningService[],
  infra: HostInfrastructure,
  logger: Logger,
): Promise<SeedResult | undefined> {
  const names = new Set(running.map((service) => service.name));
  if (!enabled || !names.has("sellers") || !names.has("products")) return undefined;
  const targets = {
    sellers: infra.database("sellers"),
    products: infra.database("products"),
    ...(names.has("inventory") ? { inventory: infra.database("inventory") } : {}),
    ...(names.has("auth") ? { auth: infra.database("auth") } : {}),
    ...(names.has("users") ? { users: infra.database("users") } : {}),
    ...(names.has("notifications") ? { notifications: infra.database("notifications") } : {}),
  };
  if (!(await marketplaceIsEmpty(targets))) return undefined;
  const store = names.has("media") ? await openSeedStore(env) : undefined;
  const result = await seedMarketplace(
    { ...targets, ...(store ? { media: { database: infra.database("media"), store } } : {}) },
    defaultDemoSize,
  ).finally(() => store?.close());
  logger.info(result, "seeded the demo marketplace (SEED_DEMO=false turns this off)");
  return result;
}

/** PGlite under `<dataDir>/pglite` (with PostGIS when a service needs it), the in-process bus and key-value store. */
async function embeddedInfrastructure(
  dataDir: string,
  definitions: readonly ServiceDefinition<never>[],
): Promise<HostInfrastructure> {
  const folder = resolve(dataDir, "pglite");
  await mkdir(folder, { recursive: true });
  const extensions = [...new Set(definitions.flatMap((d) => d.extensions ?? []))];
  // A new folder is initialized in a short-lived child process, so its one-time peak is not kept (ADR 0014).
  await prepareDataDir(folder, extensions);
  const pglite = await PgliteHost.open({ dataDir: folder, postgis: extensions.includes("postgis") });
  const bus = new MemoryEventBus();
  const kv = new MemoryKeyValue();
  return {
    database: (schema) => pglite.forService(schema),
    bus,
    kv,
    close: async () => {
      await bus.close();
      await kv.close();
      await pglite.close();
    },
  };
}

const isMain = process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename);
if (isMain) {
  runMain(async () => {
    // Spans to OTLP when the OTEL_* variables ask for it (ADR 0048); one process, every service.
    const tracing = await startTracing("mercato");
    const host = await startEmbedded();
    const lines = [
      "",
      `Mercato is running (embedded) — started in ${host.startedInMs} ms`,
      `  shop             ${host.gatewayUrl}/   (sellers: ${host.gatewayUrl}/seller, admins: ${host.gatewayUrl}/admin)`,
      `  gateway          ${host.gatewayUrl}`,
      `  GraphQL          ${host.gatewayUrl}/graphql   (GraphiQL: ${host.gatewayUrl}/graphiql)`,
      `  REST + OpenAPI   ${host.gatewayUrl}/api/v1    (docs: ${host.gatewayUrl}/docs)`,
      `  health           ${host.gatewayUrl}/health/services`,
      ...host.services.map((s) => `  ${s.name.padEnd(16)} ${s.url}  (gRPC, /health, /ready, /metrics)`),
      ...(host.seeded
        ? [
            `  demo data        seeded ${host.seeded.storefronts} storefronts and ${host.seeded.products} products with ${host.seeded.pictures} pictures (first start; SEED_DEMO=false skips it)`,
          ]
        : []),
      "",
    ];
    process.stdout.write(`${lines.join("\n")}\n`);
    const stop = async () => {
      await host.stop();
      await tracing?.shutdown();
      process.exit(0);
    };
    process.once("SIGINT", () => void stop());
    process.once("SIGTERM", () => void stop());
  });
}
