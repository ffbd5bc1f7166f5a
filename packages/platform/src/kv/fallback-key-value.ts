import type { Logger } from "pino";
import {
  type KeyValue,
  type KeyValueIncrementOptions,
  type KeyValueSetOptions,
  KeyValueUnavailable,
} from "./key-value.js";
import { MemoryKeyValue } from "./memory-key-value.js";

/** Options of `FallbackKeyValue`. */
export interface FallbackKeyValueOptions {
  /** Where calls go while the primary is unavailable; default a `MemoryKeyValue` of this process, closed by `close`. */
  fallback?: KeyValue;
  /** Hears once when the primary stops answering (warn) and once when it answers again (info). */
  logger?: Logger;
  /** What the fallback means for the caller, appended to the warning, e.g. "limits count per replica". */
  consequence?: string;
}

/**
 * A `KeyValue` that never fails because its primary store is unavailable: each call goes to the
 * primary, and one it could not answer (`KeyValueUnavailable`) goes to the fallback instead (ADR
 * 0027). The two are never reconciled: what was written to one is not seen in the other, so this
 * suits counters and hints that may restart from nothing, not data that must be read back.
 */
export class FallbackKeyValue implements KeyValue {
  readonly #fallback: KeyValue;
  readonly #ownsFallback: boolean;
  #degraded = false;

  /** Wraps `primary`, which stays open on `close`. */
  constructor(
    private readonly primary: KeyValue,
    private readonly options: FallbackKeyValueOptions = {},
  ) {
    this.#fallback = options.fallback ?? new MemoryKeyValue();
    this.#ownsFallback = options.fallback === undefined;
  }

  /** True while the last call to the primary found it unavailable. */
  get degraded(): boolean {
    return this.#degraded;
  }

  get(key: string): Promise<string | undefined> {
    return this.#call((kv) => kv.get(key));
  }

  set(key: string, value: string, options?: KeyValueSetOptions): Promise<void> {
    return this.#call((kv) => kv.set(key, value, options));
  }

  setIfAbsent(key: string, value: string, options?: KeyValueSetOptions): Promise<boolean> {
    return this.#call((kv) => kv.setIfAbsent(key, value, options));
  }

  delete(key: string): Promise<boolean> {
    return this.#call((kv) => kv.delete(key));
  }

  increment(key: string, options?: KeyValueIncrementOptions): Promise<number> {
    return this.#call((kv) => kv.increment(key, options));
  }

  ttl(key: string): Promise<number | undefined> {
    return this.#call((kv) => kv.ttl(key));
  }

  async close(): Promise<void> {
    if (this.#ownsFallback) await this.#fallback.close();
  }

  async #call<T>(operation: (kv: KeyValue) => Promise<T>): Promise<T> {
    let result: T;
    try {
      result = await operation(this.primary);
    } catch (error) {
      if (!(error instanceof KeyValueUnavailable)) throw error;
      if (!this.#degraded) {
        this.#degraded = true;
        const consequence = this.options.consequence ? `; ${this.options.consequence}` : "";
        this.options.logger?.warn(
          { err: error },
          `key-value store unavailable, using the fallback until it answers${consequence}`,
        );
      }
      return operation(this.#fallback);
    }
    if (this.#degraded) {
      this.#degraded = false;
      this.options.logger?.info("key-value store answers again, fallback no longer used");
    }
    return result;
  }
}
