import {
  InventoryService,
  type Movement,
  MovementReason,
  type StockLevel,
} from "@mercato/contracts/mercato/inventory/v1/inventory_pb";
import type { GatewayDeps } from "../../module.js";
import { operation, withRole } from "../../operation.js";
import type { PageRequest } from "../../rest-schema.js";
import { jsonInteger, orNull } from "../catalog-common.js";
import { enumName, enumValue } from "../catalog-json.js";
import { isoTime } from "../rest.js";
import type { AdjustmentReason, StockLevelModel, StockMovementModel } from "./schemas.js";

/**
 * Stock is for sellers and admins: buyers see availability through products and carts. The
 * inventory service refuses a seller any variant of another storefront (403), as it does changes.
 */
const sellerOrAdmin = withRole(["seller", "admin"], "stock is for sellers and admins");

/** A variant's stock as clients see it. */
function stockJson(level: StockLevel | undefined): StockLevelModel {
  if (!level) throw new Error("the inventory service answered without a stock level");
  return {
    variantId: level.variantId,
    productId: level.productId,
    onHand: jsonInteger(level.onHand),
    reserved: jsonInteger(level.reserved),
    available: jsonInteger(level.available),
    lowStockThreshold: level.lowStockThreshold === undefined ? null : jsonInteger(level.lowStockThreshold),
    low: level.low,
    version: jsonInteger(level.version),
    updatedAt: isoTime(level.updatedAt),
  };
}

/** A ledger entry as clients see it. */
function movementJson(movement: Movement): StockMovementModel {
  return {
    id: movement.id,
    variantId: movement.variantId,
    quantity: jsonInteger(movement.quantity),
    reason: enumName(MovementReason, movement.reason) as StockMovementModel["reason"],
    note: movement.note,
    actorId: movement.actorId,
    reservationId: orNull(movement.reservationId),
    onHandAfter: jsonInteger(movement.onHandAfter),
    createdAt: isoTime(movement.createdAt),
  };
}

/** Units added (or, as an adjustment, removed) on hand, with why. */
export interface Adjustment {
  variantId: string;
  quantity: number;
  reason: AdjustmentReason;
  note?: string | null | undefined;
}

/**
 * Seller operations on the private inventory service: stock levels, adjustments, low-stock
 * thresholds and the ledger. Field names in refusals are the service's; the adapters rename them.
 */
export function inventoryOperations({ services }: GatewayDeps, serviceName = "inventory") {
  const inventory = () => services.client(serviceName, InventoryService);
  return {
    /** Stock of variants; variants never stocked are left out. */
    stock: operation(sellerOrAdmin, async (_ctx, input: { variantIds: string[] }) => {
      const answer = await inventory().getStock({ variantIds: input.variantIds });
      return answer.levels.map(stockJson);
    }),

    /** A variant's ledger, newest first, one page. */
    movements: operation(sellerOrAdmin, async (_ctx, input: { variantId: string } & PageRequest) => {
      const page = await inventory().listMovements(input);
      return { items: page.movements.map(movementJson), nextCursor: page.nextCursor };
    }),

    /** Records an adjustment in the ledger; answers the new stock. */
    adjust: operation(sellerOrAdmin, async (_ctx, input: Adjustment) => {
      const answer = await inventory().adjustStock({
        variantId: input.variantId,
        quantity: BigInt(input.quantity),
        reason: enumValue(MovementReason, input.reason),
        note: input.note ?? "",
      });
      return stockJson(answer.level);
    }),

    /** Sets the level below which a low-stock event is published; null clears it. */
    setThreshold: operation(
      sellerOrAdmin,
      async (_ctx, input: { variantId: string; threshold: number | null }) => {
        const answer = await inventory().setLowStockThreshold({
          variantId: input.variantId,
          ...(input.threshold === null ? {} : { threshold: BigInt(input.threshold) }),
        });
        return stockJson(answer.level);
      },
    ),
  };
}

/** The inventory domain's operations. */
export type InventoryOperations = ReturnType<typeof inventoryOperations>;
