import { create } from "@bufbuild/protobuf";
import type { ConnectRouter } from "@connectrpc/connect";
import { Code, ConnectError } from "@connectrpc/connect";
import {
  Health,
  HealthCheckResponseSchema,
  HealthCheckResponse_ServingStatus as ServingStatus,
} from "@mercato/contracts/grpc/health/v1/health_pb";
import type { HttpRoute } from "../rpc/server.js";

/** One dependency of a service: its database, bus, key-value store, queue. */
export interface ReadinessCheck {
  name: string;
  check(): Promise<void>;
  /**
   * Whether the service cannot serve without it (default true). A dependency it can do without
   * for a while (the bus: the outbox keeps events until it returns) degrades the service instead.
   */
  required?: boolean;
}

/** Outcome of one readiness check. */
export interface CheckResult {
  name: string;
  ok: boolean;
  required: boolean;
  ms: number;
  error?: string;
}

/** Outcome of all readiness checks of a service. */
export interface ReadinessReport {
  /** Every required dependency answers: the service can serve. */
  ready: boolean;
  /** Names of the dependencies that do not answer but are not required. */
  degraded: string[];
  checks: CheckResult[];
}

/** Runs readiness checks, each bounded by `timeoutMs` (default 2 000). */
export async function checkReadiness(
  checks: readonly ReadinessCheck[],
  timeoutMs = 2_000,
): Promise<ReadinessReport> {
  const results = await Promise.all(
    checks.map(async (c): Promise<CheckResult> => {
      const started = performance.now();
      const required = c.required ?? true;
      let timer: NodeJS.Timeout | undefined;
      try {
        await Promise.race([
          c.check(),
          new Promise((_, reject) => {
            timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
          }),
        ]);
        return { name: c.name, ok: true, required, ms: Math.round(performance.now() - started) };
      } catch (error) {
        return {
          name: c.name,
          ok: false,
          required,
          ms: Math.round(performance.now() - started),
          error: String((error as Error)?.message ?? error),
        };
      } finally {
        clearTimeout(timer);
      }
    }),
  );
  return {
    ready: results.every((r) => r.ok || !r.required),
    degraded: results.filter((r) => !r.ok && !r.required).map((r) => r.name),
    checks: results,
  };
}

/**
 * `GET /health` (the process is alive) and `GET /ready` (it can serve: every required dependency
 * answers; 200 `ready`, or 200 `degraded` naming the others that do not, else 503 `not ready`).
 */
export function healthRoutes(service: string, checks: readonly ReadinessCheck[]): HttpRoute[] {
  return [
    {
      method: "GET",
      path: "/health",
      handle: async () => ({
        status: 200,
        contentType: "application/json",
        body: JSON.stringify({ status: "ok", service }),
      }),
    },
    {
      method: "GET",
      path: "/ready",
      handle: async () => {
        const report = await checkReadiness(checks);
        return {
          status: report.ready ? 200 : 503,
          contentType: "application/json",
          body: JSON.stringify({
            status: !report.ready ? "not ready" : report.degraded.length > 0 ? "degraded" : "ready",
            service,
            degraded: report.degraded,
            checks: report.checks,
          }),
        };
      },
    },
  ];
}

/**
 * The standard gRPC health protocol: the empty name and each of `serviceNames` answer SERVING
 * while every readiness check passes; other names are NOT_FOUND.
 */
export function registerGrpcHealth(
  router: ConnectRouter,
  serviceNames: readonly string[],
  checks: readonly ReadinessCheck[],
): void {
  const known = new Set(["", ...serviceNames]);
  const status = async (name: string) => {
    if (!known.has(name)) throw new ConnectError(`unknown service ${name}`, Code.NotFound);
    return (await checkReadiness(checks)).ready ? ServingStatus.SERVING : ServingStatus.NOT_SERVING;
  };
  router.service(Health, {
    check: async (req) => create(HealthCheckResponseSchema, { status: await status(req.service) }),
    async *watch(req, context) {
      let last: ServingStatus | undefined;
      while (!context.signal.aborted) {
        const current = known.has(req.service) ? await status(req.service) : ServingStatus.SERVICE_UNKNOWN;
        if (current !== last) {
          last = current;
          yield create(HealthCheckResponseSchema, { status: current });
        }
        await new Promise((resolve) => setTimeout(resolve, 1_000));
      }
    },
  });
}
