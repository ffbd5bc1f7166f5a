// Live updates (ADR 0039): GraphQL subscriptions over WebSocket, fed by an ephemeral subscription
// of this replica on the bus, each event handed to the connected clients it belongs to.
import { EventEmitter } from "node:events";
import type { Readable } from "node:stream";
import type { Caller } from "@mercato/platform/context";
import { DomainError, ResourceExhausted, ServiceUnavailable } from "@mercato/platform/errors";
import { GraphQLError } from "graphql";
import type { Logger } from "pino";
import { resolveError } from "./envelope.js";
import { type LiveDelivery, type LiveEvent, type LiveFeed, liveTopic } from "./live-feed.js";
import { type GraphqlContext, requireCaller } from "./module.js";

/** Most subscriptions one WebSocket connection holds at once. */
export const maxSubscriptionsPerConnection = 5;
/** Most WebSocket connections one user holds at once on one gateway replica. */
export const maxConnectionsPerUser = 20;
/** How long a WebSocket may stay open without its connection_init (then closed with 4408). */
export const connectionInitTimeoutMs = 10_000;
/** Most updates buffered for one subscription whose client reads too slowly; past it the subscription completes. */
export const maxQueuedUpdates = 100;

/** The bus as live updates need it: an ephemeral subscription (the platform's EventBus.subscribeEphemeral). */
export interface LiveEventSource {
  subscribeEphemeral(
    subject: string,
    handler: (event: LiveEvent) => void | Promise<void>,
    options?: { onLink?: ((up: boolean) => void) | undefined },
  ): Promise<{ stop(): Promise<void> }>;
}

/** A subscription's queue as Mercurius hands it to a pubsub: it calls each `close` when the subscription ends. */
type Queue = Readable & { close?: (() => void)[] };

/**
 * The Mercurius pubsub of one replica: topics in a map, each listener a subscription's queue.
 * Nothing crosses replicas here: each one takes every event from the bus itself.
 */
export class TopicPubSub {
  /** Mercurius's CustomPubSub type asks for one; topics do not go through it. */
  readonly emitter = new EventEmitter();
  private readonly topics = new Map<string, Set<(payload: unknown) => void>>();

  /** Adds `queue` to `topic`; `release` runs once when the subscription ends. */
  async subscribe(topic: string | string[], queue: Queue, release?: () => void): Promise<void> {
    for (const name of Array.isArray(topic) ? topic : [topic]) {
      const listener = (payload: unknown) => {
        if (queue.destroyed || queue.readableEnded) return;
        // A client that does not read: end its subscription rather than buffer without bound.
        if (queue.readableLength >= maxQueuedUpdates) queue.push(null);
        else queue.push(payload);
      };
      let listeners = this.topics.get(name);
      if (!listeners) {
        listeners = new Set();
        this.topics.set(name, listeners);
      }
      listeners.add(listener);
      queue.close ??= [];
      queue.close.push(() => {
        const set = this.topics.get(name);
        set?.delete(listener);
        if (set?.size === 0) this.topics.delete(name);
      });
    }
    if (release) queue.close?.push(release);
  }

  publish(event: { topic: string; payload: unknown }, callback?: () => void): void {
    for (const listener of [...(this.topics.get(event.topic) ?? [])]) listener(event.payload);
    callback?.();
  }

  /** How many subscriptions listen on `topic`. */
  listeners(topic: string): number {
    return this.topics.get(topic)?.size ?? 0;
  }
}

/** Recent event ids kept to drop a repeated delivery (an outbox relay publishing an event again). */
const rememberedIds = 1_000;

/** Takes the feeds' subjects from the bus and publishes each event to the topics its feed names. */
export class LiveHub {
  private readonly running: { stop(): Promise<void> }[] = [];
  private readonly seen = new Set<string>();

  constructor(
    private readonly pubsub: TopicPubSub,
    private readonly feeds: readonly LiveFeed[],
    private readonly logger: Logger,
  ) {}

  async start(source: LiveEventSource): Promise<void> {
    for (const feed of this.feeds)
      this.running.push(await source.subscribeEphemeral(feed.subject, (event) => this.deliver(feed, event)));
  }

  async stop(): Promise<void> {
    for (const subscription of this.running.splice(0)) await subscription.stop();
  }

