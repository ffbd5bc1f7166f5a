import { StringValueSchema } from "@bufbuild/protobuf/wkt";
import { type NatsServer, requireInfraUrl, startNatsServer, waitFor } from "@mercato/testing";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type Database,
  defineConsumer,
  EventConsumer,
  eventTablesMigration,
  migrate,
  NatsEventBus,
  Outbox,
  OutboxRelay,
  openPostgres,
  PgliteHost,
  rowsOf,
} from "../src/index.js";

const tickRecorded = { subject: "mercato.outage.tick.recorded", schema: StringValueSchema };
const total = 240;

// Stops a private NATS server for 10 s while a producer keeps writing events, then counts what the
// consumer applied: every event exactly once. Runs on real PostgreSQL when DATABASE_URL is set.
describe("events survive a 10 s NATS outage", () => {
  let nats: NatsServer;
  let pglite: PgliteHost | undefined;
  let producer: Database;
  let consumerDb: Database;
  const suffix = Date.now().toString(36);
  const producerSchema = `outage_p_${suffix}`;
  const consumerSchema = `outage_c_${suffix}`;

  beforeAll(async () => {
    nats = await startNatsServer();
    const url = requireInfraUrl("DATABASE_URL");
    if (url) {
      producer = openPostgres({ url, schema: producerSchema });
      consumerDb = openPostgres({ url, schema: consumerSchema });
    } else {
      pglite = await PgliteHost.open({ postgis: false });
      producer = pglite.forService(producerSchema);
      consumerDb = pglite.forService(consumerSchema);
    }
    await migrate(producer, [eventTablesMigration(producerSchema)]);
    await migrate(consumerDb, [
      eventTablesMigration(consumerSchema),
      {
        id: "0001_applied",
        statements: [
          `create table "${consumerSchema}".applied (event_id text not null, value text not null)`,
        ],
      },
    ]);
  });

  afterAll(async () => {
    if (!pglite) {
      await producer.db.execute(sql.raw(`drop schema if exists "${producerSchema}" cascade`));
      await consumerDb.db.execute(sql.raw(`drop schema if exists "${consumerSchema}" cascade`));
    }
    await producer.close();
    await consumerDb.close();
    await pglite?.close();
    await nats.dispose();
  });

  it("loses none and applies none twice", { timeout: 120_000 }, async () => {
    const producerBus = await NatsEventBus.connect({ url: nats.url, publishTimeoutMs: 1_000 });
    const consumerBus = await NatsEventBus.connect({ url: nats.url });
    const relay = new OutboxRelay({
      database: producer,
      bus: producerBus,
      pollMs: 50,
      retryDelayMs: () => 200,
    });
    const outbox = new Outbox(producerSchema, () => relay.kick());
    const consumer = new EventConsumer(
      defineConsumer({
        name: "applier",
        on: tickRecorded,
        backoffMs: [200],
        async handle(_ctx, tx, message, event) {
          await tx.execute(
            sql`insert into ${sql.raw(`"${consumerSchema}"`)}.applied (event_id, value) values (${event.id}, ${message.value})`,
          );
        },
      }),
      { service: "outage", database: consumerDb, bus: consumerBus },
    );
    relay.start();
    await consumer.start();

    let written = 0;
    let stoppedAt = -1;
    let restartedAt = -1;
    const produce = (async () => {
      for (let i = 0; i < total; i++) {
        await producer.transaction((tx) => outbox.add(tx, tickRecorded, { value: `tick-${i}` }));
        written++;
        await new Promise((resolve) => setTimeout(resolve, 60));
      }
    })();

    await waitFor(() => written >= 40, { timeoutMs: 30_000, message: "producer did not start" });
    await nats.stop();
    stoppedAt = written;
    await new Promise((resolve) => setTimeout(resolve, 10_000));
    restartedAt = written;
    const backlog = await relay.pending();
    await nats.start();
    await produce;

    const count = async () =>
      rowsOf<{ total: string | number; distinct: string | number }>(
        await consumerDb.db.execute(
          sql.raw(
            `select count(*) as total, count(distinct value) as distinct from "${consumerSchema}".applied`,
          ),
        ),
      )[0];
    await waitFor(async () => Number((await count())?.distinct) === total, {
      timeoutMs: 60_000,
      intervalMs: 250,
      message: "not every event was applied after the outage",
    });
    // Give late redeliveries a moment to show up as duplicates, if any were to happen.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const final = await count();

    await consumer.stop();
    await relay.stop();
    await producerBus.close();
    await consumerBus.close();

    expect(restartedAt - stoppedAt).toBeGreaterThan(50);
    expect(backlog).toBeGreaterThan(0);
    expect(Number(final?.distinct)).toBe(total);
    expect(Number(final?.total)).toBe(total);
    expect(await relay.pending()).toBe(0);
    console.info(
      `nats outage: ${total} events, ${restartedAt - stoppedAt} written during the 10 s outage, backlog ${backlog} at restart, applied ${final?.total} (distinct ${final?.distinct})`,
    );
  });
});
