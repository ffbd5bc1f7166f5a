import { randomUUID } from "node:crypto";
import {
  AckPolicy,
  DeliverPolicy,
  type JetStreamClient,
  type JetStreamManager,
  type JsMsg,
  jetstream,
  jetstreamManager,
  RetentionPolicy,
  StorageType,
} from "@nats-io/jetstream";
import { type MsgHdrs, type NatsConnection, nanos, headers as natsHeaders } from "@nats-io/nats-core";
import { connect } from "@nats-io/transport-node";
import type { Logger } from "pino";
import { type EventEnvelope, eventHeaders } from "./envelope.js";
import type {
  BatchDeliveryHandler,
  ConsumeSpec,
  DeliveryHandler,
  EphemeralHandler,
  EphemeralOptions,
  EventBus,
  Subscription,
} from "./event-bus.js";
import { backoffFor } from "./event-bus.js";

/** Options of NatsEventBus.connect. */
export interface NatsEventBusOptions {
  /** `nats://host:port`; several comma-separated for a cluster. */
  url: string;
  /** Stream that holds every `mercato.>` event; default `MERCATO`. */
  stream?: string;
  /** Subjects the stream captures; default `["mercato.>"]`. */
  subjects?: string[];
  /** How long events stay in the stream; default 7 days. */
  maxAgeMs?: number;
  /** Window in which a repeated `Nats-Msg-Id` is dropped; default 120 000 ms. */
  duplicateWindowMs?: number;
  /**
   * Copies of the stream across a JetStream cluster (1 to 5; 3 rides out the loss of one server of
   * three); default 1. A stream made with fewer is raised to it on connect.
   */
  replicas?: number;
  /** Publish acknowledgement timeout; default 5 000 ms. */
  publishTimeoutMs?: number;
  name?: string;
  logger?: Logger;
  /**
   * Prefix of every durable consumer name, so that a test run or a second deployment sharing the
   * stream gets its own consumers; default none.
   */
  durablePrefix?: string;
  /** Removes a durable consumer after this long without a client; default never. */
  inactiveThresholdMs?: number;
  /**
   * Durable consumers this bus creates start no earlier than this time, whatever their own
   * `startAt`: for a test stack with its own durables on a stream other stacks share, which must
   * not replay their history. Default: none (a new durable starts at its `startAt`, or at the
   * stream's first event without one).
   */
  deliverFrom?: Date;
}

/** Turns a durable name into one JetStream accepts (no dots, wildcards or spaces). */
export function natsDurableName(durable: string): string {
  return durable.replace(/[^A-Za-z0-9_-]/g, "_");
}

/**
 * EventBus on NATS JetStream: a file-backed stream, publishes de-duplicated by `Nats-Msg-Id`,
 * durable pull consumers with explicit acknowledgement and redelivery after a backoff.
 */
export class NatsEventBus implements EventBus {
  private readonly subscriptions = new Set<{ stop(): Promise<void> }>();
  /** Ephemeral subscribers told when the connection drops and returns (see EphemeralOptions). */
  private readonly linkListeners = new Set<(up: boolean) => void>();

  private constructor(
    private readonly nc: NatsConnection,
    private readonly js: JetStreamClient,
    private readonly jsm: JetStreamManager,
    private readonly stream: string,
    private readonly publishTimeoutMs: number,
    private readonly logger: Logger | undefined,
    private readonly durables: {
      prefix: string;
      inactiveThresholdMs: number | undefined;
      deliverFrom?: Date | undefined;
    } = {
      prefix: "",
      inactiveThresholdMs: undefined,
    },
  ) {}

  /** Connects (retrying for ever on later disconnects) and creates or updates the stream. */
  static async connect(options: NatsEventBusOptions): Promise<NatsEventBus> {
    const nc = await connect({
      servers: options.url.split(",").map((server) => server.trim()),
      name: options.name ?? "mercato",
      maxReconnectAttempts: -1,
      reconnectTimeWait: 250,
      pingInterval: 5_000,
    });
    const jsm = await jetstreamManager(nc);
    const stream = options.stream ?? "MERCATO";
    const config = {
      name: stream,
      subjects: options.subjects ?? ["mercato.>"],
      storage: StorageType.File,
      retention: RetentionPolicy.Limits,
      max_age: nanos(options.maxAgeMs ?? 7 * 24 * 3600_000),
      duplicate_window: nanos(options.duplicateWindowMs ?? 120_000),
      num_replicas: options.replicas ?? 1,
    };
    try {
      const info = await jsm.streams.info(stream);
      const subjects = new Set([...(info.config.subjects ?? []), ...config.subjects]);
      const fewer = (info.config.num_replicas ?? 1) < config.num_replicas;
      if (subjects.size !== (info.config.subjects ?? []).length || fewer) {
        await jsm.streams.update(stream, {
          subjects: [...subjects],
          num_replicas: Math.max(info.config.num_replicas ?? 1, config.num_replicas),
        });
      }
    } catch (error) {
      if (!isNotFound(error)) throw error;
      await jsm.streams.add(config);
    }
    const bus = new NatsEventBus(
      nc,
      jetstream(nc),
      jsm,
      stream,
      options.publishTimeoutMs ?? 5_000,
      options.logger,
      {
        prefix: options.durablePrefix ?? "",
        inactiveThresholdMs: options.inactiveThresholdMs,
        deliverFrom: options.deliverFrom,
      },
    );
    void bus.watchStatus();
    return bus;
  }

