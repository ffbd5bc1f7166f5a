import { describe, expect, it } from "vitest";
import { ancestorsUnder, slugFromName, treeOrder } from "./category-rules.js";

describe("slugFromName", () => {
  it("lower-cases, drops accents and joins words with single dashes", () => {
    expect(slugFromName("  Crème Brûlée & Co. ")).toBe("creme-brulee-co");
  });

  it("refuses a name with nothing usable, naming slug", () => {
    expect(() => slugFromName("日本")).toThrow(/^slug: /);
  });

  it("keeps at most 80 characters and no trailing dash", () => {
    const slug = slugFromName(`${"a".repeat(79)} b`);
    expect(slug).toBe("a".repeat(79));
  });
});

describe("ancestorsUnder", () => {
  it("puts a category under its parent's path", () => {
    expect(ancestorsUnder("c", { id: "b", ancestorIds: ["a"] })).toEqual(["a", "b"]);
    expect(ancestorsUnder("c", undefined)).toEqual([]);
  });

  it("refuses the category itself or a descendant as parent", () => {
    expect(() => ancestorsUnder("a", { id: "a", ancestorIds: [] })).toThrow(/^parent_id: /);
    expect(() => ancestorsUnder("a", { id: "c", ancestorIds: ["a", "b"] })).toThrow(/^parent_id: /);
  });
});

describe("treeOrder", () => {
  it("lists parents before children and siblings by position, then name", () => {
    const node = (id: string, parentId: string | null, name: string, position: number) => ({
      id,
      parentId,
      name,
      position,
    });
    const ordered = treeOrder([
      node("leaf", "z", "Leaf", 0),
      node("b", "root", "Beta", 2),
      node("z", "root", "Zeta", 1),
      node("a", "root", "Alpha", 2),
      node("root", null, "Root", 0),
    ]);
    expect(ordered.map((n) => n.id)).toEqual(["root", "z", "leaf", "a", "b"]);
  });
});
