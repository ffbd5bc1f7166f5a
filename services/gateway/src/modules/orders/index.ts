import { defineDomain } from "../../domain.js";
import type { GatewayModule } from "../../module.js";
import { moneySchema, nullableMoneySchema } from "../catalog-common.js";
import { mediaHydration } from "../media/media-loaders.js";
import { MediaImage } from "../media/schemas.js";
import { defaultOrdersServiceNames, type OrdersServiceNames, ordersOperations } from "./operations.js";
import { ordersResolvers } from "./resolvers.js";
import { ordersRoutes } from "./routes.js";
import { Cart, Checkout, Order, OrderPage } from "./schemas.js";

export type { OrdersServiceNames } from "./operations.js";

/**
 * The public surface of the orders service: the caller's cart (hydrated from products, sellers and
 * inventory, one call each), checkout with an idempotency key, and orders for buyers and sellers,
 * in GraphQL and REST under /api/v1/cart, /api/v1/checkout and /api/v1/orders.
 */
export function ordersGatewayModule(names: OrdersServiceNames = defaultOrdersServiceNames): GatewayModule {
  return defineDomain({
    name: "orders",
    sdl: [new URL("./orders.graphql", import.meta.url)],
    operations: (deps) => ordersOperations(deps, names),
    schemas: [moneySchema, nullableMoneySchema, MediaImage, Order, Cart, Checkout, OrderPage],
    resolvers: ordersResolvers,
    routes: ordersRoutes,
    hydrate: mediaHydration,
  });
}
