/**
 * Whether `error`, or an error it wraps (Drizzle wraps the driver's in `cause`), is a PostgreSQL
 * unique violation (23505); with `constraint`, one of that unique index or constraint.
 */
export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  for (let cause: unknown = error; cause; cause = (cause as { cause?: unknown }).cause) {
    const candidate = cause as { code?: unknown; constraint?: unknown };
    if (candidate.code === "23505" && (constraint === undefined || candidate.constraint === constraint))
      return true;
  }
  return false;
}
