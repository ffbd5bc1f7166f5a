import { describe, expect, it } from "vitest";
import { decodeAddressCursor, encodeAddressCursor } from "./address-cursor.js";

describe("address cursors", () => {
  it("decode to the position they were made from", () => {
    const position = { rank: 3, id: "0190a000-0000-7000-8000-0000000000aa" };
    expect(decodeAddressCursor(encodeAddressCursor(position))).toEqual(position);
  });

  it.each([
    ["not base64 JSON", "%%%"],
    ["a bare id", "0190a000-0000-7000-8000-0000000000aa"],
    [
      "a rank out of range",
      Buffer.from(JSON.stringify([7, "0190a000-0000-7000-8000-0000000000aa"])).toString("base64url"),
    ],
    ["an id that is not a UUID", Buffer.from(JSON.stringify([0, "x"])).toString("base64url")],
  ])("refuse %s as an InvalidArgument on cursor", (_label, value) => {
    expect(() => decodeAddressCursor(value)).toThrow(/^cursor: is not a cursor from a previous page$/);
  });
});
