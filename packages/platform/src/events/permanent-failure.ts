import { DomainError, type ErrorCode } from "../errors/errors.js";

/**
 * Thrown by an event handler for an event it can never apply, however often it is delivered (it
 * names something this service never had, or breaks a rule of its data): the event is parked at
 * once instead of being retried (ADR 0005).
 */
export class PermanentEventError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "PermanentEventError";
  }
}

// A domain error that a retry cannot change: the event's content is wrong, or what it names does not
// exist here. FAILED_PRECONDITION and CONFLICT depend on state that other events may still change.
const permanentCodes: ReadonlySet<ErrorCode> = new Set(["INVALID_ARGUMENT", "NOT_FOUND"]);

// PostgreSQL refusing the data itself: data exceptions (class 22: bad number, text or date) and the
// constraint violations that depend only on this service's own rows (not null, foreign key, check).
// Unique and exclusion violations (23505, 23P01) can come from a concurrent writer and are retried.
const permanentSqlStates = /^(22[0-9A-Z]{3}|23502|23503|23514)$/;

/**
 * Whether a handler's failure is permanent: a PermanentEventError, an InvalidArgument or NotFound,
 * or a PostgreSQL data or constraint error (found on the error or the errors that caused it, as
 * drizzle wraps the driver's). Anything else (lost connection, timeout, deadlock) is transient.
 */
export function isPermanentFailure(error: unknown): boolean {
  for (let cause = error, depth = 0; cause instanceof Error && depth < 5; cause = cause.cause, depth++) {
    if (cause instanceof PermanentEventError) return true;
    if (cause instanceof DomainError) return permanentCodes.has(cause.code);
    const code = (cause as { code?: unknown }).code;
    if (typeof code === "string" && permanentSqlStates.test(code)) return true;
  }
  return false;
}
