import { Redis } from "ioredis";
import type { KeyValue, KeyValueIncrementOptions, KeyValueSetOptions } from "./key-value.js";
import { checkIncrementBy, checkTtlMs, closedError } from "./options.js";

/** How `RedisKeyValue` reaches Redis: its own connection from a URL, or a client the caller owns and closes. */
export type RedisKeyValueOptions =
  | { url: string; keyPrefix?: string }
  | { client: Redis; keyPrefix?: string };

/** `KeyValue` on Redis (ioredis) for the distributed deployment; every key is stored as `keyPrefix + key`. */
export class RedisKeyValue implements KeyValue {
  readonly #client: Redis;
  readonly #ownsClient: boolean;
  readonly #prefix: string;
  #closed = false;

  /** Takes `{ url, keyPrefix? }` (connection owned and closed by `close`) or an existing client (left open). */
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
      this.#client = new Redis(source.url);
      this.#ownsClient = true;
      this.#prefix = source.keyPrefix ?? "";
    }
  }

  async get(key: string): Promise<string | undefined> {
    return (await this.#redis().get(this.#key(key))) ?? undefined;
  }

  async set(key: string, value: string, options: KeyValueSetOptions = {}): Promise<void> {
    checkTtlMs(options.ttlMs);
    const redis = this.#redis();
    if (options.ttlMs === undefined) await redis.set(this.#key(key), value);
    else await redis.set(this.#key(key), value, "PX", options.ttlMs);
  }

  async setIfAbsent(key: string, value: string, options: KeyValueSetOptions = {}): Promise<boolean> {
    checkTtlMs(options.ttlMs);
    const redis = this.#redis();
    const reply =
      options.ttlMs === undefined
        ? await redis.set(this.#key(key), value, "NX")
        : await redis.set(this.#key(key), value, "PX", options.ttlMs, "NX");
    return reply === "OK";
  }

  async delete(key: string): Promise<boolean> {
    return (await this.#redis().del(this.#key(key))) > 0;
  }

  async increment(key: string, options: KeyValueIncrementOptions = {}): Promise<number> {
    const by = checkIncrementBy(options.by);
    checkTtlMs(options.ttlMs);
    const redis = this.#redis();
    const fullKey = this.#key(key);
    if (options.ttlMs === undefined) return await redis.incrby(fullKey, by);
    // MULTI runs both commands atomically: SET NX creates the key at 0 with the expiry only when
    // it is absent, so the TTL never lands on an existing counter and no window leaves it unset.
    const replies = await redis
      .multi()
      .set(fullKey, "0", "PX", options.ttlMs, "NX")
      .incrby(fullKey, by)
      .exec();
    const reply = replies?.[1];
    if (!reply) throw new Error(`increment of "${key}" was aborted by Redis`);
    const [error, value] = reply;
    if (error) throw error;
    return Number(value);
  }

  async ttl(key: string): Promise<number | undefined> {
    // PTTL answers -2 for a missing key and -1 for a key without expiry.
    const remaining = await this.#redis().pttl(this.#key(key));
    return remaining < 0 ? undefined : remaining;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (!this.#ownsClient) return;
    try {
      await this.#client.quit();
    } catch {
      // QUIT fails when the connection is already gone; make sure no reconnect is left running.
      this.#client.disconnect();
    }
  }

  #redis(): Redis {
    if (this.#closed) throw closedError("RedisKeyValue");
    return this.#client;
  }

  #key(key: string): string {
    return this.#prefix + key;
  }
}
