import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { notificationsService } from "@mercato/notifications";
import {
  BullMqJobQueue,
  createLogger,
  NatsEventBus,
  openPostgres,
  RedisKeyValue,
  startService,
} from "@mercato/platform";
import { Redis } from "ioredis";
import pg from "pg";

/** What the notifications target prints as one JSON line on stdout once it serves. */
export interface NotificationsTargetInfo {
  /** URL of this run's own database (dropped when the target stops). */
  databaseUrl: string;
  /** Durable consumer, key and queue prefix of this run on NATS and the shared Redis. */
  run: string;
  natsUrl: string;
  /** E-mails per second the service may hand to SMTP (EMAIL_RATE_PER_SECOND). */
  emailRatePerSecond: number;
  pid: number;
}

/**
 * The process the notifications benchmark loads: the notifications service alone, wired as
 * `runStandalone` wires it in distributed mode, on a fresh PostgreSQL database
 * `mercato_bench_notifications_<run>` on BENCH_DATABASE_URL's server (a pool of BENCH_DB_POOL
 * connections), NATS JetStream at TARGET_NATS_URL (durable consumers of its own, starting now),
 * and BullMQ queues on BENCH_REDIS_URL under a prefix of its own; e-mail goes to TARGET_SMTP_URL at
 * up to TARGET_EMAIL_RATE per second. Runs until SIGTERM, then drops its database and its Redis keys.
 */
const base = process.env.BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const natsUrl = process.env.TARGET_NATS_URL ?? "nats://127.0.0.1:4222";
const redisUrl = process.env.BENCH_REDIS_URL ?? "redis://127.0.0.1:6379";
const smtpUrl = process.env.TARGET_SMTP_URL;
if (!smtpUrl) throw new Error("TARGET_SMTP_URL is not set");
const poolSize = Number(process.env.BENCH_DB_POOL ?? 10);
const emailRatePerSecond = Number(process.env.TARGET_EMAIL_RATE ?? 100_000);
const run = randomBytes(4).toString("hex");
const databaseName = `mercato_bench_notifications_${run}`;
const keyPrefix = `mercato-bench-notifications:${run}`;

const admin = async (statement: string) => {
  const client = new pg.Client({ connectionString: base });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
};
await admin(`create database "${databaseName}"`);
const databaseUrl = new URL(base);
databaseUrl.pathname = `/${databaseName}`;
const dataDir = await mkdtemp(join(tmpdir(), "mercato-bench-notifications-"));

const logger = (service: string) =>
  createLogger({ service, level: process.env.BENCH_LOG_LEVEL ?? "error", destination: process.stderr });
const log = logger("notifications");
const bus = await NatsEventBus.connect({
  url: natsUrl,
  name: databaseName,
  logger: log,
  durablePrefix: `bench_notifications_${run}_`,
  inactiveThresholdMs: 600_000,
  deliverFrom: new Date(),
});
const kv = new RedisKeyValue({ url: redisUrl, keyPrefix: `${keyPrefix}:kv:`, logger: log });
const databases: { close(): Promise<void> }[] = [];
const service = await startService(
  notificationsService,
  {
    database: (schema) => {
      const db = openPostgres({ url: databaseUrl.toString(), schema, maxConnections: poolSize });
      databases.push(db);
      return db;
    },
    bus,
    kv,
    kvName: "redis",
    jobQueue: (queueOptions) =>
      new BullMqJobQueue({ ...queueOptions, redisUrl, prefix: `${keyPrefix}:queue`, logger: log }),
    logger,
    env: {
      NODE_ENV: "production",
      SMTP_URL: smtpUrl,
      EMAIL_RATE_PER_SECOND: String(emailRatePerSecond),
      PUSH_RATE_PER_SECOND: String(emailRatePerSecond),
      DATA_DIR: dataDir,
      // Push has no provider here and nobody registers a device; its outbox is allowed for that.
      ALLOW_LOCAL_OUTBOX: "true",
    },
  },
  { host: "127.0.0.1", port: 0 },
);

/** Deletes every Redis key of this run (its BullMQ queues and key-value entries). */
async function dropKeys(): Promise<void> {
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 2 });
  try {
    await redis.connect();
    let cursor = "0";
    do {
      const [next, keys] = await redis.scan(cursor, "MATCH", `${keyPrefix}:*`, "COUNT", 1000);
      cursor = next;
      if (keys.length > 0) await redis.unlink(...keys);
    } while (cursor !== "0");
  } finally {
    redis.disconnect();
  }
}

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  try {
    await service.stop();
    await bus.close();
    await kv.close();
    for (const db of databases) await db.close().catch(() => {});
    await dropKeys().catch((error: unknown) => log.warn({ error: String(error) }, "redis keys left"));
    await admin(`drop database if exists "${databaseName}" with (force)`);
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
  process.exit(0);
};
process.once("SIGTERM", () => void stop());
process.once("SIGINT", () => void stop());
const info: NotificationsTargetInfo = {
  databaseUrl: databaseUrl.toString(),
  run,
  natsUrl,
  emailRatePerSecond,
  pid: process.pid,
};
process.stdout.write(`${JSON.stringify(info)}\n`);
