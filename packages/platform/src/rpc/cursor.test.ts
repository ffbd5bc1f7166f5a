import { describe, expect, it } from "vitest";
import { decodeOpaqueCursor, encodeOpaqueCursor } from "./cursor.js";

describe("opaque cursors", () => {
  it("round-trips the parts of a position as URL-safe text", () => {
    const cursor = encodeOpaqueCursor(["near", 12.5, "0190a8c4-7e5b-7c3d-9f00-000000000001"]);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeOpaqueCursor(cursor)).toEqual(["near", 12.5, "0190a8c4-7e5b-7c3d-9f00-000000000001"]);
  });

  it.each([
    ["not base64url JSON", "not-a-cursor"],
    ["JSON that is not a list", Buffer.from('{"at":1}').toString("base64url")],
    ["empty", ""],
  ])("decodes %s as undefined", (_label, value) => {
    expect(decodeOpaqueCursor(value)).toBeUndefined();
  });
});
