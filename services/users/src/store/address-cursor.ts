import { InvalidArgument } from "@mercato/platform";
import { validate as isUuid } from "uuid";

/** Where a page of addresses ended: the defaults rank and id of its last address. */
export interface AddressCursor {
  rank: number;
  id: string;
}

/** Encodes a position as an opaque URL-safe cursor. */
export function encodeAddressCursor(cursor: AddressCursor): string {
  return Buffer.from(JSON.stringify([cursor.rank, cursor.id])).toString("base64url");
}

/** Decodes a cursor from a previous page; anything else is an InvalidArgument on `field`. */
export function decodeAddressCursor(value: string, field = "cursor"): AddressCursor {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(value, "base64url").toString("utf8"));
  } catch {
    parsed = undefined;
  }
  if (
    Array.isArray(parsed) &&
    parsed.length === 2 &&
    Number.isInteger(parsed[0]) &&
    parsed[0] >= 0 &&
    parsed[0] <= 3 &&
    typeof parsed[1] === "string" &&
    isUuid(parsed[1])
  ) {
    return { rank: parsed[0], id: parsed[1].toLowerCase() };
  }
  throw InvalidArgument.field(field, "is not a cursor from a previous page");
}
