import { create, type DescMessage, type MessageInitShape, toBinary } from "@bufbuild/protobuf";
import { sql } from "drizzle-orm";
import type { Logger } from "pino";
import { v7 as uuidv7 } from "uuid";
import { currentContext } from "../context/als.js";
import { parseTraceparent } from "../context/context.js";
import { type Database, type Executor, quoteSchema, rowsOf, uuidArray } from "../db/database.js";
import type { Migration } from "../db/migrate.js";
import { type Placeholders, prepared, type Statement } from "../db/prepared.js";
import { afterCommit } from "../db/transaction-hooks.js";
import { endSpan, isTracing, outgoingTraceparent, SpanKind, startSpan } from "../telemetry/tracing.js";
import { assertEventSubject, type EventEnvelope, type EventSubject } from "./envelope.js";
import type { EventBus } from "./event-bus.js";

/** Id of `eventTablesMigration`; when it was applied is the service's first start on its database. */
export const eventTablesMigrationId = "platform_0001_event_tables";

/** The tables every service schema gets for reliable events: outbox, inbox and parked events. */
export function eventTablesMigration(schema: string): Migration {
  const s = quoteSchema(schema);
  return {
    id: eventTablesMigrationId,
    statements: [
      `create table ${s}.outbox (
        id uuid primary key,
        subject text not null,
        type text not null,
        payload bytea not null,
        correlation_id text not null,
        traceparent text,
        occurred_at timestamptz not null,
        attempts integer not null default 0,
        next_attempt_at timestamptz not null default now(),
        last_error text
      )`,
      `create index outbox_due_idx on ${s}.outbox (next_attempt_at, id)`,
      `create table ${s}.inbox (
        consumer text not null,
        event_id text not null,
        processed_at timestamptz not null default now(),
        primary key (consumer, event_id)
      )`,
      `create index inbox_processed_at_idx on ${s}.inbox (processed_at)`,
      `create table ${s}.parked_events (
        consumer text not null,
        event_id text not null,
        subject text not null,
        type text not null,
        payload bytea not null,
        correlation_id text not null,
        traceparent text,
        occurred_at timestamptz not null,
        attempts integer not null,
        error text not null,
        parked_at timestamptz not null default now(),
        primary key (consumer, event_id)
      )`,
    ],
  };
}

/** One statement per schema and text, however many outboxes and consumers a process holds. */
function perSchema<V extends Record<string, unknown>>(
  build: (schema: string) => Statement<V, unknown>,
): (schema: string) => Statement<V, unknown> {
  const statements = new Map<string, Statement<V, unknown>>();
  return (schema) => {
    const known = statements.get(schema);
    if (known) return known;
    const statement = build(schema);
    statements.set(schema, statement);
    return statement;
  };
}

type OutboxValues = {
  id: string;
  subject: string;
  type: string;
  payload: Buffer;
  correlationId: string;
  traceparent: string | null;
};

/** Every event a service writes is this statement (prepared once per process, ADR 0037). */
const addToOutbox = perSchema((schema) =>
  prepared(
    "platform.outbox_add",
    (_db, p: Placeholders<OutboxValues>) => sql`
      insert into ${sql.raw(quoteSchema(schema))}.outbox
        (id, subject, type, payload, correlation_id, traceparent, occurred_at)
      values (${p.id}, ${p.subject}, ${p.type}, ${p.payload}, ${p.correlationId}, ${p.traceparent}, now())`,
  ),
);

/**
 * Every event a consumer takes is recorded by this statement, one event or a batch (ids as one
 * text[] parameter, so one text serves every batch size); it returns the ids not seen before.
 */
export const recordInInbox = perSchema((schema) =>
  prepared(
    "platform.inbox_record",
    (_db, p: Placeholders<{ consumer: string; eventIds: string }>) => sql`
      insert into ${sql.raw(quoteSchema(schema))}.inbox (consumer, event_id)
      select ${p.consumer}, unnest(${p.eventIds}::text[])
      on conflict do nothing returning event_id`,
  ),
);

