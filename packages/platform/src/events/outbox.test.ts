import { StringValueSchema } from "@bufbuild/protobuf/wkt";
import { describeWithInfra, waitFor } from "@mercato/testing";
import { sql } from "drizzle-orm";
import { v7 as uuidv7 } from "uuid";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Database, openPostgres, PgliteHost, rowsOf, textArray } from "../db/database.js";
import { migrate } from "../db/migrate.js";
import { defineConsumer, EventConsumer } from "./consumer.js";
import type { EventEnvelope } from "./envelope.js";
import type { EventBus } from "./event-bus.js";
import { MemoryEventBus } from "./memory-event-bus.js";
import { eventTablesMigration, Outbox, OutboxRelay, recordInInbox } from "./outbox.js";

const noteWritten = { subject: "mercato.testkit.note.written", schema: StringValueSchema };
const fragileWritten = { subject: "mercato.testkit.fragile.written", schema: StringValueSchema };
const subject = noteWritten.subject;

describe("outbox, relay and consumer on PGlite with the in-process bus", () => {
  let host: PgliteHost;
  let producer: Database;
  let consumerDb: Database;
  let bus: MemoryEventBus;

  beforeAll(async () => {
    host = await PgliteHost.open({ postgis: false });
    producer = host.forService("producer");
    consumerDb = host.forService("consumer");
    await migrate(producer, [eventTablesMigration("producer")]);
    await migrate(consumerDb, [
      eventTablesMigration("consumer"),
      {
        id: "0001_notes",
        statements: ['create table "consumer".notes (event_id text primary key, text text not null)'],
      },
    ]);
    bus = new MemoryEventBus();
  });
  afterAll(async () => {
    await bus.close();
    await host.close();
  });

  const write = (outbox: Outbox, text: string) =>
    producer.transaction((tx) => outbox.add(tx, noteWritten, { value: text }));

  it("records in the inbox any event ids, quotes, backslashes and commas too, each once", async () => {
    const record = recordInInbox("consumer");
    const ids = ['a"b', "c\\d", "e,f", "{g}", " h ", "NULL", ""];
    const fresh = await consumerDb.transaction((tx) =>
      record.run(tx, { consumer: "odd-ids", eventIds: textArray([...ids, 'a"b']) }),
    );
    expect(
      rowsOf<{ event_id: string }>(fresh)
        .map((row) => row.event_id)
        .sort(),
    ).toEqual([...ids].sort());
    const again = await consumerDb.transaction((tx) =>
      record.run(tx, { consumer: "odd-ids", eventIds: textArray(["e,f", "new"]) }),
    );
    expect(rowsOf<{ event_id: string }>(again).map((row) => row.event_id)).toEqual(["new"]);
  });

  it("publishes events of committed transactions and none of rolled-back ones", async () => {
    const published: EventEnvelope[] = [];
    const recorder: EventBus = {
      ...bus,
      publish: async (event) => void published.push(event),
      consume: bus.consume.bind(bus),
      ping: bus.ping.bind(bus),
      close: async () => {},
    };
    const relay = new OutboxRelay({ database: producer, bus: recorder, pollMs: 20 });
    const outbox = new Outbox("producer", () => relay.kick());
    relay.start();
    const id = await write(outbox, "committed");
    await expect(
      producer.transaction(async (tx) => {
        await outbox.add(tx, noteWritten, { value: "rolled back" });
        throw new Error("abort");
      }),
    ).rejects.toThrow("abort");
    await waitFor(() => published.length >= 1, { timeoutMs: 5_000, message: "not relayed" });
    await waitFor(async () => (await relay.pending()) === 0, {
      timeoutMs: 5_000,
      message: "outbox not drained",
    });
    await relay.stop();
    expect(published.map((event) => event.id)).toEqual([id]);
    expect(published[0]?.type).toBe("google.protobuf.StringValue");
  });

  it("keeps an event in the outbox while the bus refuses it and publishes it later", async () => {
    let up = false;
    const published: string[] = [];
    const flaky: EventBus = {
      publish: async (event) => {
        if (!up) throw new Error("bus down");
        published.push(event.id);
      },
      consume: bus.consume.bind(bus),
      ping: async () => {},
      close: async () => {},
    };
    const relay = new OutboxRelay({ database: producer, bus: flaky, pollMs: 20, retryDelayMs: () => 30 });
    const outbox = new Outbox("producer", () => relay.kick());
    relay.start();
    const id = await write(outbox, "patient");
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await relay.pending()).toBe(1);
    const [row] = rowsOf<{ attempts: number; last_error: string }>(
      await producer.db.execute(sql`select attempts, last_error from "producer".outbox where id = ${id}`),
    );
    expect(row?.attempts).toBeGreaterThan(0);
    expect(row?.last_error).toBe("bus down");
    up = true;
    await waitFor(() => published.includes(id), {
      timeoutMs: 5_000,
      message: "not published after recovery",
    });
    await relay.stop();
    expect(await relay.pending()).toBe(0);
  });

  it("applies an event once however often it is delivered", async () => {
    const consumer = new EventConsumer(
      defineConsumer({
        name: `notes-${uuidv7()}`,
        on: noteWritten,
        async handle(_ctx, tx, message, event) {
          await tx.execute(
            sql`insert into "consumer".notes (event_id, text) values (${event.id}, ${message.value})`,
          );
        },
      }),
      { service: "consumer", database: consumerDb, bus },
    );
    const event: EventEnvelope = {
      id: uuidv7(),
      subject,
      type: StringValueSchema.typeName,
      occurredAt: new Date(),
      correlationId: "c1",
      traceparent: undefined,
      payload: new Uint8Array([10, 3, 97, 98, 99]),
    };
    expect(await consumer.handle(event, 1)).toBe("applied");
    expect(await consumer.handle(event, 2)).toBe("duplicate");
    const rows = rowsOf<{ text: string }>(
      await consumerDb.db.execute(sql`select text from "consumer".notes where event_id = ${event.id}`),
    );
    expect(rows).toEqual([{ text: "abc" }]);
  });

  it("parks an event that fails every attempt, and replays it after a fix", async () => {
    let broken = true;
    const applied: string[] = [];
    const consumer = new EventConsumer(
      defineConsumer({
        name: `fragile-${uuidv7()}`,
        on: fragileWritten,
        maxAttempts: 3,
        backoffMs: [10],
        async handle(_ctx, _tx, message) {
          if (broken) throw new Error("handler bug");
          applied.push(message.value);
        },
      }),
      { service: "consumer", database: consumerDb, bus },
    );
    await consumer.start();
    const relay = new OutboxRelay({ database: producer, bus, pollMs: 20 });
    const outbox = new Outbox("producer", () => relay.kick());
    relay.start();
    const id = await producer.transaction((tx) => outbox.add(tx, fragileWritten, { value: "poison" }));
    await waitFor(async () => (await consumer.parked()).length === 1, {
      timeoutMs: 5_000,
      message: "not parked",
    });
    const [parked] = await consumer.parked();
    expect(parked?.event.id).toBe(id);
    expect(parked?.attempts).toBe(3);
    expect(parked?.error).toContain("handler bug");
    broken = false;
    expect(await consumer.replay(id)).toBe("applied");
    expect(applied).toEqual(["poison"]);
    expect(await consumer.parked()).toEqual([]);
    await consumer.stop();
    await relay.stop();
  });

  it("parks an event whose payload does not decode without retrying it", async () => {
    const consumer = new EventConsumer(
      defineConsumer({
        name: `strict-${uuidv7()}`,
        on: noteWritten,
        handle: async () => {},
      }),
      { service: "consumer", database: consumerDb, bus },
    );
    const garbage: EventEnvelope = {
      id: uuidv7(),
      subject,
      type: "x",
      occurredAt: new Date(),
      correlationId: "c",
      traceparent: undefined,
      payload: new Uint8Array([0xff, 0xff, 0xff]),
    };
    expect(await consumer.handle(garbage, 1)).toBe("parked");
    expect((await consumer.parked()).map((p) => p.event.id)).toEqual([garbage.id]);
  });
});

