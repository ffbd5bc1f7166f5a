import { create } from "@bufbuild/protobuf";
import { reflect } from "@bufbuild/protobuf/reflect";
import {
  CreateProductRequestSchema,
  GetCategoryRequestSchema,
  SearchProductsRequestSchema,
} from "@mercato/contracts/mercato/products/v1/products_pb";
import { describe, expect, it } from "vitest";
import { nulCharacterPaths } from "./nul-characters.js";

describe("nulCharacterPaths", () => {
  it("names every string holding a NUL: plain fields, map keys and values, list items and nested messages", () => {
    const request = create(CreateProductRequestSchema, {
      title: "Vase\u0000x",
      description: "fine",
      attributes: { colour: "red\u0000", "ma\u0000terial": "clay", origin: "Lyon" },
      optionNames: ["size", "col\u0000our"],
      variants: [{ sku: "OK-1" }, { sku: "BAD\u0000", options: { size: "M\u0000" } }],
    });
    expect(nulCharacterPaths(reflect(CreateProductRequestSchema, request)).sort()).toEqual(
      [
        "title",
        'attributes["colour"]',
        'attributes["ma\\u0000terial"]',
        "option_names[1]",
        "variants[1].sku",
        'variants[1].options["size"]',
      ].sort(),
    );
  });

  it("looks into the chosen oneof member and finds nothing in clean requests", () => {
    const bySlug = create(GetCategoryRequestSchema, { key: { case: "slug", value: "bags\u0000" } });
    expect(nulCharacterPaths(reflect(GetCategoryRequestSchema, bySlug))).toEqual(["slug"]);
    const clean = create(SearchProductsRequestSchema, {
      query: "leather wallet",
      options: [{ name: "size", value: "M" }],
    });
    expect(nulCharacterPaths(reflect(SearchProductsRequestSchema, clean))).toEqual([]);
  });
});
