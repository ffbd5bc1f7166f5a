import { type DescMessage, fromBinary, type MessageShape } from "@bufbuild/protobuf";
import { sql } from "drizzle-orm";
import type { Logger } from "pino";
import { currentContext, runWithContext } from "../context/als.js";
import {
  acceptCorrelationId,
  backgroundContext,
  newTrace,
  parseTraceparent,
  type RequestContext,
} from "../context/context.js";
import { type Database, quoteSchema, rowsOf, type Tx, textArray } from "../db/database.js";
import { inSpan, SpanKind } from "../telemetry/tracing.js";
import type { EventEnvelope, EventSubject } from "./envelope.js";
import type { Delivery, EventBus, Subscription } from "./event-bus.js";
import { eventTablesMigrationId, recordInInbox, type StoredEventRow, storedEnvelope } from "./outbox.js";
import { isPermanentFailure } from "./permanent-failure.js";

/** A durable event consumer of a service: which events it takes and what it does with each. */
export interface ConsumerDefinition<Desc extends DescMessage = DescMessage> {
  /** Unique within the service; with the service name it forms the durable name. */
  name: string;
  /** The one subject it takes (ADR 0007), from `eventSubjects`; its schema types `handle`'s message. */
  on: EventSubject<Desc>;
  /** Deliveries before an event is parked; default 5. */
  maxAttempts?: number;
  /** Redelivery delays in ms by failed attempt; default 500, 2 000, 10 000, 30 000. */
  backoffMs?: readonly number[];
  /**
   * How many waiting events may be applied in one transaction (ADR 0053); default 32. 1 gives
   * each its own: for a handler that locks rows other transactions lock in another order, where
   * one transaction holding several events' locks could deadlock with them.
   */
  maxBatch?: number;
  /**
   * Applies one event inside the transaction that also records it in the inbox, so its effects
   * and the "seen" mark commit together: an event is applied once, however often it arrives.
   */
  handle(ctx: RequestContext, tx: Tx, message: MessageShape<Desc>, event: EventEnvelope): Promise<void>;
}

/** Declares a consumer with its message type inferred from the subject it is `on`. */
export function defineConsumer<Desc extends DescMessage>(
  definition: ConsumerDefinition<Desc>,
): ConsumerDefinition<Desc> {
  return definition;
}

/** A parked event: one that failed every attempt, kept for inspection and replay. */
export interface ParkedEvent {
  consumer: string;
  event: EventEnvelope;
  attempts: number;
  error: string;
  parkedAt: Date;
}

/** Options of EventConsumer. */
export interface EventConsumerOptions {
  service: string;
  database: Database;
  bus: EventBus;
  logger?: Logger;
  /** Counts each handled delivery by consumer and outcome (`events_handled_total`). */
  handled?: { inc(labels: { consumer: string; outcome: HandleOutcome }): void };
  /**
   * How far before its service's first start a new durable begins (ADR 0023), so that events other
   * services of the same deployment published while this one was still starting are not missed;
   * default 15 minutes.
   */
  startLookbackMs?: number;
}

/** Default of `EventConsumerOptions.startLookbackMs`: 15 minutes. */
export const defaultStartLookbackMs = 15 * 60_000;

/** Result of handling one delivery. */
export type HandleOutcome = "applied" | "duplicate" | "parked";

/** Runs one ConsumerDefinition: inbox de-duplication, retries through the bus, parking of poison events. */
export class EventConsumer<Desc extends DescMessage = DescMessage> {
  private subscription: Subscription | undefined;
  private readonly schema: string;
  readonly durable: string;

  constructor(
    private readonly definition: ConsumerDefinition<Desc>,
    private readonly options: EventConsumerOptions,
  ) {
    this.schema = quoteSchema(options.database.schema);
    this.durable = `${options.service}.${definition.name}`;
  }

  /** Subscribes; a durable that does not exist yet starts at `startAt()`. */
  async start(): Promise<void> {
    if (this.subscription) return;
    const startAt = await this.startAt();
    const maxBatch = this.definition.maxBatch ?? 32;
    this.subscription = await this.options.bus.consume(
      {
        durable: this.durable,
        subject: this.definition.on.subject,
        backoffMs: this.definition.backoffMs ?? [500, 2_000, 10_000, 30_000],
        ...(startAt ? { startAt } : {}),
        maxBatch,
      },
      async (event, attempt) => {
        this.count(await this.handle(event, attempt));
      },
      maxBatch > 1 ? (deliveries) => this.handleBatch(deliveries) : undefined,
    );
  }

  async stop(): Promise<void> {
    await this.subscription?.stop();
    this.subscription = undefined;
  }