// Replicas of a service each run a relay on the same outbox (issue 21): rows are claimed under a
// lease with `for update skip locked`, so two relays racing over one backlog publish every event
// once between them.
describeWithInfra("DATABASE_URL", "two relays on one outbox in PostgreSQL", (databaseUrl) => {
  it("publishes each of 300 events exactly once between them", async () => {
    const schema = `relays_${uuidv7().slice(-8)}`;
    const [one, two] = [
      openPostgres({ url: databaseUrl, schema, maxConnections: 2 }),
      openPostgres({ url: databaseUrl, schema, maxConnections: 2 }),
    ];
    try {
      await migrate(one, [eventTablesMigration(schema)]);
      const outbox = new Outbox(schema, () => {});
      const ids = new Set<string>();
      for (let i = 0; i < 300; i += 50)
        await one.transaction(async (tx) => {
          for (let j = i; j < i + 50; j++) ids.add(await outbox.add(tx, noteWritten, { value: `note ${j}` }));
        });
      const published = new Map<string, number>();
      const counting = (): EventBus => ({
        publish: async (event) => {
          // A slow bus, so that the two relays' batches overlap in time.
          await new Promise((resolve) => setTimeout(resolve, 1));
          published.set(event.id, (published.get(event.id) ?? 0) + 1);
        },
        consume: async () => ({ stop: async () => {} }),
        ping: async () => {},
        close: async () => {},
      });
      const relays = [one, two].map(
        (database) => new OutboxRelay({ database, bus: counting(), batchSize: 20 }),
      );
      const drain = async (relay: OutboxRelay) => {
        const took: number[] = [];
        for (let n = await relay.runOnce(); n > 0; n = await relay.runOnce()) took.push(n);
        return took.reduce((sum, n) => sum + n, 0);
      };
      const [first = 0, second = 0] = await Promise.all(relays.map(drain));
      expect(first).toBeGreaterThan(0);
      expect(second).toBeGreaterThan(0);
      expect(first + second).toBe(300);
      expect([...published.keys()].sort()).toEqual([...ids].sort());
      expect([...published.values()].every((times) => times === 1)).toBe(true);
    } finally {
      await one.db.execute(sql.raw(`drop schema if exists "${schema}" cascade`));
      await Promise.all([one.close(), two.close()]);
    }
  });
});
