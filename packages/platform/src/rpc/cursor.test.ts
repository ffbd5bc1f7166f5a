import { describe, expect, it } from "vitest";
import { decodeOpaqueCursor, encodeOpaqueCursor, isCursorBigint, isCursorTimestamp } from "./cursor.js";

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

describe("cursor keys PostgreSQL must accept", () => {
  it("accepts real microsecond UTC timestamps and refuses impossible dates and other shapes", () => {
    expect(isCursorTimestamp("2026-02-28T09:30:00.123456Z")).toBe(true);
    expect(isCursorTimestamp("2024-02-29T23:59:59.999999Z")).toBe(true);
    for (const bad of [
      "2024-02-30T00:00:00.000000Z",
      "2024-13-45T99:99:99.000000Z",
      "2026-02-28T09:30:00Z",
      1,
      null,
    ]) {
      expect(isCursorTimestamp(bad), String(bad)).toBe(false);
    }
  });

  it("accepts integers within bigint and refuses the ones beyond it", () => {
    expect(isCursorBigint("9223372036854775807")).toBe(true);
    expect(isCursorBigint("-9223372036854775808")).toBe(true);
    expect(isCursorBigint("9999999999999999999")).toBe(false);
    expect(isCursorBigint("12.5")).toBe(false);
    expect(isCursorBigint(12)).toBe(false);
  });
});
