import { randomBytes } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { create, toBinary } from "@bufbuild/protobuf";
import { StringValueSchema } from "@bufbuild/protobuf/wkt";
import { describeWithInfra, waitFor } from "@mercato/testing";
import { jetstreamManager } from "@nats-io/jetstream";
import { connect } from "@nats-io/transport-node";
import { sql } from "drizzle-orm";
import { v7 as uuidv7 } from "uuid";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Database, openPostgres, PgliteHost } from "../db/database.js";
import { migrate } from "../db/migrate.js";
import { Conflict, FailedPrecondition, InvalidArgument, NotFound } from "../errors/errors.js";
import { defineConsumer, EventConsumer } from "./consumer.js";
import type { EventEnvelope } from "./envelope.js";
import type { EventBus } from "./event-bus.js";
import { MemoryEventBus } from "./memory-event-bus.js";
import { NatsEventBus } from "./nats-event-bus.js";
import { eventTablesMigration } from "./outbox.js";
import { isPermanentFailure, PermanentEventError } from "./permanent-failure.js";

/** A bus and a database server for one suite; `prefix` is a subject prefix private to it. */
interface Stack {
  bus: EventBus;
  /** Whether the bus hands a backlog over in batches (NATS does, the in-memory bus does not). */
  batches: boolean;
  prefix: string;
  /** A new, empty schema on the suite's database server. */
  database(schema: string): Database;
  close(): Promise<void>;
}

const unique = () => randomBytes(4).toString("hex");

function note(subject: string, value: string): EventEnvelope {
  const id = uuidv7();
  return {
    id,
    subject,
    type: StringValueSchema.typeName,
    occurredAt: new Date(),
    correlationId: `corr-${id}`,
    traceparent: undefined,
    payload: toBinary(StringValueSchema, create(StringValueSchema, { value })),
  };
}

