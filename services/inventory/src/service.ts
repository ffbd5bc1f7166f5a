import { fileURLToPath } from "node:url";
import { InventoryService } from "@mercato/contracts/mercato/inventory/v1/inventory_pb";
import { defineService, loadSqlMigrations } from "@mercato/platform";
import { type InventoryConfig, inventoryConfigSchema } from "./config.js";
import { catalogConsumers } from "./events/catalog.consumers.js";
import { inventoryRoutes } from "./rpc/inventory.rpc.js";
import { Inventory } from "./store/stock.store.js";

const migrationsFolder = fileURLToPath(new URL("./store/migrations/", import.meta.url));

/**
 * The inventory service (port 9004, private): stock per variant, its movements ledger, low-stock
 * thresholds and checkout reservations that expire on their own.
 */
export const inventoryService = defineService<InventoryConfig>({
  name: "inventory",
  defaultPort: 9004,
  rpcServices: [InventoryService.typeName],
  config: inventoryConfigSchema,
  migrations: () => loadSqlMigrations(migrationsFolder),
  consumers: () => catalogConsumers(),
  rpc(router, { database, outbox }) {
    inventoryRoutes(router, new Inventory(database, outbox));
  },
  async start({ config, database, outbox, logger }) {
    const inventory = new Inventory(database, outbox);
    let stopped = false;
    let sweeping: Promise<void> | undefined;
    // Expired reservations give their units back without anyone asking (ADR 0015).
    const sweep = async () => {
      try {
        while (!stopped && (await inventory.expireDue()) > 0) {}
      } catch (error) {
        logger.warn({ err: error }, "expiring reservations failed; retrying on the next sweep");
      }
    };
    const timer = setInterval(() => {
      // One sweep at a time: a slow one is not queued behind by the next tick.
      sweeping ??= sweep().finally(() => {
        sweeping = undefined;
      });
    }, config.RESERVATION_SWEEP_MS);
    return async () => {
      stopped = true;
      clearInterval(timer);
      await sweeping;
    };
  },
});
