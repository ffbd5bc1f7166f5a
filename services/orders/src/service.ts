import { fileURLToPath } from "node:url";
import { OrdersService } from "@mercato/contracts/mercato/orders/v1/orders_pb";
import { defineService, loadSqlMigrations, type ServiceRuntime } from "@mercato/platform";
import { CheckoutWorkflow } from "./checkout.workflow.js";
import { type OrdersConfig, ordersConfigSchema } from "./config.js";
import { type OrdersDeps, ordersRoutes } from "./rpc/orders.rpc.js";
import { Carts } from "./store/cart.store.js";
import { Orders } from "./store/order.store.js";
import { rpcUpstreams } from "./upstream.js";

const migrationsFolder = fileURLToPath(new URL("./store/migrations/", import.meta.url));

/**
 * The orders service (port 9005): buyers' carts, checkouts that reserve stock and create one order
 * per seller with a frozen snapshot, and the orders' lifecycle.
 */
export const ordersService = defineService<OrdersConfig>({
  name: "orders",
  defaultPort: 9005,
  rpcServices: [OrdersService.typeName],
  config: ordersConfigSchema,
  migrations: () => loadSqlMigrations(migrationsFolder),
  async setup(runtime) {
    // Reservations need the service's own token: without a secret, refuse to start rather than
    // fail every checkout.
    await runtime.serviceToken();
    const deps = ordersParts(runtime);
    return {
      rpc: (router) => ordersRoutes(router, deps),
      start: async () => sweepCheckouts(runtime, deps),
    };
  },
});

/**
 * Checkouts whose runner died are finished or undone, long-delivered orders completed (ADR 0018)
 * and cart add keys older than a day forgotten (ADR 0029), without anyone asking. Returns how to stop.
 */
function sweepCheckouts(
  { config, logger }: ServiceRuntime<OrdersConfig>,
  { carts, checkout, orders }: OrdersDeps,
): () => Promise<void> {
  let stopped = false;
  let sweeping: Promise<void> | undefined;
  const sweep = async () => {
    try {
      while (!stopped && (await checkout.recoverAbandoned()) > 0) {}
    } catch (error) {
      logger.warn({ err: error }, "recovering abandoned checkouts failed; retrying on the next sweep");
    }
    try {
      while (!stopped && (await orders.completeDelivered(config.ORDER_AUTO_COMPLETE_MS)) > 0) {}
    } catch (error) {
      logger.warn({ err: error }, "completing delivered orders failed; retrying on the next sweep");
    }
    try {
      while (!stopped && (await carts.forgetExpiredAddKeys()) > 0) {}
    } catch (error) {
      logger.warn({ err: error }, "forgetting expired cart add keys failed; retrying on the next sweep");
    }
  };
  const timer = setInterval(() => {
    sweeping ??= sweep().finally(() => {
      sweeping = undefined;
    });
  }, config.CHECKOUT_RECOVERY_MS);
  return async () => {
    stopped = true;
    clearInterval(timer);
    await sweeping;
  };
}

/** The stores, upstream clients and workflow of one running orders service. */
function ordersParts(runtime: ServiceRuntime<OrdersConfig>): OrdersDeps {
  const { config, database, outbox } = runtime;
  const { catalog, stock } = rpcUpstreams({
    products: config.PRODUCTS_SERVICE_URL,
    sellers: config.SELLERS_SERVICE_URL,
    inventory: config.INVENTORY_SERVICE_URL,
    timeoutMs: config.UPSTREAM_TIMEOUT_MS,
    serviceToken: () => runtime.serviceToken(),
  });
  const carts = new Carts(database);
  const orders = new Orders(database, outbox);
  const checkout = new CheckoutWorkflow(orders, carts, catalog, stock, {
    reservationTtlSeconds: config.RESERVATION_TTL_SECONDS,
    leaseMs: config.CHECKOUT_LEASE_MS,
    pollMs: 25,
  });
  return { carts, orders, catalog, checkout };
}
