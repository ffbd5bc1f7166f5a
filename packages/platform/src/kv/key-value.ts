/** Options of `KeyValue.set` and `KeyValue.setIfAbsent`. */
export interface KeyValueSetOptions {
  /** Time to live in ms, a positive integer; no expiry when omitted. */
  ttlMs?: number;
}

/** Options of `KeyValue.increment`. */
export interface KeyValueIncrementOptions {
  /** Amount to add, a safe integer (may be negative); default 1. */
  by?: number;
  /** Time to live in ms, applied only when this call creates the key. */
  ttlMs?: number;
}

/** A key-value store with per-key expiry, used for OTP throttles, rate limits, reservation TTLs and caches. */
export interface KeyValue {
  /** The value, or undefined when the key is absent or expired. */
  get(key: string): Promise<string | undefined>;
  /** Sets a value; ttlMs = time to live in milliseconds (no expiry when omitted; an existing expiry is cleared). */
  set(key: string, value: string, options?: KeyValueSetOptions): Promise<void>;
  /** Sets only when the key is absent; returns true when it was set. */
  setIfAbsent(key: string, value: string, options?: KeyValueSetOptions): Promise<boolean>;
  /** Deletes; returns true when the key existed. */
  delete(key: string): Promise<boolean>;
  /** Atomically adds `by` (default 1) to an integer value (absent = 0) and returns the new value; ttlMs applies only when the key is created by this call. */
  increment(key: string, options?: KeyValueIncrementOptions): Promise<number>;
  /** Remaining time to live in ms; undefined when the key is absent or has no expiry. */
  ttl(key: string): Promise<number | undefined>;
  /** Releases the store's resources; later calls reject. Idempotent. */
  close(): Promise<void>;
}

/**
 * The store did not answer (down, unreachable, too slow): the call may or may not have taken effect.
 * Callers that can do without the store catch this and fall back (ADR 0027); a command the store
 * refused (a non-integer to increment) is another error.
 */
export class KeyValueUnavailable extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "KeyValueUnavailable";
  }
}
