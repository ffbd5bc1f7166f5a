import { ServiceUnavailable } from "../errors/errors.js";

/** Options of CircuitBreaker. */
export interface CircuitBreakerOptions {
  /** Consecutive failures that open the circuit; default 5. */
  failureThreshold?: number;
  /** How long an open circuit fails fast before letting one trial call through; default 5 000 ms. */
  openMs?: number;
  now?: () => number;
}

/** closed: calls flow; open: calls fail fast; half-open: one trial call decides. */
export type CircuitState = "closed" | "open" | "half-open";

/**
 * Stops calling a dependency that keeps failing, so callers get a quick ServiceUnavailable instead
 * of waiting for timeouts, and probes it again after a pause.
 */
export class CircuitBreaker {
  private failures = 0;
  private openedAt = 0;
  private trial = false;
  private readonly threshold: number;
  private readonly openMs: number;
  private readonly now: () => number;

  constructor(
    readonly name: string,
    options: CircuitBreakerOptions = {},
  ) {
    this.threshold = options.failureThreshold ?? 5;
    this.openMs = options.openMs ?? 5_000;
    this.now = options.now ?? Date.now;
  }

  get state(): CircuitState {
    if (this.failures < this.threshold) return "closed";
    return this.now() - this.openedAt >= this.openMs ? "half-open" : "open";
  }

  /**
   * Runs `fn` unless the circuit is open. `isFailure` says which errors count against the
   * dependency (a NotFound, say, means it is healthy).
   */
  async run<T>(fn: () => Promise<T>, isFailure: (error: unknown) => boolean): Promise<T> {
    const state = this.state;
    if (state === "open" || (state === "half-open" && this.trial)) {
      throw new ServiceUnavailable(`${this.name} is unavailable (circuit open)`);
    }
    if (state === "half-open") this.trial = true;
    try {
      const result = await fn();
      this.failures = 0;
      return result;
    } catch (error) {
      if (isFailure(error)) {
        this.failures++;
        if (this.failures >= this.threshold) this.openedAt = this.now();
      } else {
        this.failures = 0;
      }
      throw error;
    } finally {
      if (state === "half-open") this.trial = false;
    }
  }
}
