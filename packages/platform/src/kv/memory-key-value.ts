import type { KeyValue, KeyValueIncrementOptions, KeyValueSetOptions } from "./key-value.js";
import { checkIncrementBy, checkTtlMs, closedError } from "./options.js";

/** Options of `MemoryKeyValue`. */
export interface MemoryKeyValueOptions {
  /** How often expired entries are swept from memory, in ms; default 30000. */
  sweepIntervalMs?: number;
  /** Monotonic clock in ms; default `performance.now`. Tests may pass a fake one. */
  now?: () => number;
}

interface Entry {
  value: string;
  /** Clock reading at which the entry expires; undefined = never. */
  expiresAt: number | undefined;
}

/** Integers as Redis INCRBY accepts them: no sign on zero, no leading zeros, no plus sign. */
const integerPattern = /^(?:0|-?[1-9]\d*)$/;

/** In-process `KeyValue` for the embedded host and tests: expiry is checked on read and swept periodically. */
export class MemoryKeyValue implements KeyValue {
  readonly #entries = new Map<string, Entry>();
  readonly #now: () => number;
  readonly #sweeper: NodeJS.Timeout;
  #closed = false;

  constructor(options: MemoryKeyValueOptions = {}) {
    this.#now = options.now ?? (() => performance.now());
    this.#sweeper = setInterval(() => this.#sweep(), options.sweepIntervalMs ?? 30_000);
    this.#sweeper.unref();
  }

  /** Number of stored entries, including expired ones not yet swept. */
  get size(): number {
    return this.#entries.size;
  }

  async get(key: string): Promise<string | undefined> {
    return this.#live(key)?.value;
  }

  async set(key: string, value: string, options: KeyValueSetOptions = {}): Promise<void> {
    checkTtlMs(options.ttlMs);
    this.#open();
    this.#entries.set(key, { value, expiresAt: this.#expiry(options.ttlMs) });
  }

  async setIfAbsent(key: string, value: string, options: KeyValueSetOptions = {}): Promise<boolean> {
    checkTtlMs(options.ttlMs);
    if (this.#live(key)) return false;
    this.#entries.set(key, { value, expiresAt: this.#expiry(options.ttlMs) });
    return true;
  }

  async delete(key: string): Promise<boolean> {
    return this.#live(key) !== undefined && this.#entries.delete(key);
  }

  async increment(key: string, options: KeyValueIncrementOptions = {}): Promise<number> {
    const by = checkIncrementBy(options.by);
    checkTtlMs(options.ttlMs);
    const entry = this.#live(key);
    if (entry && !integerPattern.test(entry.value)) {
      throw new RangeError(`value of "${key}" is not an integer`);
    }
    const next = (entry ? Number(entry.value) : 0) + by;
    if (!Number.isSafeInteger(next)) throw new RangeError(`incrementing "${key}" by ${by} is out of range`);
    // Like Redis INCRBY: an existing key keeps its expiry, only a new key gets ttlMs.
    this.#entries.set(key, {
      value: String(next),
      expiresAt: entry ? entry.expiresAt : this.#expiry(options.ttlMs),
    });
    return next;
  }

  async ttl(key: string): Promise<number | undefined> {
    const expiresAt = this.#live(key)?.expiresAt;
    return expiresAt === undefined ? undefined : Math.ceil(expiresAt - this.#now());
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#sweeper);
    this.#entries.clear();
  }

  #open(): void {
    if (this.#closed) throw closedError("MemoryKeyValue");
  }

  #expiry(ttlMs: number | undefined): number | undefined {
    return ttlMs === undefined ? undefined : this.#now() + ttlMs;
  }

  /** The entry when present and unexpired; an expired one is deleted on the way. */
  #live(key: string): Entry | undefined {
    this.#open();
    const entry = this.#entries.get(key);
    if (entry?.expiresAt !== undefined && entry.expiresAt <= this.#now()) {
      this.#entries.delete(key);
      return undefined;
    }
    return entry;
  }

  #sweep(): void {
    const now = this.#now();
    for (const [key, entry] of this.#entries) {
      if (entry.expiresAt !== undefined && entry.expiresAt <= now) this.#entries.delete(key);
    }
  }
}
