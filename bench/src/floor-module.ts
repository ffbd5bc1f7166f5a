import { defineGatewayModule, type GatewayModule } from "@mercato/gateway";
import { itemJsonSchema as itemJson } from "@mercato/testing/item-gateway-module";

/** An item as the gateway returns it. */
export interface ItemJson {
  id: string;
  name: string;
  priceMinor: string;
  currency: string;
}

/**
 * The item routes of the testkit gateway module without the call to the service: the item is
 * answered from memory. Loading it gives the gateway's own cost (HTTP, hooks, plugins, GraphQL)
 * apart from the RPC hop; only the benchmark registers it.
 */
export function floorGatewayModule(item: ItemJson): GatewayModule {
  const find = (id: string) => (id === item.id ? item : null);
  return defineGatewayModule({
    name: "bench-floor",
    schema: /* GraphQL */ `
      extend type Query {
        "The benchmark's item, answered by the gateway from memory."
        benchItem(id: ID!): Item
      }
    `,
    resolvers: () => ({
      Query: { benchItem: async (_root: unknown, args: { id: string }) => find(args.id) },
    }),
    rest: (app) => {
      app.get<{ Params: { id: string } }>(
        "/bench/items/:id",
        {
          schema: {
            hide: true,
            params: {
              type: "object",
              required: ["id"],
              properties: { id: { type: "string", format: "uuid" } },
            },
            response: { 200: itemJson },
          },
        },
        async (request) => find(request.params.id),
      );
    },
  });
}
