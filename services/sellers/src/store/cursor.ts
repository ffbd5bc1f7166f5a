import {
  decodeOpaqueCursor,
  encodeOpaqueCursor,
  InvalidArgument,
  isCursorTimestamp,
} from "@mercato/platform";
import { validate as isUuid } from "uuid";

/**
 * Where a page ended. `newest` and `followed` pages are ordered by a timestamp (kept as UTC text
 * with microseconds, exact where a Date would round) then id; `near` pages by distance then id;
 * `ledger` and `payouts` pages by their UUIDv7 id alone.
 */
export type PageCursor =
  | { kind: "newest"; at: string; id: string }
  | { kind: "followed"; at: string; id: string }
  | { kind: "near"; meters: number; id: string }
  | { kind: "ledger"; id: string }
  | { kind: "payouts"; id: string };

const idOnly = new Set<PageCursor["kind"]>(["ledger", "payouts"]);

/** Encodes a position as an opaque URL-safe cursor. */
export function encodeCursor(cursor: PageCursor): string {
  const key = cursor.kind === "near" ? cursor.meters : "at" in cursor ? cursor.at : null;
  return encodeOpaqueCursor([cursor.kind, key, cursor.id]);
}

/** Decodes a cursor of the given kind; anything else (another list's cursor too) is InvalidArgument on `cursor`. */
export function decodeCursor<K extends PageCursor["kind"]>(
  value: string,
  kind: K,
): Extract<PageCursor, { kind: K }> {
  const parsed = decodeOpaqueCursor(value);
  if (parsed?.length === 3 && parsed[0] === kind && typeof parsed[2] === "string" && isUuid(parsed[2])) {
    const [, key, id] = parsed as [string, unknown, string];
    if (idOnly.has(kind)) {
      if (key === null) return { kind, id: id.toLowerCase() } as Extract<PageCursor, { kind: K }>;
      throw InvalidArgument.field("cursor", "is not a cursor from a previous page of this list");
    }
    if (kind === "near" && typeof key === "number" && Number.isFinite(key) && key >= 0) {
      return { kind, meters: key, id: id.toLowerCase() } as Extract<PageCursor, { kind: K }>;
    }
    if (kind !== "near" && isCursorTimestamp(key)) {
      return { kind, at: key, id: id.toLowerCase() } as Extract<PageCursor, { kind: K }>;
    }
  }
  throw InvalidArgument.field("cursor", "is not a cursor from a previous page of this list");
}
