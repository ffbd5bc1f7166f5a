import type { DescService } from "@bufbuild/protobuf";
import type { Client } from "@connectrpc/connect";
import {
  CircuitBreaker,
  type CircuitState,
  createRpcClient,
  ServiceEndpoints,
  withCalledServiceErrors,
} from "@mercato/platform/rpc";
import type { Histogram } from "prom-client";

/** A service behind the gateway. */
export interface ServiceTarget {
  /** Name as clients see it in errors and /health/services (`auth`, `orders`, ...). */
  name: string;
  /** `http://host:port` of its gRPC endpoint, or several comma-separated (its replicas). */
  url: string;
  /** Deadline of each call to it; default the gateway's SERVICE_TIMEOUT_MS. */
  timeoutMs?: number;
}

/** Health of one service as /health/services reports it. */
export interface ServiceHealth {
  name: string;
  url: string;
  status: "up" | "down";
  latencyMs: number;
  circuit: CircuitState;
  /** Dependencies the service is doing without while it still serves (say the bus). */
  degraded?: string[];
  error?: string;
}

/**
 * The gateway's view of its services: one typed client per (service, API) with the service's
 * deadline and circuit breaker; errors come back as domain errors, and an outage as
 * ServiceUnavailable naming the service that failed. A service's breaker counts only its own
 * failures, not the outages it passes on from services further on (docs/adr/0028).
 */
export class ServiceDirectory {
  private readonly breakers = new Map<string, CircuitBreaker>();
  private readonly clients = new Map<string, unknown>();
  private readonly targets: Map<string, ServiceTarget>;

  constructor(
    targets: readonly ServiceTarget[],
    private readonly defaults: { timeoutMs: number; duration?: Histogram<"target" | "method" | "code"> },
  ) {
    this.targets = new Map(targets.map((target) => [target.name, target]));
    for (const target of targets) this.breakers.set(target.name, new CircuitBreaker(target.name));
  }

  private readonly endpoints = new Map<string, ServiceEndpoints>();

  /** The replicas of `target` as /health/services asks them. */
  private endpointsOf(target: ServiceTarget): ServiceEndpoints {
    let known = this.endpoints.get(target.name);
    if (!known) {
      known = new ServiceEndpoints(target.url);
      this.endpoints.set(target.name, known);
    }
    return known;
  }

  /** Names of the services, in registration order. */
  get names(): string[] {
    return [...this.targets.keys()];
  }

  has(name: string): boolean {
    return this.targets.has(name);
  }

  /** A client for `api` served by the service called `name`. */
  client<S extends DescService>(name: string, api: S): Client<S> {
    const key = `${name}|${api.typeName}`;
    const cached = this.clients.get(key);
    if (cached) return cached as Client<S>;
    const target = this.targets.get(name);
    if (!target) throw new Error(`no service named ${name} is configured in the gateway`);
    const breaker = this.breakers.get(name);
    const wrapped = withCalledServiceErrors(
      name,
      createRpcClient(api, {
        baseUrl: target.url,
        timeoutMs: target.timeoutMs ?? this.defaults.timeoutMs,
        target: name,
        caller: "gateway",
        ...(breaker ? { breaker } : {}),
        ...(this.defaults.duration ? { duration: this.defaults.duration } : {}),
      }),
    );
    this.clients.set(key, wrapped);
    return wrapped;
  }

  /**
   * Asks every service's `/ready`, in parallel, each bounded by `timeoutMs` (default 2 000): up
   * while it can serve, with the dependencies it is doing without (say the bus) as `degraded`.
   */
  async health(timeoutMs = 2_000): Promise<ServiceHealth[]> {
    return Promise.all(
      [...this.targets.values()].map(async (target): Promise<ServiceHealth> => {
        const started = performance.now();
        const circuit = this.breakers.get(target.name)?.state ?? "closed";
        const answer = (status: "up" | "down", more: Partial<ServiceHealth>): ServiceHealth => ({
          name: target.name,
          url: target.url,
          status,
          latencyMs: round(performance.now() - started),
          circuit,
          ...more,
        });
        try {
          // Every replica is asked; the service is up while one of them can serve.
          const endpoints = this.endpointsOf(target);
          await endpoints.refresh();
          const replies = await Promise.allSettled(
            endpoints.current().map(async (origin) => {
              const response = await fetch(`${origin}/ready`, { signal: AbortSignal.timeout(timeoutMs) });
              return { response, report: (await response.json().catch(() => ({}))) as ReadyAnswer };
            }),
          );
          const answers = replies.flatMap((reply) => (reply.status === "fulfilled" ? [reply.value] : []));
          const chosen = answers.find((a) => a.response.ok) ?? answers[0];
          if (!chosen) throw (replies[0] as PromiseRejectedResult).reason;
          const { response, report } = chosen;
          const failing = (report.checks ?? []).filter((check) => !check.ok);
          const error = failing.map((check) => `${check.name}: ${check.error ?? "no answer"}`).join("; ");
          return answer(response.ok ? "up" : "down", {
            ...(report.degraded?.length ? { degraded: report.degraded } : {}),
            ...(error ? { error } : response.ok ? {} : { error: `not ready (HTTP ${response.status})` }),
          });
        } catch (error) {
          const cause = (error as { cause?: { message?: string } }).cause?.message;
          const timedOut = (error as Error).name === "TimeoutError";
          return answer("down", {
            error: timedOut ? `no answer within ${timeoutMs} ms` : (cause ?? String(error)),
          });
        }
      }),
    );
  }
}

/** What a service's `/ready` answers (packages/platform health routes). */
interface ReadyAnswer {
  degraded?: string[];
  checks?: { name: string; ok: boolean; error?: string }[];
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}

/** The answer of `GET /health`. */
export const healthSchema = {
  type: "object",
  required: ["status"],
  properties: { status: { type: "string", enum: ["ok"] } },
} as const;

/** The answer of `GET /health/services`. */
export const servicesHealthSchema = {
  type: "object",
  required: ["status", "services"],
  properties: {
    status: { type: "string", enum: ["ok", "degraded"] },
    services: {
      type: "array",
      items: {
        type: "object",
        required: ["name", "url", "status", "latencyMs", "circuit"],
        properties: {
          name: { type: "string" },
          url: { type: "string" },
          status: { type: "string", enum: ["up", "down"] },
          latencyMs: { type: "number" },
          circuit: { type: "string", enum: ["closed", "open", "half-open"] },
          degraded: {
            type: "array",
            items: { type: "string" },
            description: "dependencies the service is doing without while it still serves (say the bus)",
          },
          error: { type: "string" },
        },
      },
    },
  },
} as const;

/** `ok` while every service is up with all its dependencies, `degraded` otherwise. */
export function overallHealth(list: readonly ServiceHealth[]): "ok" | "degraded" {
  return list.every((s) => s.status === "up" && !s.degraded?.length) ? "ok" : "degraded";
}