/**
 * The relay's round: claims due rows (their next attempt pushed past a lease) with SKIP LOCKED, so
 * replicas share the outbox, and deletes the published ones (ids as one uuid[] parameter).
 */
const claimDue = perSchema((schema) =>
  prepared(
    "platform.outbox_claim",
    (_db, p: Placeholders<{ leaseSeconds: number; limit: number }>) => sql`
      update ${sql.raw(quoteSchema(schema))}.outbox
      set next_attempt_at = now() + make_interval(secs => ${p.leaseSeconds}::int)
      where id in (
        select id from ${sql.raw(quoteSchema(schema))}.outbox
        where next_attempt_at <= now()
        order by id
        limit ${p.limit}::int
        for update skip locked)
      returning id, subject, type, payload, correlation_id, traceparent, occurred_at, attempts`,
  ),
);
const deletePublished = perSchema((schema) =>
  prepared(
    "platform.outbox_delete",
    (_db, p: Placeholders<{ ids: string }>) =>
      sql`delete from ${sql.raw(quoteSchema(schema))}.outbox where id = any(${p.ids}::uuid[])`,
  ),
);

/** Writes events into the service's outbox in the caller's transaction. */
export class Outbox {
  constructor(
    private readonly schema: string,
    private readonly onCommitted: () => void = () => {},
  ) {
    quoteSchema(schema);
  }

  /**
   * Records `message` on `event`'s subject (one of `eventSubjects`, whose schema types the message) in
   * the same transaction as the change it describes; returns its id.
   */
  async add<Desc extends DescMessage>(
    tx: Executor,
    event: EventSubject<Desc>,
    message: NoInfer<MessageInitShape<Desc>>,
  ): Promise<string> {
    assertEventSubject(event.subject);
    const ctx = currentContext();
    const id = uuidv7();
    const payload = toBinary(event.schema, create(event.schema, message));
    await addToOutbox(this.schema).run(tx, {
      id,
      subject: event.subject,
      type: event.schema.typeName,
      payload: Buffer.from(payload),
      correlationId: ctx?.correlationId ?? id,
      traceparent: ctx ? outgoingTraceparent(ctx.trace) : null,
    });
    afterCommit(tx, this.onCommitted);
    return id;
  }
}

/** Options of OutboxRelay. */
export interface OutboxRelayOptions {
  database: Database;
  bus: EventBus;
  logger?: Logger;
  /** Events published per round; default 100. */
  batchSize?: number;
  /** How often the relay looks for events it was not told about; default 500 ms. */
  pollMs?: number;
  /** Delay before retrying after a failed publish, by attempt; default 250 ms doubling to 30 s. */
  retryDelayMs?: (attempts: number) => number;
}

interface OutboxRow extends StoredEventRow {
  id: string;
  attempts: number;
}

/**
 * Moves committed outbox rows to the EventBus in id (time) order and deletes them once the bus has
 * them. Rows are claimed with SKIP LOCKED, so every replica may run a relay. A failed publish keeps
 * the row and retries it later; publishing an id twice is harmless because the bus de-duplicates.
 */
export class OutboxRelay {
  private readonly table: string;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = true;

  constructor(private readonly options: OutboxRelayOptions) {
    this.table = `${quoteSchema(options.database.schema)}.outbox`;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.kick();
  }

