import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import { checkReadiness, type ReadinessCheck } from "../health/health.js";
import type { HttpRoute } from "../rpc/server.js";

/** A Prometheus registry for one service: process metrics plus everything labelled `service`. */
export function createMetricsRegistry(service: string): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry });
  return registry;
}

/** Server-side RPC durations by method and result code, in seconds. */
export function rpcServerHistogram(registry: Registry): Histogram<"method" | "code"> {
  return new Histogram({
    name: "rpc_server_duration_seconds",
    help: "Duration of RPCs served, by method and result code",
    labelNames: ["method", "code"],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
}

/** Durations of a service's background jobs by kind and outcome (`done`, `failed`, `retry`), in seconds. */
export function jobHistogram(registry: Registry, name: string, help: string): Histogram<"kind" | "outcome"> {
  return new Histogram({
    name,
    help,
    labelNames: ["kind", "outcome"],
    buckets: [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 180, 600],
    registers: [registry],
  });
}

/**
 * `events_handled_total{consumer, outcome}`: deliveries a consumer of this process handled, by
 * outcome (`applied`, `duplicate` for one the inbox had seen, `parked`); summed over a service's
 * replicas, `applied` counts each event once.
 */
export function eventsHandledCounter(registry: Registry): Counter<"consumer" | "outcome"> {
  return new Counter({
    name: "events_handled_total",
    help: "Event deliveries handled by this process's consumers, by consumer and outcome",
    labelNames: ["consumer", "outcome"],
    registers: [registry],
  });
}

/** Client-side RPC durations by called service, method and result code, in seconds. */
export function rpcClientHistogram(registry: Registry): Histogram<"target" | "method" | "code"> {
  return new Histogram({
    name: "rpc_client_duration_seconds",
    help: "Duration of RPCs made to other services, by target, method and result code",
    labelNames: ["target", "method", "code"],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
}

/**
 * `dependency_up{dependency}`: 1 while a dependency answers its readiness check, 0 while not,
 * checked at each scrape, so an outage the service rides out (the bus) still shows.
 */
export function dependencyGauge(registry: Registry, checks: readonly ReadinessCheck[]): Gauge<"dependency"> {
  return new Gauge({
    name: "dependency_up",
    help: "1 while a dependency of the service answers its readiness check, 0 while it does not",
    labelNames: ["dependency"],
    registers: [registry],
    async collect() {
      for (const result of (await checkReadiness(checks)).checks) {
        this.set({ dependency: result.name }, result.ok ? 1 : 0);
      }
    },
  });
}

/** What the backlog gauges read at each scrape (ADR 0048): a service's event and job queues. */
export interface BacklogSources {
  /** Rows in the outbox and the age of the oldest, in seconds. */
  outbox(): Promise<{ rows: number; oldestSeconds: number }>;
  /** Events its consumers parked. */
  parked(): Promise<number>;
  /** Each durable consumer's unacknowledged events, by durable name. */
  lag(): Promise<Map<string, number>>;
  /** Jobs of each queue by state (`waiting`, `active`, `delayed`, `failed` = dead letters). */
  jobs(): Promise<Map<string, Record<string, number>>>;
}

/**
 * `outbox_backlog`, `outbox_oldest_seconds`, `events_parked`, `consumer_lag{consumer}` and
 * `jobs{queue,state}`: read at each scrape; a source that fails leaves its gauge as it was.
 */
export function backlogGauges(registry: Registry, sources: BacklogSources): void {
  const quietly = async (read: () => Promise<void>) => {
    try {
      await read();
    } catch {
      // A database or bus outage shows on dependency_up; the backlog stays at its last reading.
    }
  };
  new Gauge({
    name: "outbox_backlog",
    help: "Events written to the outbox and not yet published",
    registers: [registry],
    async collect() {
      await quietly(async () => this.set((await sources.outbox()).rows));
    },
  });
  new Gauge({
    name: "outbox_oldest_seconds",
    help: "Age of the oldest event waiting in the outbox, in seconds (0 when empty)",
    registers: [registry],
    async collect() {
      await quietly(async () => this.set((await sources.outbox()).oldestSeconds));
    },
  });
  new Gauge({
    name: "events_parked",
    help: "Events this service's consumers parked after failing (dead letters of the bus)",
    registers: [registry],
    async collect() {
      await quietly(async () => this.set(await sources.parked()));
    },
  });
  new Gauge({
    name: "consumer_lag",
    help: "Events of a durable consumer not yet acknowledged",
    labelNames: ["consumer"],
    registers: [registry],
    async collect() {
      await quietly(async () => {
        for (const [consumer, lag] of await sources.lag()) this.set({ consumer }, lag);
      });
    },
  });
  new Gauge({
    name: "jobs",
    help: "Jobs of a queue by state; failed ones are its dead letters",
    labelNames: ["queue", "state"],
    registers: [registry],
    async collect() {
      await quietly(async () => {
        for (const [queue, states] of await sources.jobs())
          for (const [state, count] of Object.entries(states)) this.set({ queue, state }, count);
      });
    },
  });
}

/** `GET /metrics` in the Prometheus text format. */
export function metricsRoute(registry: Registry): HttpRoute {
  return {
    method: "GET",
    path: "/metrics",
    handle: async () => ({ status: 200, contentType: registry.contentType, body: await registry.metrics() }),
  };
}
