import type { ConnectRouter, Interceptor } from "@connectrpc/connect";
import { sql } from "drizzle-orm";
import type { Logger } from "pino";
import type { Registry } from "prom-client";
import type { z } from "zod";
import type { ServiceTokens } from "../auth/service-tokens.js";
import { parseConfig } from "../config/config.js";
import { type Database, quoteSchema, rowsOf } from "../db/database.js";
import { type MigrateResult, type Migration, migrate } from "../db/migrate.js";
import { type ConsumerDefinition, EventConsumer } from "../events/consumer.js";
import type { EventBus } from "../events/event-bus.js";
import { eventTablesMigration, Outbox, OutboxRelay } from "../events/outbox.js";
import { healthRoutes, type ReadinessCheck, registerGrpcHealth } from "../health/health.js";
import type { KeyValue } from "../kv/key-value.js";
import {
  backlogGauges,
  createMetricsRegistry,
  dependencyGauge,
  eventsHandledCounter,
  metricsRoute,
  rpcServerHistogram,
} from "../metrics/metrics.js";
import type { JobQueue, JobQueueOptions } from "../queue/job-queue.js";
import { MemoryJobQueue } from "../queue/memory-queue.js";
import type { Listening } from "../rpc/listen.js";
import {
  type Authenticator,
  contextInterceptor,
  type HttpHandler,
  type HttpRoute,
  observeInterceptor,
  startRpcServer,
  validationInterceptor,
} from "../rpc/server.js";
import { tracedJobQueue } from "../telemetry/traced-queue.js";

/** What a service gets at run time: its config, its own schema, the bus, key-value store, logger and metrics. */
export interface ServiceRuntime<Config = Record<string, never>> {
  name: string;
  config: Config;
  database: Database;
  bus: EventBus;
  kv: KeyValue;
  /** Makes the service's job queues: BullMQ on the deployment's Redis, or in-process embedded. */
  jobQueue: JobQueueFactory;
  logger: Logger;
  metrics: Registry;
  /** Writes events in the caller's transaction; they are relayed to the bus after commit. */
  outbox: Outbox;
  /**
   * A token naming this service (`service:<name>`) for calls it makes on its own behalf; throws
   * when the host gave the service no token secret.
   */
  serviceToken(): Promise<string>;
  /** The URL it serves on (`http://host:port`); known once it listens, so ask from `start` or later. */
  url(): string;
}

/**
 * What a service is made of once set up on its runtime: RPC handlers, event consumers, plain HTTP
 * routes and background work, sharing the stores, clients and workflows `setup` built for them.
 */
export interface ServiceParts {
  rpc?: (router: ConnectRouter) => void;
  consumers?: readonly ConsumerDefinition[];
  /** Plain HTTP GET routes served next to the RPCs (for example a JWKS document). */
  httpRoutes?: readonly HttpRoute[];
  /** Other plain HTTP requests it serves (signed file uploads and downloads). */
  httpHandler?: HttpHandler;
  /** Background work started after the server listens; returns how to stop it. */
  start?: () => Promise<(() => Promise<void>) | undefined>;
  /** Releases what `setup` opened (mail transports, clients), last when the service stops. */
  close?: () => Promise<void>;
  /** Dependencies of its own that `/ready` reports (a job queue), next to database, bus and kv. */
  readiness?: readonly ReadinessCheck[];
}

/** The one shape of every Mercato service: its name, port, config, schema and how to set it up. */
export interface ServiceDefinition<Config = Record<string, never>> {
  /** Lower-case name; also its database schema, durable-name prefix and metrics label. */
  name: string;
  /** Port it listens on unless the environment says otherwise. */
  defaultPort: number;
  /** Fully-qualified Protobuf names of the services it serves (for the gRPC health protocol). */
  rpcServices?: readonly string[];
  /** Its own environment variables, validated at start. */
  config?: z.ZodObject;
  /** PostgreSQL extensions it needs (e.g. `postgis`). */
  extensions?: readonly string[];
  /** Its schema changes, in order; loaded at start. */
  migrations?: () => Promise<Migration[]>;
  /** Builds the service's parts on its runtime, once per start (a definition may run twice in one process). */
  setup: (runtime: ServiceRuntime<Config>) => ServiceParts | Promise<ServiceParts>;
}

