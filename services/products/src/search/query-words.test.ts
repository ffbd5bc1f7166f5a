import { describe, expect, it } from "vitest";
import { KnownWords } from "./query-words.js";

describe("KnownWords", () => {
  it("remembers a word for its time to live, then asks again", () => {
    let now = 0;
    const known = new KnownWords(1_000, 10, () => now);
    expect(known.has("leather")).toBe(false);
    known.add("leather");
    now = 1_000;
    expect(known.has("leather")).toBe(true);
    now = 1_001;
    expect(known.has("leather")).toBe(false);
    // Forgotten for good, not only reported absent once.
    now = 0;
    expect(known.has("leather")).toBe(false);
  });

  it("drops the word added longest ago beyond its capacity", () => {
    const known = new KnownWords(60_000, 2, () => 0);
    known.add("a1");
    known.add("b2");
    known.add("a1");
    known.add("c3");
    expect(known.has("b2")).toBe(false);
    expect(known.has("a1")).toBe(true);
    expect(known.has("c3")).toBe(true);
  });
});
