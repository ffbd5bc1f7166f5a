import { InvalidArgument } from "../errors/index.js";

/**
 * Page cursors are opaque to clients: a list's position (a few JSON values) as base64url text.
 * Each list checks the parts it decodes and answers InvalidArgument on `cursor` when they do not fit.
 */

/** Packs a page position into an opaque URL-safe cursor. */
export function encodeOpaqueCursor(parts: readonly unknown[]): string {
  return Buffer.from(JSON.stringify(parts)).toString("base64url");
}

/** The parts packed by encodeOpaqueCursor, or undefined when `value` is not such a cursor. */
export function decodeOpaqueCursor(value: string): unknown[] | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(value, "base64url").toString("utf8"));
  } catch {
    return undefined;
  }
  return Array.isArray(parsed) ? parsed : undefined;
}

const microsecondTime = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

/**
 * True for a UTC timestamp with microseconds (`2026-02-28T09:30:00.123456Z`, as cursors carry
 * PostgreSQL's timestamptz) that names a real instant: a hand-made `2024-02-30…` would pass a
 * pattern and `Date.parse` yet make PostgreSQL fail.
 */
export function isCursorTimestamp(value: unknown): value is string {
  if (typeof value !== "string" || !microsecondTime.test(value)) return false;
  const date = new Date(value);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 23) === value.slice(0, 23);
}

/** True for a decimal integer string that fits PostgreSQL's bigint. */
export function isCursorBigint(value: unknown): value is string {
  if (typeof value !== "string" || !/^-?\d{1,19}$/.test(value)) return false;
  const n = BigInt(value);
  return n >= -(2n ** 63n) && n < 2n ** 63n;
}

/** The id a cursor of a list ordered by id (UUIDv7, newest first) carries; InvalidArgument on `cursor` otherwise. */
export function idFromCursor(cursor: string): string {
  const [id] = decodeOpaqueCursor(cursor) ?? [];
  if (typeof id !== "string" || !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id))
    throw InvalidArgument.field("cursor", "is not a cursor of this list");
  return id;
}

/**
 * One page of a list ordered by id, from `limit + 1` rows read: the first `limit`, and the cursor
 * of the next page (empty on the last).
 */
export function idPage<T extends { id: string }>(
  rows: readonly T[],
  limit: number,
): { rows: T[]; nextCursor: string } {
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return { rows: page, nextCursor: rows.length > limit && last ? encodeOpaqueCursor([last.id]) : "" };
}
