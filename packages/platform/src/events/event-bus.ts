import type { EventEnvelope } from "./envelope.js";

/** How a durable consumer wants its events: which subject, and how failures are retried. */
export interface ConsumeSpec {
  /** Durable name, stable across restarts and shared by replicas. */
  durable: string;
  /** Subject filter; `*` and `>` wildcards allowed. */
  subject: string;
  /** Redelivery delays after the 1st, 2nd, ... failure in ms; the last one repeats. */
  backoffMs: readonly number[];
  /** How long a delivery may stay unacknowledged before it is redelivered; default 30 000 ms. */
  ackWaitMs?: number;
  /**
   * Where a durable that does not exist yet starts: at the first event published at or after this
   * time. Default: the oldest event the bus still keeps. A durable that exists keeps its position.
   */
  startAt?: Date;
  /**
   * With a `BatchDeliveryHandler` given to `consume`: how many deliveries already waiting it may
   * take in one call; default 32. An adapter that cannot batch hands each to the `DeliveryHandler`.
   */
  maxBatch?: number;
}

/**
 * Handles one delivery. Resolving acknowledges it; rejecting asks for redelivery after the backoff.
 * `attempt` starts at 1.
 */
export type DeliveryHandler = (event: EventEnvelope, attempt: number) => Promise<void>;

/** One delivery of a batch: the event and how often it has been delivered (1 the first time). */
export interface Delivery {
  event: EventEnvelope;
  attempt: number;
}

/**
 * Handles deliveries that were waiting together, in their order, and resolves with one answer per
 * delivery: `true` acknowledges it, `false` asks for its redelivery after the backoff. Rejecting
 * redelivers every one of them. Used only when more than one delivery is waiting; a lone one goes
 * to the `DeliveryHandler`.
 */
export type BatchDeliveryHandler = (deliveries: readonly Delivery[]) => Promise<readonly boolean[]>;

/**
 * Handles one event of an ephemeral subscription. Nothing is acknowledged or redelivered: a handler
 * that fails is logged by the adapter (when it has a logger) and the event is gone for it.
 */
export type EphemeralHandler = (event: EventEnvelope) => void | Promise<void>;

/** Options of an ephemeral subscription. */
export interface EphemeralOptions {
  /** Called with false when the connection dropped (events are being missed) and true when it is back. */
  onLink?: ((up: boolean) => void) | undefined;
}

/** A running consumer. */
export interface Subscription {
  /** Stops taking deliveries; the durable keeps its position for the next subscriber. */
  stop(): Promise<void>;
}

/** Publishes events and delivers them at least once to durable consumers. */
export interface EventBus {
  /** Resolves once the event is durably accepted; publishing the same id twice stores it once. */
  publish(event: EventEnvelope): Promise<void>;
  /**
   * Delivers each event on `spec.subject` at least once to one subscriber of `spec.durable`; with
   * `batch`, deliveries already waiting may be handed over together (the NATS adapter does; the
   * in-memory one hands each to `handler`).
   */
  consume(spec: ConsumeSpec, handler: DeliveryHandler, batch?: BatchDeliveryHandler): Promise<Subscription>;
  /**
   * Hands every event on `subject` (`*` and `>` allowed) published from now on to `handler`, at
   * most once and without a durable: nothing is kept for it while it is stopped or disconnected,
   * and every subscriber gets every event (fan-out, not a shared queue). For live updates a
   * process passes on to its own clients (ADR 0039), never for work that must not be lost.
   * Optional: an adapter that cannot fan out (a test double) leaves it out. `onLink` is told
   * when the connection drops (events are missed from then on) and when it is back: a cache kept
   * fresh by these events must stop trusting what it holds in between.
   */
  subscribeEphemeral?(
    subject: string,
    handler: EphemeralHandler,
    options?: EphemeralOptions,
  ): Promise<Subscription>;
  /** Resolves when the bus can take and deliver events. */
  ping(): Promise<void>;
  /**
   * Events of a durable consumer not yet acknowledged: waiting to be delivered plus delivered
   * and unanswered (its lag); undefined where the bus cannot tell.
   */
  pending?(durable: string): Promise<number | undefined>;
  close(): Promise<void>;
}

/** The redelivery delay for a given failed attempt (1-based). */
export function backoffFor(backoffMs: readonly number[], attempt: number): number {
  if (backoffMs.length === 0) return 1000;
  return backoffMs[Math.min(attempt, backoffMs.length) - 1] ?? 1000;
}