  /**
   * Where this consumer's durable starts when the bus does not have it yet (ADR 0023): the moment its
   * service's event tables were created (its first start on this database, which precedes every
   * event of its own outbox) less `startLookbackMs`. Events older than that belong to another
   * stack that shared the stream, never to this deployment. Undefined without event tables.
   */
  async startAt(): Promise<Date | undefined> {
    const [row] = rowsOf<{ applied_at: string | Date }>(
      await this.options.database.db.execute(sql`
        select applied_at from ${sql.raw(this.schema)}._migrations where id = ${eventTablesMigrationId}`),
    );
    if (!row) return undefined;
    const lookback = this.options.startLookbackMs ?? defaultStartLookbackMs;
    return new Date(new Date(row.applied_at).getTime() - lookback);
  }

  /**
   * Handles one delivery: applies it once, or parks it when it cannot be decoded, fails
   * permanently (`isPermanentFailure`) or has failed `maxAttempts` times. Throws (so the bus
   * redelivers later) on a transient failure with attempts left.
   */
  async handle(event: EventEnvelope, attempt: number): Promise<HandleOutcome> {
    const ctx = this.contextOf(event);
    return runWithContext(ctx, async () => {
      let message: MessageShape<Desc>;
      try {
        message = fromBinary(this.definition.on.schema, event.payload);
      } catch (error) {
        await this.park(
          event,
          attempt,
          `payload does not decode as ${this.definition.on.schema.typeName}: ${String(error)}`,
        );
        return "parked";
      }
      try {
        return await this.inConsumerSpan(event, () => this.apply(currentContext() ?? ctx, event, message));
      } catch (error) {
        if (isPermanentFailure(error) || attempt >= (this.definition.maxAttempts ?? 5)) {
          await this.park(event, attempt, errorText(error));
          return "parked";
        }
        this.options.logger?.warn(
          { err: error, eventId: event.id, attempt, consumer: this.durable },
          "event handler failed",
        );
        throw error;
      }
    });
  }

  /**
   * Handles deliveries that were waiting together (ADR 0053): those delivered for the first time
   * are applied in one transaction with one inbox statement, each in its own context and span, so a
   * backlog costs one commit rather than one per event. When that transaction fails, nothing of it
   * stays and each delivery is handled on its own as `handle` does: a poison event is parked alone
   * and the others apply. Redeliveries and undecodable payloads are always handled on their own.
   * Resolves with, per delivery, whether it is done (applied, a duplicate or parked).
   */
  async handleBatch(deliveries: readonly Delivery[]): Promise<boolean[]> {
    const done = deliveries.map(() => false);
    const together: { index: number; event: EventEnvelope; message: MessageShape<Desc> }[] = [];
    const alone: number[] = [];
    deliveries.forEach(({ event, attempt }, index) => {
      const message = attempt === 1 ? this.decode(event) : undefined;
      if (message) together.push({ index, event, message });
      else alone.push(index);
    });
    if (together.length > 1) {
      try {
        const outcomes = await this.applyTogether(together);
        together.forEach(({ index }, i) => {
          done[index] = true;
          this.count(outcomes[i] ?? "applied");
        });
      } catch (error) {
        this.options.logger?.warn(
          { err: error, events: together.length, consumer: this.durable },
          "event batch failed, handling each on its own",
        );
        alone.push(...together.map(({ index }) => index));
      }
    } else alone.push(...together.map(({ index }) => index));
    for (const index of alone.sort((a, b) => a - b)) {
      const delivery = deliveries[index];
      if (!delivery) continue;
      try {
        this.count(await this.handle(delivery.event, delivery.attempt));
        done[index] = true;
      } catch {
        // Logged by handle; the bus redelivers it after its backoff.
      }
    }
    return done;
  }

  /** Events this consumer parked, oldest first. */
  async parked(): Promise<ParkedEvent[]> {
    const rows = rowsOf<ParkedRow>(
      await this.options.database.db.execute(sql`
        select * from ${sql.raw(this.schema)}.parked_events
        where consumer = ${this.durable} order by parked_at, event_id`),
    );
    return rows.map((row) => ({
      consumer: row.consumer,
      attempts: row.attempts,
      error: row.error,
      parkedAt: new Date(row.parked_at),
      event: storedEnvelope(row.event_id, row),
    }));
  }

  /** Applies a parked event again (after a fix); it leaves the parked list when it succeeds. */
  async replay(eventId: string): Promise<HandleOutcome> {
    const found = (await this.parked()).find((parked) => parked.event.id === eventId);
    if (!found) throw new Error(`no parked event ${eventId} for ${this.durable}`);
    const message = fromBinary(this.definition.on.schema, found.event.payload);
    const ctx = backgroundContext({ correlationId: acceptCorrelationId(found.event.correlationId) });
    return runWithContext(ctx, () =>
      this.apply(ctx, found.event, message, async (tx) => {
        await tx.execute(sql`delete from ${sql.raw(this.schema)}.parked_events
          where consumer = ${this.durable} and event_id = ${eventId}`);
      }),
    );
  }

