import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { graphqlBreaks, openApiBreaks } from "../../scripts/contracts/public-breaking.js";

// The breaking checks of the public contracts (run by `npm run contracts:check` against the base
// revision) catch what breaks a client and let additions through.

const address: { properties: Record<string, unknown> } & Record<string, unknown> = {
  type: "object",
  required: ["line1"],
  additionalProperties: false,
  properties: { line1: { type: "string" }, city: { type: ["string", "null"] } },
};

/** A small OpenAPI 3.1 document: one order read and one checkout, with a shared schema. */
function spec(change: (doc: ReturnType<typeof base>) => void = () => {}): string {
  const doc = base();
  change(doc);
  return stringify(doc);
}

function base(): {
  components: { schemas: { Address: typeof address } };
  paths: Record<string, Record<string, unknown>>;
} & Record<string, unknown> {
  return {
    openapi: "3.1.0",
    info: { title: "t", version: "1" },
    components: { schemas: { Address: structuredClone(address) } },
    paths: {
      "/orders/{id}": {
        get: {
          parameters: [{ name: "id", in: "path", required: true, schema: { type: "string" } }],
          responses: {
            "200": {
              description: "the order",
              content: {
                "application/json": {
                  schema: {
                    type: "object",
                    required: ["id", "status"],
                    additionalProperties: false,
                    properties: {
                      id: { type: "string" },
                      status: { type: "string", enum: ["placed", "shipped"] } as Record<string, unknown>,
                      shipTo: { $ref: "#/components/schemas/Address" },
                    } as Record<string, unknown>,
                  },
                },
              },
            },
          },
        },
      } as Record<string, Record<string, unknown>>,
      "/checkout": {
        post: {
          requestBody: {
            required: true,
            content: {
              "application/json": {
                schema: {
                  type: "object",
                  required: ["shipTo"],
                  additionalProperties: false,
                  properties: {
                    shipTo: { $ref: "#/components/schemas/Address" },
                    note: { type: "string" },
                  } as Record<string, unknown>,
                } as Record<string, unknown>,
              },
            },
          },
          responses: { "201": { description: "placed" } },
        },
      } as Record<string, Record<string, unknown>>,
    },
  };
}

type Doc = ReturnType<typeof base>;
type Schema = { required: string[]; properties: Record<string, unknown> };
/** The checkout's request body schema in `doc`. */
const checkoutBody = (doc: Doc) =>
  (
    doc as unknown as {
      paths: {
        "/checkout": { post: { requestBody: { content: { "application/json": { schema: Schema } } } } };
      };
    }
  ).paths["/checkout"].post.requestBody.content["application/json"].schema;
/** The properties of the order read's answer in `doc`. */
const orderAnswer = (doc: Doc) =>
  (
    doc as unknown as {
      paths: {
        "/orders/{id}": {
          get: { responses: { "200": { content: { "application/json": { schema: Schema } } } } };
        };
      };
    }
  ).paths["/orders/{id}"].get.responses["200"].content["application/json"].schema.properties;

describe("the REST breaking check", { timeout: 30_000 }, () => {
  it("finds nothing between a document and itself, nor in additions", async () => {
    expect(await openApiBreaks(spec(), spec())).toEqual([]);
    const added = spec((doc) => {
      checkoutBody(doc).properties.giftNote = { type: "string" };
      orderAnswer(doc).placedAt = { type: "string" };
      doc.paths["/carts"] = { get: { responses: { "200": { description: "a cart" } } } };
    });
    expect(await openApiBreaks(spec(), added)).toEqual([]);
  });

  it("names a removed operation, a new required field and a narrowed shared schema", async () => {
    expect(
      await openApiBreaks(
        spec(),
        spec((doc) => void delete doc.paths["/orders/{id}"]),
      ),
    ).toEqual(["REST GET /orders/{id}: removed"]);
    expect(
      await openApiBreaks(
        spec(),
        spec((doc) => {
          checkoutBody(doc).required.push("note");
        }),
      ),
    ).toEqual(["REST POST /checkout: request body accepts less than before"]);
    // The shared Address loses its null city: requests accept less.
    expect(
      await openApiBreaks(
        spec(),
        spec((doc) => {
          doc.components.schemas.Address.properties.city = { type: "string" };
        }),
      ),
    ).toContain("REST POST /checkout: request body accepts less than before");
  });

  it("names an answer that may carry a value clients never saw", async () => {
    const widened = spec((doc) => {
      orderAnswer(doc).status = { type: "string", enum: ["placed", "shipped", "lost"] };
    });
    expect(await openApiBreaks(spec(), widened)).toEqual([
      "REST GET /orders/{id}: answer 200 may carry what it could not before",
    ]);
  });
});

describe("the GraphQL breaking check", () => {
  const before = "type Query { order(id: ID!): Order }\ntype Order { id: ID!\n status: String! }";

  it("lets an added field through and names a removed one", () => {
    expect(graphqlBreaks(before, `${before}\nextend type Order { note: String }`)).toEqual([]);
    expect(graphqlBreaks(before, "type Query { order(id: ID!): Order }\ntype Order { id: ID! }")).toEqual([
      "GraphQL FIELD_REMOVED: Order.status was removed.",
    ]);
  });
});
