import { Redis, type RedisOptions, ReplyError } from "ioredis";
import type { Logger } from "pino";
import {
  type KeyValue,
  type KeyValueIncrementOptions,
  type KeyValueSetOptions,
  KeyValueUnavailable,
} from "./key-value.js";
import { checkIncrementBy, checkTtlMs, closedError } from "./options.js";

/** Bounds of every command a Redis client sends (ADR 0027). */
export interface RedisBounds {
  /** How long a command may wait for its answer before it fails, in ms; default 500. */
  commandTimeoutMs?: number;
  /** How long a TCP connect may take, in ms; default 1000. */
  connectTimeoutMs?: number;
}

/**
 * ioredis options under which no command waits longer than `commandTimeoutMs` (ADR 0027): no offline
 * queue (a command fails at once while the connection is down), a connection that answers nothing
 * for twice that long is dropped (a hung server), and reconnection goes on in the background, at
 * most a second apart, for ever. A command whose caller has given up is never sent again later.
 */
export function boundedRedisOptions(bounds: RedisBounds = {}) {
  const commandTimeout = bounds.commandTimeoutMs ?? 500;
  return {
    commandTimeout,
    socketTimeout: 2 * commandTimeout,
    connectTimeout: bounds.connectTimeoutMs ?? 1_000,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    autoResendUnfulfilledCommands: false,
    retryStrategy: (attempt: number) => Math.min(attempt * 100, 1_000),
  } satisfies RedisOptions;
}

/** How `RedisKeyValue` reaches Redis: its own bounded connection from a URL, or a client the caller owns and closes. */
export type RedisKeyValueOptions =
  | ({ url: string; keyPrefix?: string; logger?: Logger } & RedisBounds)
  | { client: Redis; keyPrefix?: string };

/**
 * `KeyValue` on Redis (ioredis) for the distributed deployment; every key is stored as `keyPrefix + key`.
 * On its own connection every command is bounded (`boundedRedisOptions`); a command Redis did not
 * answer rejects with `KeyValueUnavailable`, and the logger hears once when Redis goes and comes back.
 */
export class RedisKeyValue implements KeyValue {
  readonly #client: Redis;
  readonly #ownsClient: boolean;
  readonly #prefix: string;
  #closed = false;
  /** Until the first connection attempt ends, a command waits for it (bounded) instead of failing. */
  #firstConnect: Promise<void> | undefined;

  /** Takes `{ url, keyPrefix?, logger?, bounds }` (connection owned and closed by `close`) or an existing client (left open). */
  constructor(source: RedisKeyValueOptions | Redis) {
    if (source instanceof Redis) {
      this.#client = source;
      this.#ownsClient = false;
      this.#prefix = "";
    } else if ("client" in source) {
      this.#client = source.client;
      this.#ownsClient = false;
      this.#prefix = source.keyPrefix ?? "";
    } else {
      const options = boundedRedisOptions(source);
      this.#client = new Redis(source.url, options);
      this.#ownsClient = true;
      this.#prefix = source.keyPrefix ?? "";
      this.#watch(this.#client, options.commandTimeout, source.logger);
    }
  }

