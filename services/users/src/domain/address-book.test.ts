import { describe, expect, it } from "vitest";
import { defaultsForNewAddress, defaultsRank } from "./address-book.js";

describe("defaultsForNewAddress", () => {
  it("makes the first address of a book both defaults", () => {
    expect(defaultsForNewAddress(0, { shipping: false, billing: false })).toEqual({
      shipping: true,
      billing: true,
    });
  });

  it("gives a later address only the defaults asked for", () => {
    expect(defaultsForNewAddress(2, { shipping: false, billing: true })).toEqual({
      shipping: false,
      billing: true,
    });
  });
});

describe("defaultsRank", () => {
  it("orders both defaults before shipping, shipping before billing, billing before the rest", () => {
    const ranks = [
      defaultsRank({ shipping: true, billing: true }),
      defaultsRank({ shipping: true, billing: false }),
      defaultsRank({ shipping: false, billing: true }),
      defaultsRank({ shipping: false, billing: false }),
    ];
    expect(ranks).toEqual([...ranks].sort((a, b) => b - a));
    expect(new Set(ranks).size).toBe(4);
  });
});
