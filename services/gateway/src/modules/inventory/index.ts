import { defineDomain } from "../../domain.js";
import type { GatewayModule } from "../../module.js";
import { inventoryOperations } from "./operations.js";
import { inventoryResolvers } from "./resolvers.js";
import { inventoryRoutes } from "./routes.js";
import { StockLevel, StockMovement, StockMovementPage } from "./schemas.js";

/**
 * Seller operations on the private inventory service: stock levels, adjustments, low-stock
 * thresholds and the ledger, in GraphQL and REST under /api/v1/inventory.
 */
export function inventoryGatewayModule(serviceName = "inventory"): GatewayModule {
  return defineDomain({
    name: "inventory",
    sdl: [new URL("./inventory.graphql", import.meta.url)],
    operations: (deps) => inventoryOperations(deps, serviceName),
    schemas: [StockLevel, StockMovement, StockMovementPage],
    resolvers: inventoryResolvers,
    routes: inventoryRoutes,
  });
}
