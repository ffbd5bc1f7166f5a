import { create } from "@bufbuild/protobuf";
import { MoneySchema } from "@mercato/contracts/mercato/common/v1/common_pb";
import { Conflict, InvalidArgument } from "@mercato/platform";
import { describe, expect, it } from "vitest";
import { optionsKey, variantFromInput, variantsFromInputs } from "./variant-rules.js";

const money = (amount: number, currency = "EUR") =>
  create(MoneySchema, { amountMinor: BigInt(amount), currency });

function fieldsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (error) {
    if (error instanceof InvalidArgument) return error.violations.map((v) => v.field);
    throw error;
  }
  throw new Error("expected an InvalidArgument");
}

describe("variantFromInput", () => {
  it("trims option values and keeps a compare-at price above the price", () => {
    const values = variantFromInput(
      { sku: "A", price: money(100), compareAtPrice: money(150), options: { size: " M " } },
      ["size"],
      "variant.",
    );
    expect(values).toEqual({
      sku: "A",
      priceMinor: 100,
      currency: "EUR",
      compareAtMinor: 150,
      options: { size: "M" },
    });
  });

  it("names every broken field at once", () => {
    const fields = fieldsOf(() =>
      variantFromInput(
        { sku: "A", price: money(100), compareAtPrice: money(100, "USD"), options: { colour: "red" } },
        ["size"],
        "variant.",
      ),
    );
    expect(fields).toEqual([
      "variant.compare_at_price.currency",
      "variant.options",
      "variant.options[colour]",
      "variant.compare_at_price",
    ]);
  });

  it("refuses a missing price", () => {
    expect(fieldsOf(() => variantFromInput({ sku: "A", options: {} }, [], ""))).toEqual(["price"]);
  });
});

describe("variantsFromInputs", () => {
  it("refuses the same combination of options in another key order", () => {
    expect(() =>
      variantsFromInputs(
        [
          { sku: "A", price: money(1), options: { size: "M", color: "red" } },
          { sku: "B", price: money(1), options: { color: "red", size: "M" } },
        ],
        ["size", "color"],
      ),
    ).toThrow(Conflict);
  });
});

describe("optionsKey", () => {
  it("is the same for equal maps whatever their key order", () => {
    expect(optionsKey({ a: "1", b: "2" })).toBe(optionsKey({ b: "2", a: "1" }));
    expect(optionsKey({ a: "1" })).not.toBe(optionsKey({ a: "2" }));
  });
});