/** How EventConsumer starts and fails on one bus and database server. */
function describeConsumer(label: string, makeStack: () => Promise<Stack>): void {
  describe(label, () => {
    let stack: Stack;
    const consumers: EventConsumer[] = [];
    beforeAll(async () => {
      stack = await makeStack();
    });
    afterAll(async () => {
      for (const consumer of consumers) await consumer.stop();
      await stack.close();
    });

    /** A service schema with storefront "ours" and credits that must name a storefront (no key: a row twice shows). */
    async function creditsDatabase(): Promise<{ service: string; database: Database }> {
      const service = `svc_${unique()}`;
      const database = stack.database(service);
      await migrate(database, [
        eventTablesMigration(service),
        {
          id: "0001_credits",
          statements: [
            `create table "${service}".storefronts (id text primary key)`,
            `create table "${service}".credits (event_id text not null, storefront_id text not null references "${service}".storefronts (id))`,
            `insert into "${service}".storefronts (id) values ('ours')`,
          ],
        },
      ]);
      return { service, database };
    }

    const creditsOf = async (database: Database, service: string) =>
      (
        (await database.db.execute(
          sql.raw(`select event_id from "${service}".credits order by event_id`),
        )) as unknown as {
          rows: { event_id: string }[];
        }
      ).rows.map((row) => row.event_id);

    /**
     * A "credits" consumer of `subject` (retried after 100 ms) that runs `before`, then credits the
     * event to the storefront its message names (or `storefront`).
     */
    const creditsConsumer = (
      subject: string,
      target: { service: string; database: Database },
      before: (tx: object, message: { value: string }, event: EventEnvelope) => void | Promise<void>,
      options: { storefront?: string; startLookbackMs?: number } = {},
    ) =>
      new EventConsumer(
        defineConsumer({
          name: "credits",
          on: { subject, schema: StringValueSchema },
          backoffMs: [100],
          async handle(_ctx, tx, message, event) {
            await before(tx, message, event);
            const storefront = options.storefront ?? message.value;
            await tx.execute(
              sql`insert into ${sql.raw(`"${target.service}"`)}.credits (event_id, storefront_id) values (${event.id}, ${storefront})`,
            );
          },
        }),
        {
          service: target.service,
          database: target.database,
          bus: stack.bus,
          ...(options.startLookbackMs === undefined ? {} : { startLookbackMs: options.startLookbackMs }),
        },
      );

    it("applies waiting events in one transaction once each; a poison one is parked alone, a transient failure retried, and the failed batch leaves nothing", async () => {
      const subject = `${stack.prefix}.batch${unique()}.order.completed`;
      const { service, database } = await creditsDatabase();
      const transactions = new Map<string, object>();
      const consumer = creditsConsumer(subject, { service, database }, (tx, message, event) => {
        transactions.set(event.id, tx);
        if (message.value === "flaky") throw new Error("connection reset");
      });
      const [a, b, c] = [note(subject, "ours"), note(subject, "ours"), note(subject, "ours")];
      const garbled = { ...note(subject, "ours"), payload: new Uint8Array([0xff, 0xff, 0xff]) };
      // a twice (published again after the bus's de-duplication window), an undecodable one, c redelivered.
      const first = await consumer.handleBatch([
        { event: a, attempt: 1 },
        { event: b, attempt: 1 },
        { event: a, attempt: 1 },
        { event: garbled, attempt: 1 },
        { event: c, attempt: 2 },
      ]);
      expect(first).toEqual([true, true, true, true, true]);
      expect(await creditsOf(database, service)).toEqual([a.id, b.id, c.id].sort());
      expect(transactions.get(a.id)).toBe(transactions.get(b.id));
      expect(transactions.get(c.id)).not.toBe(transactions.get(a.id));
      expect((await consumer.parked()).map((p) => p.event.id)).toEqual([garbled.id]);

      const [d, foreign, flaky, e] = [
        note(subject, "ours"),
        note(subject, "theirs"),
        note(subject, "flaky"),
        note(subject, "ours"),
      ];
      const second = await consumer.handleBatch(
        [d, foreign, flaky, e].map((event) => ({ event, attempt: 1 })),
      );
      // The foreign key refuses "theirs" for good: parked; "flaky" waits for its redelivery.
      expect(second).toEqual([true, true, false, true]);
      // d and e were applied in the batch that failed, then again on their own: one credit each.
      expect(await creditsOf(database, service)).toEqual([a.id, b.id, c.id, d.id, e.id].sort());
      expect((await consumer.parked()).map((p) => p.event.id).sort()).toEqual(
        [garbled.id, foreign.id].sort(),
      );
      const inbox = (await database.db.execute(
        sql.raw(`select event_id from "${service}".inbox where event_id = '${flaky.id}'`),
      )) as unknown as { rows: unknown[] };
      expect(inbox.rows).toEqual([]);
    });

    it("takes a backlog from the bus, in batches where the bus hands them over, each event applied once and a failed one redelivered", async () => {
      const subject = `${stack.prefix}.backlog${unique()}.order.completed`;
      const { service, database } = await creditsDatabase();
      const backlog = Array.from({ length: 12 }, () => note(subject, "ours"));
      for (const event of backlog) await stack.bus.publish(event);
      const transactions = new Set<object>();
      let failures = 0;
      let entered = false;
      let release = () => {};
      const gate = new Promise<void>((resolve) => (release = resolve));
      const consumer = creditsConsumer(
        subject,
        { service, database },
        async (tx, message) => {
          transactions.add(tx);
          if (message.value === "gate") {
            entered = true;
            await gate;
          }
          // Fails in the batch and again on its own: only its redelivery applies.
          if (message.value === "flaky" && failures++ < 2) throw new Error("connection reset");
        },
        { storefront: "ours", startLookbackMs: 60_000 },
      );
      consumers.push(consumer);
      await consumer.start();
      await waitFor(async () => (await creditsOf(database, service)).length === backlog.length, {
        timeoutMs: 10_000,
        message: "the backlog was not applied",
      });
      if (stack.batches) expect(transactions.size).toBeLessThan(backlog.length);
      else expect(transactions.size).toBe(backlog.length);

      // Three events wait behind a slow one, so they are handed over together.
      const held = note(subject, "gate");
      await stack.bus.publish(held);
      await waitFor(() => entered, { timeoutMs: 10_000, message: "the slow event was not delivered" });
      const after = [note(subject, "flaky"), note(subject, "ours"), note(subject, "ours")];
      for (const event of after) await stack.bus.publish(event);
      await sleep(200);
      release();
      const all = [...backlog, held, ...after].map((event) => event.id).sort();
      await waitFor(async () => (await creditsOf(database, service)).length === all.length, {
        timeoutMs: 10_000,
        message: "the events after the slow one were not applied",
      });
      await sleep(300);
      expect(await creditsOf(database, service)).toEqual(all);
      expect(failures).toBe(3);
    });

    it("starts a new consumer at its service's first start less the look-back, skipping older history", async () => {
      const subject = `${stack.prefix}.orders${unique()}.order.completed`;
      // Another stack's events, left in the stream long before this service first started.
      await stack.bus.publish(note(subject, "foreign 1"));
      await stack.bus.publish(note(subject, "foreign 2"));
      await sleep(1_500);
      // Another service of this deployment published while this one was still starting.
      await stack.bus.publish(note(subject, "ours, early"));
      const service = `svc_${unique()}`;
      const database = stack.database(service);
      await migrate(database, [eventTablesMigration(service)]);
      const seen: string[] = [];
      const consumer = new EventConsumer(
        defineConsumer({
          name: "credits",
          on: { subject, schema: StringValueSchema },
          async handle(_ctx, _tx, message) {
            seen.push(message.value);
          },
        }),
        { service, database, bus: stack.bus, startLookbackMs: 500 },
      );
      consumers.push(consumer);
      await consumer.start();
      await stack.bus.publish(note(subject, "ours, later"));
      await waitFor(() => seen.length >= 2, { timeoutMs: 10_000, message: `not delivered: ${seen}` });
      await sleep(300);
      expect(seen).toEqual(["ours, early", "ours, later"]);
    });

    it("parks an event that fails permanently at its first delivery and never retries it, and retries a transient failure", async () => {
      const subject = `${stack.prefix}.credits${unique()}.order.completed`;
      const { service, database } = await creditsDatabase();
      const calls: string[] = [];
      let flaky = true;
      const consumer = creditsConsumer(subject, { service, database }, (_tx, message) => {
        calls.push(message.value);
        if (message.value === "ours" && flaky) {
          flaky = false;
          throw new Error("connection reset");
        }
      });
      consumers.push(consumer);
      await consumer.start();
      const foreign = note(subject, "another stack's storefront");
      await stack.bus.publish(foreign);
      await stack.bus.publish(note(subject, "ours"));
      await waitFor(async () => (await consumer.parked()).length === 1 && calls.length === 3, {
        timeoutMs: 10_000,
        message: `not parked and applied: ${calls}`,
      });
      // Five backoffs' worth: a retried event would have come back by now.
      await sleep(600);
      expect(calls).toEqual(["another stack's storefront", "ours", "ours"]);
      const [parked] = await consumer.parked();
      expect(parked?.event.id).toBe(foreign.id);
      expect(parked?.attempts).toBe(1);
      expect(parked?.error).toMatch(/^\w+: .*foreign key/);
    });
  });
}

