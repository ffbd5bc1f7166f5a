import { spawn } from "node:child_process";
import type { AddressInfo } from "node:net";
import { resolve } from "node:path";
import { create, type DescMessage, type MessageInitShape } from "@bufbuild/protobuf";
import { timestampNow } from "@bufbuild/protobuf/wkt";
import { eventSubjects } from "@mercato/contracts/events";
import { type EventEnvelope, NatsEventBus } from "@mercato/platform";
import { startNatsServer } from "@mercato/testing";
import { eventEnvelope } from "@mercato/testing/identity-events";
import pg from "pg";
import { SMTPServer } from "smtp-server";
import { v7 as uuidv7 } from "uuid";
import { cpuByCommand } from "./checkout-client.js";
import type { NotificationsTargetInfo } from "./notifications-target.js";
import type { BenchOptions } from "./options.js";
import { stopProcess, waitForLine } from "./processes.js";
import { cpuMs } from "./read.js";
import { formatTable } from "./report.js";
import { percentile } from "./stats.js";

/** Commands of the infrastructure whose CPU time is read around the measured fan-out. */
const infrastructure = ["postgres", "nats-server", "redis-server"] as const;
/** Publishes awaiting their JetStream acknowledgement at once, as a busy outbox relay keeps them. */
const publishWindow = 256;
/** Give up when no e-mail arrived for this long. */
const stallMs = 120_000;
/** After the last expected e-mail, wait this long for doubles. */
const settleMs = 5_000;

/** A local SMTP receiver: accepts every message (no AUTH, no TLS) and records when each recipient got one. */
interface Receiver {
  url: string;
  /** performance.now() of each message's arrival, per recipient address, in order. */
  arrivals: Map<string, number[]>;
  /** Every arrival time, in order. */
  times: number[];
  errors: string[];
  close(): Promise<void>;
}

/**
 * An SMTP receiver (smtp-server) on a free loopback port that accepts every message and records when
 * it arrived. smtp-server holds back its greeting 100 ms per connection (early-talker detection);
 * the mailer keeps its connections, so that is paid once per connection, not per e-mail.
 */
async function startReceiver(): Promise<Receiver> {
  const arrivals = new Map<string, number[]>();
  const times: number[] = [];
  const errors: string[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS", "AUTH"],
    disableReverseLookup: true,
    logger: false,
    closeTimeout: 1000,
    onData(stream, session, callback) {
      stream.on("data", () => {});
      stream.on("end", () => {
        const at = performance.now();
        times.push(at);
        for (const { address } of session.envelope.rcptTo) {
          const list = arrivals.get(address.toLowerCase()) ?? [];
          list.push(at);
          arrivals.set(address.toLowerCase(), list);
        }
        callback();
      });
    },
  });
  server.on("error", (error) => errors.push(error.message));
  await new Promise<void>((done, fail) => {
    server.server.once("error", fail);
    server.listen(0, "127.0.0.1", () => done());
  });
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    arrivals,
    times,
    errors,
    close: () => new Promise<void>((done) => server.close(() => done())),
  };
}

function event<Desc extends DescMessage>(
  subject: { subject: string; schema: Desc },
  message: MessageInitShape<Desc>,
): EventEnvelope {
  return eventEnvelope(subject.subject, subject.schema, create(subject.schema, message));
}

/** Publishes `count` envelopes from `make(i)` with up to `publishWindow` unacknowledged; `stamp(i)` just before each. */
async function publishAll(
  bus: NatsEventBus,
  count: number,
  make: (i: number) => EventEnvelope,
  stamp?: (i: number) => void,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      const envelope = make(i);
      stamp?.(i);
      await bus.publish(envelope);
    }
  };
  await Promise.all(Array.from({ length: Math.min(publishWindow, count) }, worker));
}

const fixed = (value: number, digits: number) => (Number.isFinite(value) ? value.toFixed(digits) : "-");
const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