  private async apply(
    ctx: RequestContext,
    event: EventEnvelope,
    message: MessageShape<Desc>,
    extra?: (tx: Tx) => Promise<void>,
  ): Promise<HandleOutcome> {
    return this.options.database.transaction(async (tx) => {
      const fresh = await this.recordSeen(tx, [event]);
      if (extra) await extra(tx);
      if (fresh.size === 0) return "duplicate";
      await this.definition.handle(ctx, tx, message, event);
      return "applied";
    });
  }

  private count(outcome: HandleOutcome): void {
    this.options.handled?.inc({ consumer: this.durable, outcome });
  }

  private decode(event: EventEnvelope): MessageShape<Desc> | undefined {
    try {
      return fromBinary(this.definition.on.schema, event.payload);
    } catch {
      return undefined;
    }
  }

  /** Applies several first deliveries in one transaction; throws (and keeps nothing) if any handler does. */
  private async applyTogether(
    items: readonly { event: EventEnvelope; message: MessageShape<Desc> }[],
  ): Promise<HandleOutcome[]> {
    return this.options.database.transaction(async (tx) => {
      // One event id twice in a batch (published again after the bus's de-duplication window) is applied once.
      const fresh = await this.recordSeen(
        tx,
        items.map(({ event }) => event),
      );
      const outcomes: HandleOutcome[] = [];
      for (const { event, message } of items) {
        if (!fresh.delete(event.id)) {
          outcomes.push("duplicate");
          continue;
        }
        const ctx = this.contextOf(event);
        await runWithContext(ctx, () =>
          this.inConsumerSpan(event, () =>
            this.definition.handle(currentContext() ?? ctx, tx, message, event),
          ),
        );
        outcomes.push("applied");
      }
      return outcomes;
    });
  }

  /** Records `events` in the inbox in one statement; returns the ids it had not seen before. */
  private async recordSeen(tx: Tx, events: readonly EventEnvelope[]): Promise<Set<string>> {
    const result = await recordInInbox(this.options.database.schema).run(tx, {
      consumer: this.durable,
      eventIds: textArray(events.map((event) => event.id)),
    });
    return new Set(rowsOf<{ event_id: string }>(result).map((row) => row.event_id));
  }

  private contextOf(event: EventEnvelope): RequestContext {
    return backgroundContext({
      correlationId: acceptCorrelationId(event.correlationId),
      trace: parseTraceparent(event.traceparent) ?? newTrace(),
    });
  }

  /** The consumer's span, a child of the event's producer (ADR 0048). */
  private inConsumerSpan<T>(event: EventEnvelope, fn: () => Promise<T>): Promise<T> {
    return inSpan(
      this.options.service,
      `consume ${this.durable}`,
      SpanKind.CONSUMER,
      {
        "messaging.system": "nats",
        "messaging.destination.name": event.subject,
        "messaging.message.id": event.id,
      },
      fn,
    );
  }

  private async park(event: EventEnvelope, attempts: number, error: string): Promise<void> {
    await this.options.database.db.execute(sql`
      insert into ${sql.raw(this.schema)}.parked_events
        (consumer, event_id, subject, type, payload, correlation_id, traceparent, occurred_at, attempts, error)
      values (${this.durable}, ${event.id}, ${event.subject}, ${event.type}, ${Buffer.from(event.payload)},
        ${event.correlationId}, ${event.traceparent ?? null}, ${event.occurredAt.toISOString()}, ${attempts}, ${error.slice(0, 2000)})
      on conflict (consumer, event_id) do update set attempts = excluded.attempts, error = excluded.error, parked_at = now()`);
    this.options.logger?.error(
      { eventId: event.id, consumer: this.durable, attempts, error },
      "event parked after failing",
    );
  }
}

interface ParkedRow extends StoredEventRow {
  consumer: string;
  event_id: string;
  attempts: number;
  error: string;
  parked_at: string | Date;
}

// The root cause first: drizzle wraps the driver's error (the one that says what PostgreSQL refused)
// in one whose message is the whole query, which would push it out of the stored 2 000 characters.
function errorText(error: unknown): string {
  const parts: string[] = [];
  for (let cause = error, depth = 0; cause !== undefined && depth < 5; depth++) {
    parts.unshift(cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause));
    cause = cause instanceof Error ? cause.cause : undefined;
  }
  return parts.join(" <- ");
}
