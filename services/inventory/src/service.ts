import { fileURLToPath } from "node:url";
import { InventoryService } from "@mercato/contracts/mercato/inventory/v1/inventory_pb";
import { defineService, loadSqlMigrations, type ServiceRuntime } from "@mercato/platform";
import { type InventoryConfig, inventoryConfigSchema } from "./config.js";
import { catalogConsumers } from "./events/catalog.consumers.js";
import { orderConsumers } from "./events/order.consumers.js";
import { ReservationSweeper } from "./jobs/reservation-sweeper.js";
import { inventoryRoutes } from "./rpc/inventory.rpc.js";
import { ReservationHints } from "./store/reservation-hints.js";
import { Inventory } from "./store/stock.store.js";

const migrationsFolder = fileURLToPath(new URL("./store/migrations/", import.meta.url));

/** The store on the runtime's database, outbox and key-value store (hints, cached levels). */
function inventoryOf({ database, outbox, kv, config, logger }: ServiceRuntime<InventoryConfig>): Inventory {
  return new Inventory(database, outbox, {
    kv,
    stockCacheTtlMs: config.STOCK_CACHE_TTL_MS,
    warn: (error, message) => logger.warn({ err: error }, message),
  });
}

/**
 * The inventory service (port 9004, private): stock per variant, its movements ledger, low-stock
 * thresholds, checkout reservations that expire on their own, and cancelled orders' units back on hand.
 */
export const inventoryService = defineService<InventoryConfig>({
  name: "inventory",
  defaultPort: 9004,
  rpcServices: [InventoryService.typeName],
  config: inventoryConfigSchema,
  migrations: () => loadSqlMigrations(migrationsFolder),
  setup(runtime) {
    const inventory = inventoryOf(runtime);
    return {
      rpc: (router) => inventoryRoutes(router, inventory),
      consumers: [...catalogConsumers(), ...orderConsumers(inventory)],
      start: () => sweepReservations(runtime, inventory),
    };
  },
});

/**
 * Expired reservations give their units back without anyone asking (ADR 0015); the due hints in
 * the key-value store say when PostgreSQL is worth asking (ADR 0017). Returns how to stop.
 */
async function sweepReservations(
  runtime: ServiceRuntime<InventoryConfig>,
  inventory: Inventory,
): Promise<() => Promise<void>> {
  const { config, kv, logger } = runtime;
  const sweeper = new ReservationSweeper({
    inventory,
    hints: new ReservationHints(kv),
    fullSweepMs: config.RESERVATION_FULL_SWEEP_MS,
  });
  let sweeping: Promise<void> | undefined;
  const timer = setInterval(() => {
    // One tick at a time: a slow one is not queued behind by the next.
    sweeping ??= sweeper
      .tick()
      .then(
        (outcome) => {
          if (outcome.expired > 0) logger.info(outcome, "expired reservations");
        },
        (error: unknown) =>
          logger.warn({ err: error }, "expiring reservations failed; retrying on the next tick"),
      )
      .finally(() => {
        sweeping = undefined;
      });
  }, config.RESERVATION_SWEEP_MS);
  return async () => {
    sweeper.stop();
    clearInterval(timer);
    await sweeping;
  };
}
