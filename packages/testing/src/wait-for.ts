import { setTimeout as sleep } from "node:timers/promises";

/** How long and how often `waitFor` polls, and what its timeout error says. */
export interface WaitForOptions {
  /** Give up after this many ms; default 5000. */
  timeoutMs?: number;
  /** Pause between attempts in ms; default 25. */
  intervalMs?: number;
  /** Start of the timeout error's message; default "condition was not met". */
  message?: string;
}

type Falsy = false | 0 | 0n | "" | null | undefined;

/**
 * Polls `predicate` until it returns a truthy value and resolves with that value. A throw counts as
 * "not yet"; on timeout it throws an Error with `message`, the last error attached as `cause`.
 */
export async function waitFor<T>(
  predicate: () => T | Promise<T>,
  options: WaitForOptions = {},
): Promise<Exclude<T, Falsy>> {
  const { timeoutMs = 5000, intervalMs = 25, message = "condition was not met" } = options;
  const deadline = performance.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    const remaining = deadline - performance.now();
    try {
      const value = await withTimeout(predicate, Math.max(remaining, 1));
      if (value) return value as Exclude<T, Falsy>;
      lastError = undefined;
    } catch (error) {
      lastError = error;
    }
    if (performance.now() >= deadline) {
      const detail = lastError === undefined ? "" : `; last error: ${describeError(lastError)}`;
      throw new Error(`${message} (waited ${timeoutMs} ms${detail})`, { cause: lastError });
    }
    await sleep(Math.min(intervalMs, Math.max(deadline - performance.now(), 0)));
  }
}

const timedOut = Symbol("timedOut");

async function withTimeout<T>(predicate: () => T | Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<typeof timedOut>((resolve) => {
    timer = setTimeout(resolve, ms, timedOut);
  });
  try {
    const result = await Promise.race([Promise.resolve().then(predicate), timeout]);
    if (result === timedOut) throw new Error(`a single attempt did not settle within ${Math.round(ms)} ms`);
    return result;
  } finally {
    clearTimeout(timer);
  }
}

function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
