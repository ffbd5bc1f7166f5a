import { buildSchema, parse, validate } from "graphql";
import { describe, expect, it } from "vitest";
import { aliasLimitRule, costLimitRule } from "../src/graphql-limits.js";

const schema = buildSchema(`
  type Product { id: ID! title: String! variants(first: Int): [Variant!]! }
  type Variant { id: ID! sku: String! }
  type Query { products(first: Int): [Product!]! product(id: ID!): Product }
`);

const errorsOf = (query: string, rule: ReturnType<typeof aliasLimitRule>) =>
  validate(schema, parse(query), [rule]).map((e) => e.message);

describe("aliasLimitRule", () => {
  it("accepts up to the limit and rejects one more", () => {
    expect(errorsOf(`{ a: product(id: 1) { id } b: product(id: 2) { id } }`, aliasLimitRule(2))).toEqual([]);
    expect(
      errorsOf(
        `{ a: product(id: 1) { id } b: product(id: 2) { id } c: product(id: 3) { id } }`,
        aliasLimitRule(2),
      ),
    ).toEqual(["query uses more than 2 aliases"]);
  });
});

describe("costLimitRule", () => {
  it("multiplies nested selections by list sizes", () => {
    // products(first: 10) = 1 + 10 * (id + title + variants(first: 5) = 1 + 5 * 2) = 1 + 10 * 13 = 131
    const query = `{ products(first: 10) { id title variants(first: 5) { id sku } } }`;
    expect(errorsOf(query, costLimitRule(131))).toEqual([]);
    expect(errorsOf(query, costLimitRule(130))).toEqual(["query cost 131 exceeds the limit of 130"]);
  });

  it("counts a list size given by a variable as 20 and follows fragments", () => {
    const query = `query($n: Int) { products(first: $n) { ...P } } fragment P on Product { id title }`;
    expect(errorsOf(query, costLimitRule(41))).toEqual([]);
    expect(errorsOf(query, costLimitRule(40))).toEqual(["query cost 41 exceeds the limit of 40"]);
  });
});
