import {
  type CircuitBreakerPolicy,
  ConsecutiveBreaker,
  circuitBreaker,
  handleWhen,
  isBrokenCircuitError,
  CircuitState as PolicyState,
} from "cockatiel";
import { ServiceUnavailable } from "../errors/errors.js";
import { isOwnFailure } from "./failures.js";

/** Options of CircuitBreaker. */
export interface CircuitBreakerOptions {
  /** Consecutive failures that open the circuit; default 5. */
  failureThreshold?: number;
  /** How long an open circuit fails fast before it turns half-open; default 5 000 ms. */
  openMs?: number;
  /** Trial calls a half-open circuit lets through at once; all must succeed to close it; default 3. */
  halfOpenCalls?: number;
  /** Which errors count against the service; default isOwnFailure (not a refusal, not a relayed outage). */
  isFailure?: (error: unknown) => boolean;
}

/** closed: calls flow; open: calls fail fast; half-open: a few trial calls decide, the rest wait for them. */
export type CircuitState = "closed" | "open" | "half-open";

/**
 * Stops calling a service that keeps failing, so callers get a quick ServiceUnavailable instead of
 * waiting for timeouts, and tries it again after a pause: cockatiel's breaker with consecutive
 * failures and half-open sampling (docs/adr/0028). In half-open, `halfOpenCalls` calls go through
 * at once and the calls beyond them wait for their outcome (at most until their own deadline)
 * instead of failing fast; the circuit closes once the trial calls have succeeded.
 */
export class CircuitBreaker {
  private readonly policy: CircuitBreakerPolicy;
  private readonly openMs: number;
  private openedAt = 0;

  constructor(
    /** The service's name, as errors show it (`inventory`). */
    readonly name: string,
    options: CircuitBreakerOptions = {},
  ) {
    this.openMs = options.openMs ?? 5_000;
    this.policy = circuitBreaker(handleWhen(options.isFailure ?? isOwnFailure), {
      halfOpenAfter: this.openMs,
      breaker: new ConsecutiveBreaker(options.failureThreshold ?? 5),
      halfOpenSampling: { calls: options.halfOpenCalls ?? 3, threshold: 0 },
    });
    this.policy.onBreak(() => {
      this.openedAt = Date.now();
    });
  }

  /** The state as /health/services shows it; an open circuit whose pause is over is half-open. */
  get state(): CircuitState {
    switch (this.policy.state) {
      case PolicyState.Closed:
        return "closed";
      case PolicyState.HalfOpen:
        return "half-open";
      default:
        return Date.now() - this.openedAt >= this.openMs ? "half-open" : "open";
    }
  }

  /**
   * Runs `fn` unless the circuit is open (then ServiceUnavailable naming the service and the open
   * circuit). A call that waits for the trial calls of a half-open circuit gives up at `deadline`
   * (epoch ms) with ServiceUnavailable, without calling the service.
   */
  async run<T>(fn: () => Promise<T>, deadline?: number): Promise<T> {
    try {
      return this.policy.state === PolicyState.HalfOpen && deadline !== undefined
        ? await this.waitAtMostUntil(deadline, fn)
        : await this.policy.execute(fn);
    } catch (error) {
      if (isBrokenCircuitError(error)) {
        throw new ServiceUnavailable(`service ${this.name} is unavailable (circuit open)`, this.name);
      }
      throw error;
    }
  }

  /** execute, given up at `deadline` if `fn` has not started by then (it waits for trial calls). */
  private waitAtMostUntil<T>(deadline: number, fn: () => Promise<T>): Promise<T> {
    const abandoned = new AbortController();
    let started = false;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(
        () => {
          // A started call ends at its own deadline. One still waiting is dropped: cockatiel then
          // neither calls the service for it nor counts it.
          if (started) return;
          abandoned.abort();
          reject(
            new ServiceUnavailable(
              `service ${this.name} is unavailable (circuit half-open: its trial calls did not end in time)`,
              this.name,
            ),
          );
        },
        Math.max(0, deadline - Date.now()),
      );
      const call = () => {
        started = true;
        return fn();
      };
      this.policy.execute(call, abandoned.signal).then(
        (value) => {
          clearTimeout(timer);
          resolve(value);
        },
        (error: unknown) => {
          clearTimeout(timer);
          reject(error);
        },
      );
    });
  }
}