async function spawnTarget(
  options: BenchOptions,
  natsUrl: string,
  smtpUrl: string,
): Promise<{ child: ReturnType<typeof spawn>; info: NotificationsTargetInfo }> {
  const script = resolve(import.meta.dirname, "notifications-target.ts");
  const profile = options.profileDir
    ? ["--cpu-prof", `--cpu-prof-dir=${resolve(options.profileDir)}`, "--cpu-prof-interval=200"]
    : [];
  const child = spawn(process.execPath, [...profile, "--import", "tsx", script], {
    stdio: ["ignore", "pipe", "inherit"],
    env: { ...process.env, NODE_ENV: "production", TARGET_NATS_URL: natsUrl, TARGET_SMTP_URL: smtpUrl },
  });
  try {
    const line = await waitForLine(child, (l) => l.startsWith("{"), 180_000);
    return { child, info: JSON.parse(line) as NotificationsTargetInfo };
  } catch (error) {
    await stopProcess(child);
    throw error;
  }
}

async function scalar(database: pg.Pool, sql: string): Promise<number> {
  const found = await database.query<{ n: string }>(sql);
  return Number(found.rows[0]?.n ?? 0);
}

/**
 * Notification fan-out on real PostgreSQL, NATS JetStream and Redis: the notifications service
 * alone in a child process (distributed mode's wiring, BullMQ queues), e-mail through SMTP to a
 * receiver in this process. Publishes N recipient profiles, waits until the service knows them all,
 * then publishes one OrderShipped per recipient as the orders service's outbox relay would, and
 * times each from its publish to its e-mail's arrival; every recipient must get exactly one.
 */
