import { type Static, Type } from "typebox";
import { closedObject, DateTime, int64, nullable, page, stringEnum, Uuid } from "../../rest-schema.js";

/** The reasons a seller records by hand. */
export const adjustmentReasons = ["replenishment", "adjustment"] as const;

/** A reason a seller records by hand. */
export type AdjustmentReason = (typeof adjustmentReasons)[number];

/** A variant's stock as clients see it (REST body and GraphQL `StockLevel`). */
export const StockLevel = Type.Object(
  {
    variantId: Uuid,
    productId: Uuid,
    onHand: int64(),
    reserved: int64({ description: "held by checkouts in progress" }),
    available: int64({ description: "on hand minus reserved" }),
    lowStockThreshold: nullable(int64()),
    low: Type.Boolean(),
    version: int64(),
    updatedAt: Type.Optional(DateTime),
  },
  { $id: "StockLevel" },
);

/** What the GraphQL `StockLevel` resolves from. */
export type StockLevelModel = Static<typeof StockLevel>;

/** One entry of a variant's stock ledger as clients see it (lower-case reason; GraphQL upper-cases it). */
export const StockMovement = Type.Object(
  {
    id: Uuid,
    variantId: Uuid,
    quantity: int64({ description: "positive in, negative out" }),
    reason: stringEnum(["replenishment", "adjustment", "sale", "cancellation"]),
    note: Type.String(),
    actorId: Type.String(),
    reservationId: nullable(Type.String()),
    onHandAfter: int64(),
    createdAt: Type.Optional(DateTime),
  },
  { $id: "StockMovement" },
);

/** What the GraphQL `StockMovement` resolves from. */
export type StockMovementModel = Static<typeof StockMovement>;

/** A REST page of ledger entries. */
export const StockMovementPage = page("StockMovementPage", StockMovement);

/** REST `GET /inventory` query: the variants, comma-separated. */
export const StockQuery = closedObject({
  variantIds: Type.String({
    pattern: "^[0-9a-fA-F-]{36}(,[0-9a-fA-F-]{36}){0,199}$",
    description: "comma-separated variant ids, 1 to 200",
  }),
});

/** REST body of an adjustment: a change of units on hand, never 0. */
export const AdjustmentBody = closedObject({
  quantity: Type.Integer({ minimum: -1_000_000, maximum: 1_000_000, not: { const: 0 } }),
  reason: stringEnum(adjustmentReasons),
  note: Type.Optional(nullable(Type.String({ maxLength: 500 }))),
});

/** REST body of a threshold change; null clears it. */
export const ThresholdBody = closedObject({
  threshold: nullable(Type.Integer({ minimum: 0, maximum: 1_000_000 })),
});
