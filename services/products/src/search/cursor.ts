import { createHash } from "node:crypto";
import { InvalidArgument, isCursorBigint, isCursorTimestamp } from "@mercato/platform";
import { validate as isUuid } from "uuid";

/** Where a search page ended: the sort key and product id of its last hit, and what it was a page of. */
export interface SearchCursor {
  /** The SearchSort the page was sorted by. */
  sort: number;
  /** Fingerprint of the filters of the search (see filterFingerprint). */
  filters: string;
  /** Sort key of the last hit: relevance or metres (number), price in minor units or ISO time (string). */
  key: number | string;
  id: string;
}

/** A short hash of a search's filters, so a cursor is only accepted by the search that made it. */
export function filterFingerprint(filters: unknown): string {
  return createHash("sha256").update(JSON.stringify(filters)).digest("base64url").slice(0, 16);
}

/** Encodes a position as an opaque URL-safe cursor. */
export function encodeSearchCursor(cursor: SearchCursor): string {
  return Buffer.from(JSON.stringify([cursor.sort, cursor.filters, cursor.key, cursor.id])).toString(
    "base64url",
  );
}

/**
 * Decodes the cursor of a previous page of the same search: anything else, including a cursor of
 * another sort or other filters, is an InvalidArgument on `cursor`.
 */
export function decodeSearchCursor(
  value: string,
  expected: { sort: number; filters: string; key: "number" | "integer" | "time" },
): SearchCursor {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(value, "base64url").toString("utf8"));
  } catch {
    parsed = undefined;
  }
  if (!Array.isArray(parsed) || parsed.length !== 4) {
    throw InvalidArgument.field("cursor", "is not a cursor from a previous page");
  }
  const [sort, filters, key, id] = parsed as unknown[];
  if (sort !== expected.sort || filters !== expected.filters) {
    throw InvalidArgument.field("cursor", "belongs to a search with other filters or another sort");
  }
  const keyOk =
    expected.key === "number"
      ? typeof key === "number" && Number.isFinite(key)
      : expected.key === "integer"
        ? isCursorBigint(key)
        : isCursorTimestamp(key);
  if (!keyOk || typeof id !== "string" || !isUuid(id)) {
    throw InvalidArgument.field("cursor", "is not a cursor from a previous page");
  }
  return { sort, filters, key: key as number | string, id: id.toLowerCase() };
}
