/** Throws a RangeError unless `ttlMs` is undefined or a positive safe integer (Redis rejects anything else). */
export function checkTtlMs(ttlMs: number | undefined): void {
  if (ttlMs !== undefined && !(Number.isSafeInteger(ttlMs) && ttlMs > 0)) {
    throw new RangeError(`ttlMs must be a positive integer number of milliseconds (got ${ttlMs})`);
  }
}

/** Returns `by` (default 1) after checking it is a safe integer. */
export function checkIncrementBy(by: number | undefined): number {
  const amount = by ?? 1;
  if (!Number.isSafeInteger(amount)) throw new RangeError(`by must be a safe integer (got ${amount})`);
  return amount;
}

/** The error every operation on a closed store rejects with. */
export function closedError(adapter: string): Error {
  return new Error(`${adapter} is closed`);
}
