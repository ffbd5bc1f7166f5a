import { type EventEnvelope, subjectMatches } from "./envelope.js";
import type { ConsumeSpec, DeliveryHandler, EphemeralHandler, EventBus, Subscription } from "./event-bus.js";
import { backoffFor } from "./event-bus.js";

interface Durable {
  spec: ConsumeSpec;
  /** Index into the log of the next entry not yet handed to this durable. */
  position: number;
  pending: { event: EventEnvelope; attempt: number }[];
  handler: DeliveryHandler | undefined;
  running: boolean;
  timers: Set<NodeJS.Timeout>;
}

/** Options of MemoryEventBus. */
export interface MemoryEventBusOptions {
  /** Window in which a repeated event id is dropped; default 120 000 ms, as JetStream's default. */
  duplicateWindowMs?: number;
  /** Events kept for durables that subscribe later; default 10 000. Events every durable has taken are dropped sooner. */
  retain?: number;
}

/**
 * The in-process EventBus of the embedded host: durable consumers keep their position while the
 * process lives, failed deliveries come back after their backoff, duplicate ids are dropped.
 */
export class MemoryEventBus implements EventBus {
  /** Accepted events with the time (ms since the epoch) the bus took each, oldest first. */
  private readonly log: { event: EventEnvelope; publishedAt: number }[] = [];
  private readonly seen = new Map<string, number>();
  private readonly durables = new Map<string, Durable>();
  private readonly ephemerals = new Set<{ subject: string; handler: EphemeralHandler }>();
  private readonly duplicateWindowMs: number;
  private readonly retain: number;
  private closed = false;

  constructor(options: MemoryEventBusOptions = {}) {
    this.duplicateWindowMs = options.duplicateWindowMs ?? 120_000;
    this.retain = options.retain ?? 10_000;
  }

  async publish(event: EventEnvelope): Promise<void> {
    if (this.closed) throw new Error("event bus is closed");
    const now = Date.now();
    for (const [id, at] of this.seen) {
      if (now - at <= this.duplicateWindowMs) break;
      this.seen.delete(id);
    }
    if (this.seen.has(event.id)) return;
    this.seen.set(event.id, now);
    this.log.push({ event, publishedAt: now });
    this.trim();
    for (const durable of this.durables.values()) this.pump(durable);
    for (const ephemeral of [...this.ephemerals]) {
      if (!subjectMatches(ephemeral.subject, event.subject)) continue;
      // At most once and never in the publisher's way: a handler's failure is its own.
      queueMicrotask(() => {
        if (!this.ephemerals.has(ephemeral)) return;
        void (async () => ephemeral.handler(event))().catch(() => {});
      });
    }
  }

  async subscribeEphemeral(subject: string, handler: EphemeralHandler): Promise<Subscription> {
    if (this.closed) throw new Error("event bus is closed");
    const ephemeral = { subject, handler };
    this.ephemerals.add(ephemeral);
    return {
      stop: async () => {
        this.ephemerals.delete(ephemeral);
      },
    };
  }

  async consume(spec: ConsumeSpec, handler: DeliveryHandler): Promise<Subscription> {
    if (this.closed) throw new Error("event bus is closed");
    let durable = this.durables.get(spec.durable);
    if (!durable) {
      const startAt = spec.startAt?.getTime();
      const first = startAt === undefined ? 0 : this.log.findIndex((entry) => entry.publishedAt >= startAt);
      durable = {
        spec,
        position: first === -1 ? this.log.length : first,
        pending: [],
        handler: undefined,
        running: false,
        timers: new Set(),
      };
      this.durables.set(spec.durable, durable);
    }
    if (durable.handler) throw new Error(`durable ${spec.durable} already has a subscriber in this process`);
    durable.handler = handler;
    this.pump(durable);
    const target = durable;
    return {
      stop: async () => {
        target.handler = undefined;
        while (target.running) await new Promise((resolve) => setTimeout(resolve, 5));
      },
    };
  }

  async ping(): Promise<void> {
    if (this.closed) throw new Error("event bus is closed");
  }

  async close(): Promise<void> {
    this.closed = true;
    this.ephemerals.clear();
    for (const durable of this.durables.values()) {
      durable.handler = undefined;
      for (const timer of durable.timers) clearTimeout(timer);
    }
  }

  /** Drops the oldest events once every durable has taken them and more than `retain` are kept. */
  private trim(): void {
    const excess = this.log.length - this.retain;
    if (excess <= 0) return;
    let drop = excess;
    for (const durable of this.durables.values()) drop = Math.min(drop, durable.position);
    if (drop <= 0) return;
    this.log.splice(0, drop);
    for (const durable of this.durables.values()) durable.position -= drop;
  }

  private pump(durable: Durable): void {
    if (durable.running || !durable.handler) return;
    durable.running = true;
    void this.drain(durable).finally(() => {
      durable.running = false;
      if (durable.handler && (durable.pending.length > 0 || durable.position < this.log.length))
        this.pump(durable);
    });
  }

  private async drain(durable: Durable): Promise<void> {
    while (durable.handler && !this.closed) {
      let next = durable.pending.shift();
      if (!next) {
        while (durable.position < this.log.length && !next) {
          const entry = this.log[durable.position++];
          if (entry && subjectMatches(durable.spec.subject, entry.event.subject))
            next = { event: entry.event, attempt: 1 };
        }
      }
      if (!next) return;
      const delivery = next;
      try {
        await durable.handler(delivery.event, delivery.attempt);
      } catch {
        const timer = setTimeout(
          () => {
            durable.timers.delete(timer);
            durable.pending.push({ event: delivery.event, attempt: delivery.attempt + 1 });
            this.pump(durable);
          },
          backoffFor(durable.spec.backoffMs, delivery.attempt),
        );
        timer.unref();
        durable.timers.add(timer);
      }
    }
  }
}