  async pending(durable: string): Promise<number | undefined> {
    try {
      const info = await this.jsm.consumers.info(
        this.stream,
        natsDurableName(`${this.durables.prefix}${durable}`),
      );
      return info.num_pending + info.num_ack_pending;
    } catch {
      return undefined;
    }
  }

  async publish(event: EventEnvelope): Promise<void> {
    const h = natsHeaders();
    h.set(eventHeaders.type, event.type);
    h.set(eventHeaders.occurredAt, event.occurredAt.toISOString());
    h.set(eventHeaders.correlationId, event.correlationId);
    if (event.traceparent) h.set(eventHeaders.traceparent, event.traceparent);
    await this.js.publish(event.subject, event.payload, {
      msgID: event.id,
      headers: h,
      timeout: this.publishTimeoutMs,
    });
  }

  async consume(
    spec: ConsumeSpec,
    handler: DeliveryHandler,
    batch?: BatchDeliveryHandler,
  ): Promise<Subscription> {
    const durable = natsDurableName(`${this.durables.prefix}${spec.durable}`);
    const config = {
      ...(this.durables.inactiveThresholdMs === undefined
        ? {}
        : { inactive_threshold: nanos(this.durables.inactiveThresholdMs) }),
      durable_name: durable,
      ack_policy: AckPolicy.Explicit,
      ...startPolicy(spec.startAt, this.durables.deliverFrom),
      filter_subject: spec.subject,
      ack_wait: nanos(spec.ackWaitMs ?? 30_000),
      max_deliver: -1,
    };
    try {
      const info = await this.jsm.consumers.info(this.stream, durable);
      if (info.config.filter_subject !== spec.subject || info.config.ack_wait !== config.ack_wait) {
        await this.jsm.consumers.update(this.stream, durable, {
          filter_subject: spec.subject,
          ack_wait: config.ack_wait,
        });
      }
    } catch (error) {
      if (!isNotFound(error)) throw error;
      await this.jsm.consumers.add(this.stream, config);
    }
    const consumer = await this.js.consumers.get(this.stream, durable);
    const messages = await consumer.consume({ max_messages: 64, expires: 5_000 });
    const done = batch
      ? this.deliverInBatches(messages, spec, handler, batch)
      : (async () => {
          for await (const msg of messages) await this.deliver(msg, spec, handler);
        })();
    const subscription = {
      stop: async () => {
        this.subscriptions.delete(subscription);
        await messages.close();
        await done.catch(() => {});
      },
    };
    this.subscriptions.add(subscription);
    return subscription;
  }

  /**
   * A plain core NATS subscription on `subject`: JetStream's publish is a core publish the stream
   * captures, so core subscribers see each event as it is published, with no consumer on the
   * server. At most once; an outbox relay publishing an event again reaches it again (same id).
   */
  async subscribeEphemeral(
    subject: string,
    handler: EphemeralHandler,
    options: EphemeralOptions = {},
  ): Promise<Subscription> {
    const sub = this.nc.subscribe(subject, {
      callback: (error, msg) => {
        if (error) {
          this.logger?.warn({ err: error, subject }, "ephemeral subscription failed");
          return;
        }
        // Requests and JetStream's own traffic carry no event headers: only events are passed on.
        const type = msg.headers?.get(eventHeaders.type);
        if (!type) return;
        const event = envelopeOf(msg.subject, msg.headers, msg.data, randomUUID());
        void (async () => handler(event))().catch((err: unknown) =>
          this.logger?.warn({ err, eventId: event.id }, "ephemeral event handler failed"),
        );
      },
    });
    // The server knows of the subscription once this flush returns: events published after it reach it.
    await this.nc.flush();
    const onLink = options.onLink;
    if (onLink) this.linkListeners.add(onLink);
    const subscription = {
      stop: async () => {
        this.subscriptions.delete(subscription);
        if (onLink) this.linkListeners.delete(onLink);
        if (!sub.isClosed()) sub.unsubscribe();
      },
    };
    this.subscriptions.add(subscription);
    return subscription;
  }

  async ping(): Promise<void> {
    if (this.nc.isClosed()) throw new Error("NATS connection is closed");
    await this.nc.flush();
    await this.jsm.streams.info(this.stream);
  }

  async close(): Promise<void> {
    for (const subscription of [...this.subscriptions]) await subscription.stop();
    if (!this.nc.isClosed()) await this.nc.drain();
  }

