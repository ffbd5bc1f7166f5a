import { InvalidArgument } from "@mercato/platform";
import { validate as isUuid } from "uuid";

/** Encodes the id of the last product of a page as an opaque URL-safe cursor. */
export function encodeProductCursor(lastId: string): string {
  return Buffer.from(JSON.stringify(["p", lastId])).toString("base64url");
}

/** The product id a cursor from a previous page ends at; anything else is an InvalidArgument on `cursor`. */
export function decodeProductCursor(value: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(value, "base64url").toString("utf8"));
  } catch {
    parsed = undefined;
  }
  if (Array.isArray(parsed) && parsed.length === 2 && parsed[0] === "p" && typeof parsed[1] === "string") {
    if (isUuid(parsed[1])) return parsed[1].toLowerCase();
  }
  throw InvalidArgument.field("cursor", "is not a cursor from a previous page");
}
