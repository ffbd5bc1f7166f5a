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
      const service = `svc_${unique()}`;
      const database = stack.database(service);
      await migrate(database, [
        eventTablesMigration(service),
        {
          id: "0001_credits",
          statements: [
            `create table "${service}".storefronts (id text primary key)`,
            `create table "${service}".credits (event_id text primary key, storefront_id text not null references "${service}".storefronts (id))`,
            `insert into "${service}".storefronts (id) values ('ours')`,
          ],
        },
      ]);
      const calls: string[] = [];
      let flaky = true;
      const consumer = new EventConsumer(
        defineConsumer({
          name: "credits",
          on: { subject, schema: StringValueSchema },
          backoffMs: [100],
          async handle(_ctx, tx, message, event) {
            calls.push(message.value);
            if (message.value === "ours" && flaky) {
              flaky = false;
              throw new Error("connection reset");
            }
            await tx.execute(
              sql`insert into ${sql.raw(`"${service}"`)}.credits (event_id, storefront_id) values (${event.id}, ${message.value})`,
            );
          },
        }),
        { service, database, bus: stack.bus },
      );
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
