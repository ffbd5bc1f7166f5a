import { decodeOpaqueCursor, encodeOpaqueCursor, InvalidArgument } from "@mercato/platform";
import { validate as isUuid } from "uuid";

/** Where a page of addresses ended: the defaults rank and id of its last address. */
export interface AddressCursor {
  rank: number;
  id: string;
}

/** Encodes a position as an opaque URL-safe cursor. */
export function encodeAddressCursor(cursor: AddressCursor): string {
  return encodeOpaqueCursor([cursor.rank, cursor.id]);
}

/** Decodes a cursor from a previous page; anything else is an InvalidArgument on `field`. */
export function decodeAddressCursor(value: string, field = "cursor"): AddressCursor {
  const parsed = decodeOpaqueCursor(value);
  const [rank, id] = parsed ?? [];
  if (
    parsed?.length === 2 &&
    typeof rank === "number" &&
    Number.isInteger(rank) &&
    rank >= 0 &&
    rank <= 3 &&
    typeof id === "string" &&
    isUuid(id)
  ) {
    return { rank, id: id.toLowerCase() };
  }
  throw InvalidArgument.field(field, "is not a cursor from a previous page");
}
