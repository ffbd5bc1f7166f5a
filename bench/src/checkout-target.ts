import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startEmbedded } from "@mercato/host";
import { scratchInfrastructure } from "@mercato/host/scratch";
import { createLogger } from "@mercato/platform";

/** What the checkout target prints as one JSON line on stdout once it serves. */
export interface CheckoutTargetInfo {
  /** `http://host:port` of the gateway. */
  gatewayUrl: string;
  /** URL of this run's own database (dropped when the target stops). */
  databaseUrl: string;
  /** Folder of the local mail and SMS outbox (seller verification links, buyer sign-in codes). */
  outboxDir: string;
  /** E-mail and password of the admin account the auth service creates at start. */
  adminEmail: string;
  adminPassword: string;
  /** Consumer and key prefix of this run on NATS and the shared Redis. */
  run: string;
  /** The NATS server the services use. */
  natsUrl: string;
  pid: number;
}

/**
 * The process the checkout benchmark loads: every service and the gateway of the embedded host
 * (one process, each service on its own port speaking gRPC) on real infrastructure, i.e. a fresh
 * PostgreSQL database `mercato_bench_checkout_<run>` on BENCH_DATABASE_URL's server (a pool of
 * BENCH_DB_POOL connections per service), NATS JetStream at TARGET_NATS_URL (durable consumers of
 * its own) and Redis at BENCH_REDIS_URL (keys under a prefix of its own; the gateway's rate limits
 * too). Runs until SIGTERM, then drops its database.
 */
const base = process.env.BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const natsUrl = process.env.TARGET_NATS_URL ?? "nats://127.0.0.1:4222";
const redisUrl = process.env.BENCH_REDIS_URL ?? "redis://127.0.0.1:6379";
const poolSize = Number(process.env.BENCH_DB_POOL ?? 8);
const run = randomBytes(4).toString("hex");
const databaseName = `mercato_bench_checkout_${run}`;

const dataDir = await mkdtemp(join(tmpdir(), "mercato-bench-checkout-"));
const outboxDir = join(dataDir, "outbox");
const adminEmail = "bench-admin@mercato.test";
const adminPassword = "bench admin passphrase";
const infrastructure = await scratchInfrastructure({
  databaseUrl: base,
  natsUrl,
  redisUrl,
  database: databaseName,
  durablePrefix: `bench_checkout_${run}_`,
  keyPrefix: `mercato-bench-checkout:${run}:`,
  poolSize,
});
const databaseUrl = new URL(base);
databaseUrl.pathname = `/${databaseName}`;
const host = await startEmbedded({
  env: {
    NODE_ENV: "production",
    // The load signs its buyers in with the codes the local outbox keeps.
    ALLOW_LOCAL_OUTBOX: "true",
    HOST: "127.0.0.1",
    GATEWAY_PORT: "0",
    DATA_DIR: dataDir,
    OUTBOX_DIR: outboxDir,
    LOG_LEVEL: "silent",
    LOG_PRETTY: "false",
    SEED_DEMO: "false",
    PUBLIC_URL: "http://mercato.bench",
    ADMIN_EMAIL: adminEmail,
    ADMIN_PASSWORD: adminPassword,
    REDIS_URL: redisUrl,
    // Every request of the benchmark comes from one loopback address.
    RATE_LIMIT_MAX: "100000000",
    OTP_RATE_PER_IP: "100000",
    REGISTRATIONS_PER_IP: "100000",
    EMAILS_PER_IP: "100000",
  },
  infrastructure,
  ports: { auth: 0, users: 0, sellers: 0, products: 0, inventory: 0, orders: 0 },
  // Warnings and errors go to stderr, which the benchmark passes through; stdout carries the info line.
  logger: (service) =>
    createLogger({ service, level: process.env.BENCH_LOG_LEVEL ?? "error", destination: process.stderr }),
});

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  try {
    await host.stop();
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
  process.exit(0);
};
process.once("SIGTERM", () => void stop());
process.once("SIGINT", () => void stop());
const info: CheckoutTargetInfo = {
  gatewayUrl: host.gatewayUrl,
  databaseUrl: databaseUrl.toString(),
  outboxDir,
  adminEmail,
  adminPassword,
  run,
  natsUrl,
  pid: process.pid,
};
process.stdout.write(`${JSON.stringify(info)}\n`);