export async function runNotifications(options: BenchOptions): Promise<void> {
  const n = options.events;
  process.stdout.write(
    `\nNotification fan-out — ${n} OrderShipped events, one e-mail each; PostgreSQL ${process.env.BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432"}, NATS ${process.env.BENCH_NATS_URL ?? "private nats-server"}, Redis ${process.env.BENCH_REDIS_URL ?? "redis://127.0.0.1:6379"} (BullMQ)\n`,
  );
  const startedAt = performance.now();
  // As in the checkout scenario: tens of thousands of events go to a JetStream of the run's own.
  const nats = process.env.BENCH_NATS_URL ? undefined : await startNatsServer();
  const natsUrl = process.env.BENCH_NATS_URL ?? nats?.url ?? "";
  const receiver = await startReceiver();
  let target: Awaited<ReturnType<typeof spawnTarget>>;
  try {
    target = await spawnTarget(options, natsUrl, receiver.url);
  } catch (error) {
    await receiver.close();
    await nats?.dispose();
    throw error;
  }
  const { info } = target;
  const database = new pg.Pool({ connectionString: info.databaseUrl, max: 2 });
  const bus = await NatsEventBus.connect({ url: natsUrl, name: `bench-publisher-${info.run}` });
  try {
    process.stdout.write(
      `  target up in ${((performance.now() - startedAt) / 1000).toFixed(1)} s (database ${new URL(info.databaseUrl).pathname.slice(1)}, NATS ${info.natsUrl}, SMTP receiver ${receiver.url}, EMAIL_RATE_PER_SECOND ${info.emailRatePerSecond}: not the bound)\n`,
    );
    const run = info.run;
    const users = Array.from({ length: n }, () => uuidv7());
    const address = (i: number) => `r${i}-${run}@bench.test`;
    const seller = { ownerId: uuidv7(), storefrontId: uuidv7(), name: "Bench Shop" };

    const profilesStarted = performance.now();
    await publishAll(bus, n, (i) =>
      event(eventSubjects.users.profileCreated, {
        profile: { userId: users[i] ?? "", email: address(i), displayName: `Recipient ${i}`, locale: "en" },
      }),
    );
    const profilesPublished = performance.now();
    for (let known = 0; ; ) {
      known = await scalar(database, "select count(*) as n from notifications.recipients");
      if (known >= n) break;
      if (performance.now() - profilesStarted > 600_000)
        throw new Error(`the service knows ${known} of ${n} profiles after 10 minutes`);
      await sleep(200);
    }
    process.stdout.write(
      `  ${n} profiles published in ${((profilesPublished - profilesStarted) / 1000).toFixed(1)} s, all recorded by the service after ${((performance.now() - profilesStarted) / 1000).toFixed(1)} s\n`,
    );

    const published = new Array<number>(n).fill(Number.NaN);
    const index = new Map<string, number>();
    for (let i = 0; i < n; i++) index.set(address(i), i);
    await sleep(1_100);
    const xacts = await scalar(
      database,
      "select xact_commit + xact_rollback as n from pg_stat_database where datname = current_database()",
    );
    const targetCpu = await cpuMs(info.pid);
    const infraCpu = await cpuByCommand(infrastructure);
    const benchCpu = process.cpuUsage();
    const fanOutStarted = performance.now();
    const fanOutStartedAt = Date.now();
    const publishing = publishAll(
      bus,
      n,
      (i) =>
        event(eventSubjects.orders.orderShipped, {
          orderId: uuidv7(),
          checkoutId: uuidv7(),
          buyerId: users[i] ?? "",
          storefrontId: seller.storefrontId,
          sellerOwnerId: seller.ownerId,
          total: { amountMinor: 1_900n, currency: "EUR" },
          snapshot: {
            lines: [
              {
                title: "Blue bowl",
                quantity: 1n,
                unitPrice: { amountMinor: 1_900n, currency: "EUR" },
                lineTotal: { amountMinor: 1_900n, currency: "EUR" },
              },
            ],
            seller: { storefrontId: seller.storefrontId, name: seller.name },
            total: { amountMinor: 1_900n, currency: "EUR" },
          },
          carrier: "DHL",
          trackingNumber: `DHL-${i}`,
          changedAt: timestampNow(),
        }),
      (i) => {
        published[i] = performance.now();
      },
    );
    let publishedAll = Number.NaN;
    void publishing.then(() => {
      publishedAll = performance.now();
    });
    let lastProgress = performance.now();
    let lastCount = 0;
    let stalled = false;
    let reported = 0;
    while (receiver.arrivals.size < n) {
      await sleep(200);
      const count = receiver.times.length;
      if (count !== lastCount) {
        lastCount = count;
        lastProgress = performance.now();
      } else if (performance.now() - lastProgress > stallMs) {
        stalled = true;
        break;
      }
      const elapsed = (performance.now() - fanOutStarted) / 1000;
      if (elapsed - reported >= 15) {
        reported = elapsed;
        process.stdout.write(
          `    ${elapsed.toFixed(0)} s: ${receiver.arrivals.size} recipients mailed, ${Number.isFinite(publishedAll) ? "all events published" : "publishing"}\n`,
        );
      }
    }
    await publishing;
    const benchUsed = process.cpuUsage(benchCpu);
    const targetAfter = await cpuMs(info.pid);
    const infraAfter = await cpuByCommand(infrastructure);
    await sleep(settleMs);
    const xactsAfter = await scalar(
      database,
      "select xact_commit + xact_rollback as n from pg_stat_database where datname = current_database()",
    );
    const statuses = await database.query<{ status: string; n: string }>(
      "select status, count(*) as n from notifications.deliveries group by status order by status",
    );

    // The consumer's stage alone: when each delivery was recorded (its transaction's start).
    const recorded = await database.query<{ first: number; tenth: number; last: number; n: string }>(
      `select extract(epoch from min(created_at)) * 1000 as first,
              extract(epoch from percentile_disc(0.1) within group (order by created_at)) * 1000 as tenth,
              extract(epoch from max(created_at)) * 1000 as last, count(*) as n
         from notifications.deliveries where kind = 'order.shipped'`,
    );
    const stage = recorded.rows[0];
    if (stage && Number(stage.n) > 1) {
      const count = Number(stage.n);
      const rate = (count - Math.floor(count * 0.1)) / ((Number(stage.last) - Number(stage.tenth)) / 1000);
      process.stdout.write(
        `  consumer stage: ${count} deliveries recorded, the first ${fixed((Number(stage.first) - fanOutStartedAt) / 1000, 1)} s and the last ${fixed((Number(stage.last) - fanOutStartedAt) / 1000, 1)} s after the first publish, ${fixed(rate, 1)}/s after the first 10 %\n`,
      );
    }

    // Exactly once: every expected address once, nothing else.
    let missing = 0;
    let doubled = 0;
    let stray = 0;
    const latencies: number[] = [];
    for (let i = 0; i < n; i++) {
      const got = receiver.arrivals.get(address(i)) ?? [];
      if (got.length === 0) missing++;
      if (got.length > 1) doubled++;
      const first = got[0];
      const sent = published[i] ?? Number.NaN;
      if (first !== undefined) latencies.push(first - sent);
    }
    for (const addr of receiver.arrivals.keys()) if (!index.has(addr)) stray++;
    const exactlyOnce = missing === 0 && doubled === 0 && stray === 0 && !stalled;
    latencies.sort((a, b) => a - b);
    const times = [...receiver.times].sort((a, b) => a - b);
    const from = Math.floor(times.length * 0.1);
    const last = times[times.length - 1] ?? Number.NaN;
    const steady = (times.length - 1 - from) / ((last - (times[from] ?? Number.NaN) || Number.NaN) / 1000);
    const drainS = (last - fanOutStarted) / 1000;
    const mailed = Math.max(1, times.length);
    const spent = (name: (typeof infrastructure)[number]) =>
      ((infraAfter[name] ?? 0) - (infraCpu[name] ?? 0)) / mailed;

    process.stdout.write(
      `  events published in ${fixed((publishedAll - fanOutStarted) / 1000, 1)} s (${fixed(n / ((publishedAll - fanOutStarted) / 1000), 0)}/s, ${publishWindow} unacknowledged at most); ${times.length} e-mails received, the last ${fixed(drainS, 1)} s after the first publish${stalled ? `; STALLED: nothing for ${stallMs / 1000} s` : ""}\n`,
    );
    process.stdout.write(
      `  deliveries by status: ${statuses.rows.map((row) => `${row.status} ${row.n}`).join(", ") || "none"}; missing ${missing}, doubled ${doubled}, unexpected recipients ${stray}; SMTP receiver errors ${receiver.errors.length}\n`,
    );
    for (const error of receiver.errors.slice(0, 5)) process.stdout.write(`    smtp error: ${error}\n`);
    const header = [
      "notification fan-out",
      "events",
      "e-mails/s (after 10 %)",
      "p50 ms",
      "p99 ms",
      "max ms",
      "drain s",
      "CPU ms/e-mail node/pg/nats/redis/bench",
      "PG xacts/e-mail",
      "exactly once",
    ];
    const row = [
      "OrderShipped → SMTP",
      String(n),
      fixed(steady, 1),
      fixed(percentile(latencies, 50), 0),
      fixed(percentile(latencies, 99), 0),
      fixed(latencies[latencies.length - 1] ?? Number.NaN, 0),
      fixed(drainS, 1),
      [
        (targetAfter - targetCpu) / mailed,
        spent("postgres"),
        spent("nats-server"),
        spent("redis-server"),
        (benchUsed.user + benchUsed.system) / 1000 / mailed,
      ]
        .map((ms) => ms.toFixed(2))
        .join(" / "),
      fixed((xactsAfter - xacts) / mailed, 1),
      exactlyOnce ? "yes" : "no",
    ];
    process.stdout.write(`\n${formatTable(header, [row])}\n`);
    process.stdout.write(`exactly once: ${exactlyOnce ? "yes" : "no"}\n`);
  } finally {
    await bus.close();
    await database.end();
    await stopProcess(target.child);
    await receiver.close();
    await nats?.dispose();
  }
}
