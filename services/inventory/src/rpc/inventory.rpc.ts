import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import type { ConnectRouter, HandlerContext } from "@connectrpc/connect";
import {
  AdjustStockResponseSchema,
  CommitReservationResponseSchema,
  GetStockResponseSchema,
  InventoryService,
  ListMovementsResponseSchema,
  type Movement as MovementMessage,
  MovementReason,
  MovementSchema,
  ReleaseReservationResponseSchema,
  type Reservation as ReservationMessage,
  ReservationSchema,
  ReservationStatus,
  ReserveResponseSchema,
  SetLowStockThresholdResponseSchema,
  type StockLevel as StockLevelMessage,
  StockLevelSchema,
} from "@mercato/contracts/mercato/inventory/v1/inventory_pb";
import { type Caller, InvalidArgument, requireServiceCaller, signedInCaller } from "@mercato/platform";
import type { Inventory, Movement, Reservation, StockLevel } from "../store/stock.store.js";

/** Page size of ListMovements when the request asks for none. */
export const defaultMovementPage = 20;

const reasonToProto: Record<Movement["reason"], MovementReason> = {
  replenishment: MovementReason.REPLENISHMENT,
  adjustment: MovementReason.ADJUSTMENT,
  sale: MovementReason.SALE,
  cancellation: MovementReason.CANCELLATION,
};

const statusToProto: Record<Reservation["status"], ReservationStatus> = {
  held: ReservationStatus.HELD,
  committed: ReservationStatus.COMMITTED,
  released: ReservationStatus.RELEASED,
  expired: ReservationStatus.EXPIRED,
};

/** A stock level as the contract carries it. */
export function levelToProto(level: StockLevel): StockLevelMessage {
  return create(StockLevelSchema, {
    variantId: level.variantId,
    productId: level.productId,
    onHand: BigInt(level.onHand),
    reserved: BigInt(level.reserved),
    available: BigInt(level.available),
    ...(level.lowStockThreshold !== undefined ? { lowStockThreshold: BigInt(level.lowStockThreshold) } : {}),
    low: level.low,
    version: BigInt(level.version),
    updatedAt: timestampFromDate(level.updatedAt),
  });
}

/** What anybody may see of a stock level: how many units can be bought now. */
function availabilityToProto(level: StockLevel): StockLevelMessage {
  return create(StockLevelSchema, {
    variantId: level.variantId,
    productId: level.productId,
    available: BigInt(level.available),
  });
}

function movementToProto(movement: Movement): MovementMessage {
  return create(MovementSchema, {
    id: movement.id,
    variantId: movement.variantId,
    quantity: BigInt(movement.quantity),
    reason: reasonToProto[movement.reason],
    note: movement.note,
    actorId: movement.actorId,
    reservationId: movement.reservationId ?? "",
    onHandAfter: BigInt(movement.onHandAfter),
    createdAt: timestampFromDate(movement.createdAt),
  });
}

function reservationToProto(reservation: Reservation): ReservationMessage {
  return create(ReservationSchema, {
    id: reservation.id,
    status: statusToProto[reservation.status],
    expiresAt: timestampFromDate(reservation.expiresAt),
    lines: reservation.lines.map((line) => ({ variantId: line.variantId, quantity: BigInt(line.quantity) })),
  });
}

/** Reservations are the orders service's, made with its own token (ADR 0018); users get 403. */
function checkoutCaller(context: HandlerContext): Caller {
  return requireServiceCaller(
    signedInCaller(context),
    "orders",
    "reservations are made by the orders service at checkout, not by users",
  );
}

/** Registers the InventoryService handlers. */
export function inventoryRoutes(router: ConnectRouter, inventory: Inventory): void {
  router.service(InventoryService, {
    async getStock(req, context) {
      if (req.availabilityOnly) {
        const levels = await inventory.levels(req.variantIds);
        return create(GetStockResponseSchema, { levels: levels.map(availabilityToProto) });
      }
      const levels = await inventory.managedLevels(signedInCaller(context), req.variantIds);
      return create(GetStockResponseSchema, { levels: levels.map(levelToProto) });
    },

    async adjustStock(req, context) {
      const caller = signedInCaller(context);
      if (req.quantity === 0n) throw InvalidArgument.field("quantity", "must not be 0");
      const reason = req.reason === MovementReason.REPLENISHMENT ? "replenishment" : "adjustment";
      const level = await inventory.adjust(caller, {
        variantId: req.variantId,
        quantity: Number(req.quantity),
        reason,
        note: req.note,
      });
      return create(AdjustStockResponseSchema, { level: levelToProto(level) });
    },

    async setLowStockThreshold(req, context) {
      const caller = signedInCaller(context);
      const threshold = req.threshold === undefined ? undefined : Number(req.threshold);
      const level = await inventory.setLowStockThreshold(caller, req.variantId, threshold);
      return create(SetLowStockThresholdResponseSchema, { level: levelToProto(level) });
    },

    async listMovements(req, context) {
      const caller = signedInCaller(context);
      const limit = req.limit || defaultMovementPage;
      const page = await inventory.movements(caller, req.variantId, limit + 1, req.cursor || undefined);
      const movements = page.slice(0, limit);
      const last = movements[movements.length - 1];
      return create(ListMovementsResponseSchema, {
        movements: movements.map(movementToProto),
        nextCursor: page.length > limit && last ? last.id : "",
      });
    },

    async reserve(req, context) {
      checkoutCaller(context);
      const reservation = await inventory.reserve({
        id: req.reservationId,
        lines: req.lines.map((line) => ({ variantId: line.variantId, quantity: Number(line.quantity) })),
        ttlMs: req.ttlSeconds * 1_000,
      });
      return create(ReserveResponseSchema, { reservation: reservationToProto(reservation) });
    },

    async commitReservation(req, context) {
      const caller = checkoutCaller(context);
      const reservation = await inventory.commit(req.reservationId, req.actorId.toLowerCase() || caller.id);
      return create(CommitReservationResponseSchema, { reservation: reservationToProto(reservation) });
    },

    async releaseReservation(req, context) {
      checkoutCaller(context);
      const reservation = await inventory.release(req.reservationId);
      return create(ReleaseReservationResponseSchema, { reservation: reservationToProto(reservation) });
    },
  });
}
