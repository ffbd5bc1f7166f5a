import { buildSchema, parse, validate } from "graphql";
import { describe, expect, it } from "vitest";
import { operationCost, shapeLimitRules } from "../src/graphql-limits.js";

const schema = buildSchema(`
  type Product { id: ID! title: String! variants(first: Int): [Variant!]! }
  type Variant { id: ID! sku: String! }
  type Query { products(first: Int): [Product!]! product(id: ID!): Product }
`);

const limits = { maxDepth: 10, maxAliases: 30, maxDirectives: 50 };
const errorsOf = (query: string, overrides: Partial<typeof limits>) =>
  validate(schema, parse(query), shapeLimitRules({ ...limits, ...overrides })).map((e) => e.message);

describe("shapeLimitRules", () => {
  it("accepts aliases up to the limit and rejects one more", () => {
    expect(errorsOf(`{ a: product(id: 1) { id } b: product(id: 2) { id } }`, { maxAliases: 2 })).toEqual([]);
    expect(
      errorsOf(`{ a: product(id: 1) { id } b: product(id: 2) { id } c: product(id: 3) { id } }`, {
        maxAliases: 2,
      }),
    ).toEqual(["Aliases limit of 2 exceeded, found 3."]);
  });

  it("counts depth through fragments", () => {
    const query = `{ products { ...P } } fragment P on Product { variants { id } }`;
    expect(errorsOf(query, { maxDepth: 3 })).toEqual([]);
    expect(errorsOf(query, { maxDepth: 2 })).toEqual(["Query depth limit of 2 exceeded, found 3."]);
  });

  it("rejects more directives than the limit", () => {
    const query = `{ product(id: 1) @include(if: true) @skip(if: false) { id } }`;
    expect(errorsOf(query, { maxDirectives: 1 })).toEqual(["Directives limit of 1 exceeded, found 2."]);
  });
});

describe("operationCost", () => {
  it("multiplies nested selections by list sizes", () => {
    // products(first: 10) = 1 + 10 * (id + title + variants(first: 5) = 1 + 5 * 2) = 1 + 10 * 13 = 131
    const query = `{ products(first: 10) { id title variants(first: 5) { id sku } } }`;
    expect(operationCost(parse(query), undefined, {})).toBe(131);
  });

  it("reads a list size from the request's variables, then the variable's default, then 20", () => {
    const query = `query($n: Int, $m: Int = 3) { products(first: $n) { ...P } } fragment P on Product { id variants(first: $m) { id } }`;
    expect(operationCost(parse(query), undefined, { n: 100 })).toBe(1 + 100 * (1 + 1 + 3));
    expect(operationCost(parse(query), undefined, { n: 2, m: 10 })).toBe(1 + 2 * (1 + 1 + 10));
    expect(operationCost(parse(query), undefined, {})).toBe(1 + 20 * (1 + 1 + 3));
  });

  it("costs the named operation", () => {
    const document = parse(`query A { products(first: 2) { id } } query B { products(first: 50) { id } }`);
    expect(operationCost(document, "A", {})).toBe(3);
    expect(operationCost(document, "B", {})).toBe(51);
    expect(operationCost(document, "C", {})).toBe(0);
  });

  it("costs each fragment once, so doubling spreads cost time linear in the document", () => {
    const fragments = Array.from(
      { length: 60 },
      (_, i) => `fragment F${i} on Query { ...F${i + 1} ...F${i + 1} }`,
    );
    const document = parse(`{ ...F0 } ${fragments.join(" ")} fragment F60 on Query { __typename }`);
    expect(operationCost(document, undefined, {})).toBe(2 ** 60);
  });
});