  private async deliver(msg: JsMsg, spec: ConsumeSpec, handler: DeliveryHandler): Promise<void> {
    const attempt = msg.info.deliveryCount;
    const event = envelopeOf(msg.subject, msg.headers, msg.data, `${this.stream}:${msg.seq}`);
    try {
      await handler(event, attempt);
      msg.ack();
    } catch (error) {
      const delay = backoffFor(spec.backoffMs, attempt);
      this.logger?.warn(
        { err: error, eventId: event.id, attempt, delayMs: delay },
        "event delivery failed, will retry",
      );
      msg.nak(delay);
    }
  }

  /**
   * Reads `messages` ahead into a small buffer (at most `maxBatch`, so none waits long enough to
   * pass its ack wait) and hands what is waiting to `batch` together, a lone message to `handler`.
   */
  private async deliverInBatches(
    messages: AsyncIterable<JsMsg>,
    spec: ConsumeSpec,
    handler: DeliveryHandler,
    batch: BatchDeliveryHandler,
  ): Promise<void> {
    const maxBatch = Math.max(1, spec.maxBatch ?? 32);
    const waiting: JsMsg[] = [];
    let ended = false;
    let wake: (() => void) | undefined;
    let room: (() => void) | undefined;
    const reading = (async () => {
      try {
        for await (const msg of messages) {
          waiting.push(msg);
          wake?.();
          while (waiting.length >= maxBatch && !ended) await new Promise<void>((r) => (room = r));
        }
      } finally {
        ended = true;
        wake?.();
      }
    })();
    for (;;) {
      if (ended) {
        // Stopped: what was read ahead goes back now, for another replica, not after its ack wait.
        for (const msg of waiting.splice(0)) msg.nak();
        break;
      }
      if (waiting.length === 0) {
        await new Promise<void>((r) => (wake = r));
        wake = undefined;
        continue;
      }
      const taken = waiting.splice(0, maxBatch);
      room?.();
      room = undefined;
      const [only] = taken;
      if (taken.length === 1 && only) await this.deliver(only, spec, handler);
      else await this.deliverBatch(taken, spec, batch);
    }
    await reading;
  }

  private async deliverBatch(msgs: JsMsg[], spec: ConsumeSpec, batch: BatchDeliveryHandler): Promise<void> {
    const deliveries = msgs.map((msg) => ({
      event: envelopeOf(msg.subject, msg.headers, msg.data, `${this.stream}:${msg.seq}`),
      attempt: msg.info.deliveryCount,
    }));
    let acked: readonly boolean[] = [];
    try {
      acked = await batch(deliveries);
    } catch (error) {
      this.logger?.warn({ err: error, events: deliveries.length }, "event batch failed, will retry");
    }
    msgs.forEach((msg, i) => {
      if (acked[i] === true) msg.ack();
      else msg.nak(backoffFor(spec.backoffMs, deliveries[i]?.attempt ?? 1));
    });
  }

  private async watchStatus(): Promise<void> {
    for await (const status of this.nc.status()) {
      if (status.type === "disconnect" || status.type === "reconnect") {
        this.logger?.warn({ nats: status.type }, `NATS ${status.type}`);
        // Core subscriptions keep nothing while the connection is away.
        for (const onLink of this.linkListeners) onLink(status.type === "reconnect");
      }
    }
  }
}

/** The envelope of a message from its headers; `fallbackId` when it carries no `Nats-Msg-Id`. */
function envelopeOf(
  subject: string,
  h: MsgHdrs | undefined,
  payload: Uint8Array,
  fallbackId: string,
): EventEnvelope {
  return {
    id: h?.get("Nats-Msg-Id") || fallbackId,
    subject,
    type: h?.get(eventHeaders.type) ?? "",
    occurredAt: new Date(h?.get(eventHeaders.occurredAt) || Date.now()),
    correlationId: h?.get(eventHeaders.correlationId) ?? "",
    traceparent: h?.get(eventHeaders.traceparent) || undefined,
    payload,
  };
}

/** Where a new durable starts: the later of the consumer's start and the bus's floor, or the stream's first event. */
function startPolicy(
  startAt: Date | undefined,
  floor: Date | undefined,
): { deliver_policy: DeliverPolicy; opt_start_time?: string } {
  const from = [startAt, floor].reduce<Date | undefined>(
    (latest, time) => (time && (!latest || time > latest) ? time : latest),
    undefined,
  );
  return from
    ? { deliver_policy: DeliverPolicy.StartTime, opt_start_time: from.toISOString() }
    : { deliver_policy: DeliverPolicy.All };
}

function isNotFound(error: unknown): boolean {
  const e = error as { code?: unknown; api_error?: { err_code?: number }; message?: string };
  return (
    e?.api_error?.err_code === 10059 ||
    e?.api_error?.err_code === 10014 ||
    e?.code === "404" ||
    /not found/i.test(e?.message ?? "")
  );
}