  /** Publishes one event to its topics, once per event id. */
  deliver(feed: LiveFeed, event: LiveEvent): void {
    const key = `${event.subject} ${event.id}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    if (this.seen.size > rememberedIds) this.seen.delete(this.seen.values().next().value as string);
    let deliveries: readonly LiveDelivery[];
    try {
      deliveries = feed.route(event);
    } catch (error) {
      this.logger.warn(
        { err: error, eventId: event.id, subject: event.subject },
        "live update not decodable",
      );
      return;
    }
    for (const delivery of deliveries) this.pubsub.publish(delivery);
  }
}

/** One authenticated WebSocket connection. */
export interface LiveSession {
  caller: Caller;
  /** Subscriptions it holds now. */
  subscriptions: number;
  /** When its token expires (epoch ms); its subscriptions complete then. */
  expiresAt: number | undefined;
  /** Whether this gateway takes events from a bus; without one, subscribing answers SERVICE_UNAVAILABLE. */
  enabled: boolean;
  /** Aborted when the connection closes. */
  abort: AbortController;
  closed: boolean;
}

/** The authenticated connections of one replica, counted per user. */
export class LiveSessions {
  private readonly perUser = new Map<string, number>();

  /** A session for `caller`, or undefined when the user already holds `maxConnectionsPerUser`. */
  open(caller: Caller, expiresAt: number | undefined, enabled: boolean): LiveSession | undefined {
    const held = this.perUser.get(caller.id) ?? 0;
    if (held >= maxConnectionsPerUser) return undefined;
    this.perUser.set(caller.id, held + 1);
    return { caller, subscriptions: 0, expiresAt, enabled, abort: new AbortController(), closed: false };
  }

  /** Ends a session (once, however often the connection reports its close). */
  close(session: LiveSession): void {
    if (session.closed) return;
    session.closed = true;
    session.abort.abort(new Error("connection closed"));
    const held = (this.perUser.get(session.caller.id) ?? 1) - 1;
    if (held <= 0) this.perUser.delete(session.caller.id);
    else this.perUser.set(session.caller.id, held);
  }

  /** How many connections `userId` holds. */
  connections(userId: string): number {
    return this.perUser.get(userId) ?? 0;
  }
}

declare module "mercurius" {
  interface MercuriusContext {
    /** The WebSocket connection's session; set on subscriptions only. */
    live?: LiveSession;
  }
}

/** Longest a timer may wait (setTimeout's limit, about 24 days). */
const maxTimerMs = 2_147_483_647;

/**
 * The source stream of a subscription field: the signed-in caller's own topic of `field` (the
 * user id comes from the connection's token, never from the client), within the connection's
 * subscription limit; it completes when the token expires. Refusals carry their code.
 */
export async function subscribeLive<Payload>(
  context: GraphqlContext,
  field: string,
): Promise<AsyncIterable<Payload>> {
  try {
    const caller = requireCaller(context.ctx);
    const session = context.live;
    if (!session?.enabled)
      throw new ServiceUnavailable("live updates are off: this gateway takes no events from a bus");
    if (session.subscriptions >= maxSubscriptionsPerConnection)
      throw new ResourceExhausted(
        `a connection holds at most ${maxSubscriptionsPerConnection} subscriptions: complete one first`,
      );
    session.subscriptions++;
    let timer: NodeJS.Timeout | undefined;
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      session.subscriptions--;
      if (timer) clearTimeout(timer);
    };
    try {
      const queue: Readable & AsyncIterable<Payload> = await context.pubsub.subscribe(
        liveTopic(field, caller.id),
        release,
      );
      if (session.expiresAt !== undefined) {
        timer = setTimeout(
          () => queue.push(null),
          Math.min(Math.max(0, session.expiresAt - Date.now()), maxTimerMs),
        );
        timer.unref();
      }
      return queue;
    } catch (error) {
      release();
      throw error;
    }
  } catch (error) {
    throw graphqlError(error);
  }
}

/** A refusal as a GraphQL error with the code REST would answer (graphql-js keeps its extensions). */
export function graphqlError(error: unknown): GraphQLError {
  if (error instanceof GraphQLError) return error;
  const resolved = resolveError(error);
  const message = error instanceof DomainError ? error.message : resolved.message;
  return new GraphQLError(message, { extensions: { code: resolved.code } });
}
