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
 * `ledger` and `payouts` pages by their UUIDv7 id alone. A `newest` or `near` page of a text
 * search is ordered by `rank` first (0: the name holds the text, 1: only the description).
 */
export type PageCursor =
  | { kind: "newest"; at: string; id: string; rank?: number }
  | { kind: "followed"; at: string; id: string }
  | { kind: "near"; meters: number; id: string; rank?: number }
  | { kind: "ledger"; id: string }
  | { kind: "payouts"; id: string };

const idOnly = new Set<PageCursor["kind"]>(["ledger", "payouts"]);

/** Encodes a position as an opaque URL-safe cursor. */
export function encodeCursor(cursor: PageCursor): string {
  const key = cursor.kind === "near" ? cursor.meters : "at" in cursor ? cursor.at : null;
  const rank = "rank" in cursor && cursor.rank !== undefined ? [cursor.rank] : [];
  return encodeOpaqueCursor([cursor.kind, key, cursor.id, ...rank]);
}

/**
 * Decodes a cursor of the given kind, with a rank when `ranked` (a page of a text search); anything
 * else (another list's cursor, or the same list's without the text) is InvalidArgument on `cursor`.
 */
export function decodeCursor<K extends PageCursor["kind"]>(
  value: string,
  kind: K,
  ranked = false,
): Extract<PageCursor, { kind: K }> {
  const parsed = decodeOpaqueCursor(value);
  const rank = parsed?.[3];
  if (
    parsed?.length === (ranked ? 4 : 3) &&
    (!ranked || rank === 0 || rank === 1) &&
    parsed[0] === kind &&
    typeof parsed[2] === "string" &&
    isUuid(parsed[2])
  ) {
    const [, key, id] = parsed as [string, unknown, string];
    const ranking = ranked ? { rank } : {};
    if (idOnly.has(kind)) {
      if (key === null) return { kind, id: id.toLowerCase() } as Extract<PageCursor, { kind: K }>;
      throw InvalidArgument.field("cursor", "is not a cursor from a previous page of this list");
    }
    if (kind === "near" && typeof key === "number" && Number.isFinite(key) && key >= 0) {
      return { kind, meters: key, id: id.toLowerCase(), ...ranking } as Extract<PageCursor, { kind: K }>;
    }
    if (kind !== "near" && isCursorTimestamp(key)) {
      return { kind, at: key, id: id.toLowerCase(), ...ranking } as Extract<PageCursor, { kind: K }>;
    }
  }
  throw InvalidArgument.field("cursor", "is not a cursor from a previous page of this list");
}