  /** Asks for a round now (after a commit that wrote events). */
  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    if (this.timer) clearTimeout(this.timer);
    this.running = this.loop().finally(() => {
      this.running = undefined;
      if (this.stopped) return;
      if (this.again) {
        this.again = false;
        this.kick();
        return;
      }
      this.timer = setTimeout(() => this.kick(), this.options.pollMs ?? 500);
      this.timer.unref();
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  /**
   * Publishes one batch of due rows; returns how many were published. Rows are claimed in a short
   * transaction (their next attempt pushed past a lease), published with no transaction open (so a
   * slow bus never holds database locks), then deleted or rescheduled.
   */
  async runOnce(): Promise<number> {
    const { database, bus } = this.options;
    const limit = this.options.batchSize ?? 100;
    const leaseSeconds = 60;
    const rows = rowsOf<OutboxRow>(
      await claimDue(database.schema).run(database.db, { leaseSeconds, limit }),
    ).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const published: string[] = [];
    let failed: { row: OutboxRow; error: unknown } | undefined;
    for (const row of rows) {
      try {
        // The producer span joins the trace of the change that wrote the event; the consumer's
        // span becomes its child through the event's traceparent (ADR 0048).
        const event = storedEnvelope(row.id, row);
        const { span, trace } = startSpan(
          database.schema,
          `publish ${row.subject}`,
          SpanKind.PRODUCER,
          parseTraceparent(row.traceparent),
          {
            "messaging.system": "nats",
            "messaging.destination.name": row.subject,
            "messaging.message.id": row.id,
          },
        );
        try {
          await bus.publish(
            trace && isTracing() ? { ...event, traceparent: outgoingTraceparent(trace) } : event,
          );
          endSpan(span);
        } catch (error) {
          endSpan(span, error);
          throw error;
        }
        published.push(row.id);
      } catch (error) {
        // Later rows would most likely fail the same way; keep the order and stop this round.
        failed = { row, error };
        break;
      }
    }
    const ids = (list: string[]) =>
      sql.join(
        list.map((id) => sql`${id}`),
        sql`, `,
      );
    if (published.length > 0) {
      await deletePublished(database.schema).run(database.db, { ids: uuidArray(published) });
    }
    if (failed) {
      const attempts = failed.row.attempts + 1;
      const delay = (this.options.retryDelayMs ?? defaultRetryDelay)(attempts);
      const message = String((failed.error as Error)?.message ?? failed.error).slice(0, 500);
      const untried = rows.slice(published.length).map((row) => row.id);
      await database.db.execute(sql`
        update ${sql.raw(this.table)}
        set attempts = attempts + case when id = ${failed.row.id} then 1 else 0 end,
            next_attempt_at = now() + make_interval(secs => ${delay / 1000}),
            last_error = case when id = ${failed.row.id} then ${message} else last_error end
        where id in (${ids(untried)})`);
      this.options.logger?.warn(
        { eventId: failed.row.id, attempts, err: failed.error },
        "outbox publish failed, will retry",
      );
    }
    return published.length;
  }

  /** Rows still waiting to be published. */
  async pending(executor: Executor = this.options.database.db): Promise<number> {
    const [row] = rowsOf<{ n: number | string }>(
      await executor.execute(sql`select count(*) as n from ${sql.raw(this.table)}`),
    );
    return Number(row?.n ?? 0);
  }

  private async loop(): Promise<void> {
    try {
      const limit = this.options.batchSize ?? 100;
      while (!this.stopped && (await this.runOnce()) === limit) {
        // A full batch means more may be waiting.
      }
    } catch (error) {
      this.options.logger?.error({ err: error }, "outbox relay round failed");
    }
  }
}

function defaultRetryDelay(attempts: number): number {
  return Math.min(30_000, 250 * 2 ** Math.min(attempts - 1, 7));
}

/** The columns of a stored event, as the outbox and the parked-events table both keep them. */
export interface StoredEventRow {
  subject: string;
  type: string;
  payload: Uint8Array | string;
  correlation_id: string;
  traceparent: string | null;
  occurred_at: Date | string;
}

/** Rebuilds an envelope from a stored event row and its id. */
export function storedEnvelope(id: string, row: StoredEventRow): EventEnvelope {
  return {
    id,
    subject: row.subject,
    type: row.type,
    payload: bytes(row.payload),
    correlationId: row.correlation_id,
    traceparent: row.traceparent ?? undefined,
    occurredAt: new Date(row.occurred_at),
  };
}

/** Reads a bytea column, which `pg` returns as a Buffer and PGlite as a Uint8Array. */
export function bytes(value: Uint8Array | string): Uint8Array {
  if (typeof value === "string") return Buffer.from(value.replace(/^\\x/, ""), "hex");
  return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
}