  async get(key: string): Promise<string | undefined> {
    return (await this.#run((redis) => redis.get(this.#key(key)))) ?? undefined;
  }

  async set(key: string, value: string, options: KeyValueSetOptions = {}): Promise<void> {
    checkTtlMs(options.ttlMs);
    const { ttlMs } = options;
    await this.#run((redis) =>
      ttlMs === undefined ? redis.set(this.#key(key), value) : redis.set(this.#key(key), value, "PX", ttlMs),
    );
  }

  async setIfAbsent(key: string, value: string, options: KeyValueSetOptions = {}): Promise<boolean> {
    checkTtlMs(options.ttlMs);
    const { ttlMs } = options;
    const reply = await this.#run((redis) =>
      ttlMs === undefined
        ? redis.set(this.#key(key), value, "NX")
        : redis.set(this.#key(key), value, "PX", ttlMs, "NX"),
    );
    return reply === "OK";
  }

  async delete(key: string): Promise<boolean> {
    return (await this.#run((redis) => redis.del(this.#key(key)))) > 0;
  }

  async increment(key: string, options: KeyValueIncrementOptions = {}): Promise<number> {
    const by = checkIncrementBy(options.by);
    checkTtlMs(options.ttlMs);
    const { ttlMs } = options;
    const fullKey = this.#key(key);
    if (ttlMs === undefined) return await this.#run((redis) => redis.incrby(fullKey, by));
    // MULTI runs both commands atomically: SET NX creates the key at 0 with the expiry only when
    // it is absent, so the TTL never lands on an existing counter and no window leaves it unset.
    const replies = await this.#run((redis) =>
      redis.multi().set(fullKey, "0", "PX", ttlMs, "NX").incrby(fullKey, by).exec(),
    );
    const reply = replies?.[1];
    if (!reply) throw new KeyValueUnavailable(`increment of "${key}" was aborted by Redis`);
    const [error, value] = reply;
    if (error) throw error;
    return Number(value);
  }

  async ttl(key: string): Promise<number | undefined> {
    // PTTL answers -2 for a missing key and -1 for a key without expiry.
    const remaining = await this.#run((redis) => redis.pttl(this.#key(key)));
    return remaining < 0 ? undefined : remaining;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (!this.#ownsClient) return;
    if (this.#client.status !== "ready") {
      // QUIT cannot be sent without a connection; stop reconnecting instead.
      this.#client.disconnect();
      return;
    }
    try {
      await this.#client.quit();
    } catch {
      // QUIT fails when the connection is already gone; make sure no reconnect is left running.
      this.#client.disconnect();
    }
  }

  /** Runs one command; anything but an answer from Redis (a refusal of the command) becomes `KeyValueUnavailable`. */
  async #run<T>(command: (redis: Redis) => Promise<T>): Promise<T> {
    if (this.#closed) throw closedError("RedisKeyValue");
    if (this.#firstConnect) await this.#firstConnect;
    try {
      return await command(this.#client);
    } catch (error) {
      if (error instanceof ReplyError) throw error;
      throw new KeyValueUnavailable(
        `Redis did not answer: ${error instanceof Error ? error.message : String(error)}`,
        { cause: error },
      );
    }
  }

  /**
   * Commands sent right after construction wait (at most `waitMs`) for the first connection, since
   * without an offline queue they would fail; outages are logged.
   */
  #watch(client: Redis, waitMs: number, logger: Logger | undefined): void {
    const connected = new Promise<void>((resolve) => {
      const settle = () => {
        clearTimeout(timer);
        client.off("ready", settle);
        client.off("close", settle);
        resolve();
      };
      const timer = setTimeout(settle, waitMs);
      client.on("ready", settle);
      client.on("close", settle);
    });
    this.#firstConnect = connected.then(() => {
      this.#firstConnect = undefined;
    });
    reportRedisOutages(client, logger, () => this.#closed);
  }

  #key(key: string): string {
    return this.#prefix + key;
  }
}

/**
 * Logs once when `client` loses Redis (warn) and once when it has it again (info), however many
 * reconnect attempts fail in between; until `closed()` says the owner closed it on purpose.
 */
export function reportRedisOutages(client: Redis, logger: Logger | undefined, closed = () => false): void {
  let warned = false;
  const down = (error: Error | undefined) => {
    if (warned || closed()) return;
    warned = true;
    logger?.warn(
      error ? { err: error } : {},
      "redis is not answering; calls to it fail fast until it returns",
    );
  };
  client.on("ready", () => {
    if (warned) logger?.info("redis is answering again");
    warned = false;
  });
  client.on("error", (error: Error) => down(error));
  client.on("close", () => down(undefined));
}
