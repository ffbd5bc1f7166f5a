import { describe, expect, it } from "vitest";
import { decodeCursor, encodeCursor } from "./cursor.js";

const id = "01890a5d-ac96-774b-bcce-b302099a8057";

describe("page cursors", () => {
  it("round-trips each kind", () => {
    const newest = { kind: "newest", at: "2026-05-01T10:00:00.123456Z", id } as const;
    const near = { kind: "near", meters: 27_469.123456789, id } as const;
    expect(decodeCursor(encodeCursor(newest), "newest")).toEqual(newest);
    expect(decodeCursor(encodeCursor(near), "near")).toEqual(near);
    const ledger = { kind: "ledger", id } as const;
    expect(decodeCursor(encodeCursor(ledger), "ledger")).toEqual(ledger);
    expect(decodeCursor(encodeCursor({ kind: "payouts", id }), "payouts")).toEqual({ kind: "payouts", id });
  });

  it("round-trips the rank of a text search's page, and refuses a cursor whose ranking does not fit the list", () => {
    const newest = { kind: "newest", at: "2026-05-01T10:00:00.123456Z", id, rank: 1 } as const;
    const near = { kind: "near", meters: 12.5, id, rank: 0 } as const;
    expect(decodeCursor(encodeCursor(newest), "newest", true)).toEqual(newest);
    expect(decodeCursor(encodeCursor(near), "near", true)).toEqual(near);
    expect(() => decodeCursor(encodeCursor(newest), "newest")).toThrow(/^cursor: /);
    expect(() => decodeCursor(encodeCursor({ kind: "near", meters: 12.5, id }), "near", true)).toThrow(
      /^cursor: /,
    );
    expect(() => decodeCursor(encodeCursor({ ...near, rank: 7 }), "near", true)).toThrow(/^cursor: /);
  });

  it("refuses a ledger cursor for the payouts list and the other way round", () => {
    expect(() => decodeCursor(encodeCursor({ kind: "ledger", id }), "payouts")).toThrow(/^cursor: /);
    expect(() => decodeCursor(encodeCursor({ kind: "payouts", id }), "ledger")).toThrow(/^cursor: /);
  });

  it("refuses a cursor of another list, naming the cursor", () => {
    const followed = encodeCursor({ kind: "followed", at: "2026-05-01T10:00:00.000000Z", id });
    expect(() => decodeCursor(followed, "newest")).toThrow(/^cursor: /);
  });

  const encoded = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");

  it.each([
    ["garbage", "%%%", "newest"],
    ["a negative distance", encoded(["near", -1, id]), "near"],
    ["a timestamp without microseconds", encoded(["newest", "2026-05-01T10:00:00Z", id]), "newest"],
    ["an id that is no UUID", encoded(["newest", "2026-05-01T10:00:00.000000Z", "x"]), "newest"],
    ["a ledger cursor with a key", encoded(["ledger", "2026-05-01T10:00:00.000000Z", id]), "ledger"],
    ["a payouts cursor without an id", encoded(["payouts", null, "x"]), "payouts"],
  ] as const)("refuses %s", (_label, value, kind) => {
    expect(() => decodeCursor(value, kind)).toThrow(/^cursor: /);
  });
});
