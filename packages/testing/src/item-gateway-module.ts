import { ItemService } from "@mercato/contracts/mercato/testkit/v1/item_pb";
import { defineGatewayModule, type GatewayModule } from "@mercato/gateway";

/** JSON schema of an item as the gateway returns it. */
export const itemJsonSchema = {
  type: "object",
  required: ["id", "name", "priceMinor", "currency"],
  properties: {
    id: { type: "string", format: "uuid" },
    name: { type: "string" },
    priceMinor: { type: "string", description: "Price in minor units (integer as a string)" },
    currency: { type: "string" },
  },
} as const;

interface ItemMessage {
  id: string;
  name: string;
  priceMinor: bigint;
  currency: string;
}

const toJson = (item: ItemMessage | undefined) =>
  item
    ? { id: item.id, name: item.name, priceMinor: item.priceMinor.toString(), currency: item.currency }
    : null;

/**
 * The gateway surface of the testkit item service, as a domain module would write it: GraphQL
 * `item`/`putItem` and REST `GET/POST /api/v1/items`. Used by gateway tests and the benchmark.
 */
export function itemGatewayModule(serviceName: string): GatewayModule {
  return defineGatewayModule({
    name: "items",
    schema: /* GraphQL */ `
      "An item of the testkit service."
      type Item {
        id: ID!
        name: String!
        "Price in minor units, as a string to keep 64-bit integers exact."
        priceMinor: String!
        currency: String!
      }
      extend type Query {
        item(id: ID!): Item
      }
      extend type Mutation {
        putItem(name: String!, priceMinor: String!, currency: String!): Item!
      }
    `,
    resolvers: ({ services }) => ({
      Query: {
        item: async (_root: unknown, args: { id: string }) => {
          const answer = await services.client(serviceName, ItemService).getItem({ id: args.id });
          return toJson(answer.item);
        },
      },
      Mutation: {
        putItem: async (_root: unknown, args: { name: string; priceMinor: string; currency: string }) => {
          const answer = await services
            .client(serviceName, ItemService)
            .putItem({ name: args.name, priceMinor: BigInt(args.priceMinor), currency: args.currency });
          return toJson(answer.item);
        },
      },
    }),
    rest: (app, { services }) => {
      app.get<{ Params: { id: string } }>(
        "/items/:id",
        {
          schema: {
            tags: ["items"],
            summary: "Read one item",
            params: {
              type: "object",
              required: ["id"],
              properties: { id: { type: "string", format: "uuid" } },
            },
            response: {
              200: itemJsonSchema,
              "4xx": { $ref: "ErrorEnvelope#" },
              "5xx": { $ref: "ErrorEnvelope#" },
            },
          },
        },
        async (request) =>
          toJson((await services.client(serviceName, ItemService).getItem({ id: request.params.id })).item),
      );
      app.post<{ Body: { name: string; priceMinor: string; currency: string } }>(
        "/items",
        {
          schema: {
            tags: ["items"],
            summary: "Create an item",
            body: {
              type: "object",
              required: ["name", "priceMinor", "currency"],
              additionalProperties: false,
              properties: {
                name: { type: "string", minLength: 1, maxLength: 200 },
                priceMinor: { type: "string", pattern: "^[0-9]{1,18}$" },
                currency: { type: "string", pattern: "^[A-Z]{3}$" },
              },
            },
            response: {
              201: itemJsonSchema,
              "4xx": { $ref: "ErrorEnvelope#" },
              "5xx": { $ref: "ErrorEnvelope#" },
            },
          },
        },
        async (request, reply) => {
          const answer = await services.client(serviceName, ItemService).putItem({
            name: request.body.name,
            priceMinor: BigInt(request.body.priceMinor),
            currency: request.body.currency,
          });
          return reply.status(201).send(toJson(answer.item));
        },
      );
    },
  });
}