describe("isPermanentFailure", () => {
  const sqlError = (code: string) => Object.assign(new Error(`sqlstate ${code}`), { code });

  it("is true for PermanentEventError, InvalidArgument, NotFound and PostgreSQL data or constraint errors, also as a cause", () => {
    for (const error of [
      new PermanentEventError("never applies"),
      InvalidArgument.field("storefrontId", "is not a UUID"),
      new NotFound("no storefront s1"),
      sqlError("23503"),
      sqlError("23502"),
      sqlError("23514"),
      sqlError("22P02"),
      new Error("Failed query: insert ...", { cause: sqlError("23503") }),
    ])
      expect(isPermanentFailure(error), String(error)).toBe(true);
  });

  it("is false for failures a later delivery may get past", () => {
    for (const error of [
      new Error("connection reset"),
      new FailedPrecondition("not paid yet"),
      new Conflict("changed concurrently"),
      sqlError("23505"),
      sqlError("40P01"),
      Object.assign(new Error("refused"), { code: "ECONNREFUSED" }),
      "a string",
    ])
      expect(isPermanentFailure(error), String(error)).toBe(false);
  });
});

describeConsumer("EventConsumer on MemoryEventBus and PGlite", async () => {
  const host = await PgliteHost.open({ postgis: false });
  const bus = new MemoryEventBus();
  return {
    bus,
    batches: false,
    prefix: "mercato.consumertest",
    database: (schema) => host.forService(schema),
    close: async () => {
      await bus.close();
      await host.close();
    },
  };
});

describeWithInfra("DATABASE_URL", "EventConsumer on MemoryEventBus and PostgreSQL", (url) => {
  describeConsumer("consumer", async () => {
    const bus = new MemoryEventBus();
    const databases: Database[] = [];
    return {
      bus,
      batches: false,
      prefix: "mercato.consumertest",
      database: (schema) => {
        const database = openPostgres({ url, schema, maxConnections: 2 });
        databases.push(database);
        return database;
      },
      close: async () => {
        await bus.close();
        for (const database of databases) {
          await database.db.execute(sql.raw(`drop schema if exists "${database.schema}" cascade`));
          await database.close();
        }
      },
    };
  });
});

describeWithInfra("NATS_URL", "EventConsumer on JetStream", (url) => {
  describeConsumer("consumer", async () => {
    const tag = unique();
    const stream = `TEST_CONSUMER_${tag}`;
    const bus = await NatsEventBus.connect({ url, stream, subjects: [`mcons${tag}.>`] });
    const host = await PgliteHost.open({ postgis: false });
    return {
      bus,
      batches: true,
      prefix: `mcons${tag}`,
      database: (schema) => host.forService(schema),
      close: async () => {
        await bus.close();
        await host.close();
        const nc = await connect({ servers: url });
        await (await jetstreamManager(nc)).streams.delete(stream);
        await nc.close();
      },
    };
  });
});