/** Declares a service; the identity function that gives the definition its types. */
export function defineService<Config = Record<string, never>>(
  definition: ServiceDefinition<Config>,
): ServiceDefinition<Config> {
  return definition;
}

/**
 * Brings a service's schema up to date (its event tables first, then its own migrations); used at
 * start and by tools such as the seed command that write a service's tables before it runs.
 */
export async function migrateService<Config>(
  definition: ServiceDefinition<Config>,
  database: Database,
): Promise<MigrateResult> {
  const migrations = [eventTablesMigration(definition.name), ...((await definition.migrations?.()) ?? [])];
  return migrate(database, migrations, { extensions: definition.extensions ?? [] });
}

/** Makes a job queue for a service (BullMQ in distributed mode, in-process embedded). */
export type JobQueueFactory = <T>(options: JobQueueOptions<T>) => JobQueue<T>;

/** The shared pieces a host hands to each service it starts. */
export interface ServiceInfrastructure {
  /** The Database for a service's schema. */
  database(service: string): Database;
  bus: EventBus;
  kv: KeyValue;
  /** What the key-value store is called in readiness and `dependency_up`; default "kv". */
  kvName?: string;
  /** Makes job queues; in-process ones when the host gives none. */
  jobQueue?: JobQueueFactory;
  logger(service: string): Logger;
  authenticate?: Authenticator;
  /** Signs and accepts service tokens (a secret all services of the deployment share); none: user tokens only. */
  serviceTokens?: ServiceTokens;
  env?: Record<string, string | undefined>;
}

/** A service that is serving. */
export interface RunningService {
  name: string;
  url: string;
  port: number;
  runtime: ServiceRuntime<unknown>;
  /** Consumers by name, for inspecting and replaying parked events. */
  consumers: ReadonlyMap<string, EventConsumer>;
  stop(): Promise<void>;
}

/** Options of startService. */
export interface StartOptions {
  host?: string;
  /** Port to listen on; 0 picks a free one; default the definition's port. */
  port?: number;
  interceptors?: Interceptor[];
}

/**
 * Starts one service: validates its config, migrates its schema (event tables first), starts the
 * outbox relay and its consumers, and serves its RPCs with health, readiness and metrics.
 */
