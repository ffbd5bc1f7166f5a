import { graphqlPage, resolveWith } from "../../domain.js";
import type { OrderStatus, Resolvers } from "../../gen/graphql.js";
import type { GraphqlContext } from "../../module.js";
import { clientField, connection } from "../catalog-common.js";
import { pairs } from "../catalog-json.js";
import type { OrdersOperations } from "./operations.js";
import type { OrderModel, OrderStatusName } from "./schemas.js";

const upper = (value: { status: OrderStatusName }) => value.status.toUpperCase() as OrderStatus;
const lower = (status: OrderStatus | null | undefined) =>
  status?.toLowerCase() as OrderStatusName | undefined;
const byId = (args: { id: string }) => ({ id: args.id });
const page = (answer: { items: OrderModel[]; nextCursor: string }) =>
  connection(answer.items, answer.nextCursor);

/** GraphQL of the orders domain: each field calls its operation; statuses go upper-case, options as pairs. */
export function ordersResolvers(ops: OrdersOperations): Resolvers {
  const findOrder = resolveWith(ops.order, byId);
  return {
    Order: {
      status: upper,
      storefront: (order, _args, context) => ops.currentStorefront(context.ctx, order.storefrontId),
    },
    OrderTransition: { status: upper },
    OrderLine: {
      options: (line) => pairs(line.options),
      product: (line, _args, context) => ops.currentProduct(context.ctx, line.productId),
    },
    CartLine: { options: (line) => pairs(line.options ?? {}) },
    Cart: { replayed: (cart) => cart.replayed === true },
    Query: {
      cart: resolveWith(ops.cart, () => ({})),
      orders: resolveWith(ops.orders, (args) => ({ ...graphqlPage(args), status: lower(args.status) }), {
        answer: page,
      }),
      order: async (root: unknown, args: { id: string }, context: GraphqlContext) => {
        try {
          return await findOrder(root, args, context);
        } catch (error) {
          // A client asking for one order by id hears null when there is none it may see.
          if ((error as { code?: string }).code === "NOT_FOUND") return null;
          throw error;
        }
      },
      sellerOrders: resolveWith(
        ops.sellerOrders,
        (args) => ({ ...graphqlPage(args), status: lower(args.status), storefrontId: args.storefrontId }),
        { answer: page },
      ),
    },
    Mutation: {
      addToCart: resolveWith(ops.addToCart, (args) => args),
      updateCartLine: resolveWith(ops.updateCartLine, (args) => args),
      removeCartLine: resolveWith(ops.removeCartLine, (args) => args),
      clearCart: resolveWith(ops.clearCart, () => ({})),
      checkout: resolveWith(
        ops.checkout,
        (args) => ({ ...args.input, idempotencyKey: args.idempotencyKey }),
        {
          names: clientField("input", { idempotency_key: "idempotencyKey" }),
        },
      ),
      acceptOrder: resolveWith(ops.accept, byId),
      shipOrder: resolveWith(ops.ship, (args) => args),
      markOrderDelivered: resolveWith(ops.deliver, byId),
      completeOrder: resolveWith(ops.complete, byId),
      cancelOrder: resolveWith(ops.cancel, (args) => args),
    },
  };
}