export async function startService<Config>(
  definition: ServiceDefinition<Config>,
  infra: ServiceInfrastructure,
  options: StartOptions = {},
): Promise<RunningService> {
  const config = (
    definition.config ? parseConfig(definition.config, infra.env ?? process.env) : {}
  ) as Config;
  const logger = infra.logger(definition.name);
  const database = infra.database(definition.name);
  const metrics = createMetricsRegistry(definition.name);
  const stops: (() => Promise<void>)[] = [];
  let closeParts: (() => Promise<void>) | undefined;
  // Once only, however often the service is stopped.
  const closeOnce = async () => {
    const close = closeParts;
    closeParts = undefined;
    await close?.();
  };
  try {
    const { applied } = await migrateService(definition, database);
    if (applied.length > 0) logger.info({ applied }, "migrations applied");

    const relay = new OutboxRelay({ database, bus: infra.bus, logger });
    const outbox = new Outbox(definition.name, () => relay.kick());
    let listeningUrl: string | undefined;
    const queues = new Map<string, { counts(): Promise<Record<string, number>> }>();
    const runtime: ServiceRuntime<Config> = {
      url: () => {
        if (!listeningUrl) throw new Error(`${definition.name} is not listening yet`);
        return listeningUrl;
      },
      name: definition.name,
      config,
      database,
      bus: infra.bus,
      kv: infra.kv,
      // Jobs join the trace that added them (ADR 0048); their counts are on /metrics.
      jobQueue: (queueOptions) => {
        const queue = tracedJobQueue(
          definition.name,
          infra.jobQueue ?? ((memoryOptions) => new MemoryJobQueue(memoryOptions)),
          queueOptions,
        );
        queues.set(queueOptions.name, queue);
        return queue;
      },
      logger,
      metrics,
      outbox,
      serviceToken: () => {
        if (!infra.serviceTokens)
          throw new Error(`${definition.name} has no service token secret (SERVICE_TOKEN_SECRET)`);
        return infra.serviceTokens.sign(definition.name);
      },
    };
    relay.start();
    stops.push(() => relay.stop());

    const parts = await definition.setup(runtime);
    closeParts = parts.close;

    const consumers = new Map<string, EventConsumer>();
    const handled = eventsHandledCounter(metrics);
    for (const consumerDefinition of parts.consumers ?? []) {
      const consumer = new EventConsumer(consumerDefinition, {
        service: definition.name,
        database,
        bus: infra.bus,
        logger,
        handled,
      });
      await consumer.start();
      consumers.set(consumerDefinition.name, consumer);
      stops.push(() => consumer.stop());
    }

    const checks: ReadinessCheck[] = [
      { name: "database", check: () => database.ping() },
      // The outbox keeps events while the bus is away and consumers resume where they stopped
      // (ADR 0004), so a bus outage degrades the service but does not stop it serving.
      { name: "bus", check: () => infra.bus.ping(), required: false },
      // Every use of the key-value store has a fallback (ADR 0027), so its outage degrades the service.
      {
        name: infra.kvName ?? "kv",
        check: async () => void (await infra.kv.get("mercato:ready-probe")),
        required: false,
      },
      ...(parts.readiness ?? []),
    ];
    dependencyGauge(metrics, checks);
    const table = (name: string) => sql.raw(`${quoteSchema(database.schema)}.${name}`);
    backlogGauges(metrics, {
      outbox: async () => {
        const [row] = rowsOf<{ rows: number | string; oldest: number | string | null }>(
          await database.db.execute(
            sql`select count(*) as rows, extract(epoch from now() - min(occurred_at)) as oldest from ${table("outbox")}`,
          ),
        );
        return { rows: Number(row?.rows ?? 0), oldestSeconds: Math.max(0, Number(row?.oldest ?? 0)) };
      },
      parked: async () => {
        const [row] = rowsOf<{ n: number | string }>(
          await database.db.execute(sql`select count(*) as n from ${table("parked_events")}`),
        );
        return Number(row?.n ?? 0);
      },
      lag: async () => {
        const lags = new Map<string, number>();
        for (const consumer of consumers.values()) {
          const pending = await infra.bus.pending?.(consumer.durable);
          if (pending !== undefined) lags.set(consumer.durable, pending);
        }
        return lags;
      },
      jobs: async () => {
        const found = new Map<string, Record<string, number>>();
        for (const [name, queue] of queues) found.set(name, await queue.counts());
        return found;
      },
    });
    const server: Listening = await startRpcServer({
      host: options.host ?? "127.0.0.1",
      port: options.port ?? definition.defaultPort,
      interceptors: [
        contextInterceptor(
          infra.serviceTokens ? infra.serviceTokens.authenticator(infra.authenticate) : infra.authenticate,
          definition.name,
        ),
        observeInterceptor({ logger, duration: rpcServerHistogram(metrics) }),
        validationInterceptor(),
        ...(options.interceptors ?? []),
      ],
      routes: (router) => {
        registerGrpcHealth(router, definition.rpcServices ?? [], checks);
        parts.rpc?.(router);
      },
      httpRoutes: [
        ...healthRoutes(definition.name, checks),
        metricsRoute(metrics),
        ...(parts.httpRoutes ?? []),
      ],
      ...(parts.httpHandler ? { httpHandler: parts.httpHandler } : {}),
    });
    listeningUrl = server.url;
    stops.unshift(() => server.close());

    const stopWork = await parts.start?.();
    if (stopWork) stops.unshift(stopWork);
    logger.info({ url: server.url }, `${definition.name} listening`);

    return {
      name: definition.name,
      url: server.url,
      port: server.port,
      runtime: runtime as ServiceRuntime<unknown>,
      consumers,
      stop: async () => {
        for (const stop of stops.splice(0)) await stop();
        await closeOnce();
        await database.close();
      },
    };
  } catch (error) {
    for (const stop of stops.splice(0)) await stop().catch(() => {});
    await closeOnce().catch(() => {});
    await database.close().catch(() => {});
    throw error;
  }
}
