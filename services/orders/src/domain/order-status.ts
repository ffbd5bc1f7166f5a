import type { Caller } from "@mercato/platform";
import { FailedPrecondition, NotFound, PermissionDenied } from "@mercato/platform";

/** Where an order stands. `pending` is internal: the checkout has not committed its stock yet. */
export type OrderStatus =
  | "pending"
  | "placed"
  | "accepted"
  | "shipped"
  | "delivered"
  | "completed"
  | "cancelled";

/** A step of the lifecycle a caller asks for. */
export type OrderAction = "accept" | "ship" | "deliver" | "complete" | "cancel";

/** How the caller stands to an order. */
export type OrderParty = "buyer" | "seller" | "admin";

/** Status each action moves an order to. */
export const actionTarget: Record<OrderAction, OrderStatus> = {
  accept: "accepted",
  ship: "shipped",
  deliver: "delivered",
  complete: "completed",
  cancel: "cancelled",
};

/** For each action and party, the statuses it may start from; a party missing may not take it. */
const rules: Record<OrderAction, Partial<Record<OrderParty, readonly OrderStatus[]>>> = {
  accept: { seller: ["placed"], admin: ["placed"] },
  ship: { seller: ["accepted"], admin: ["accepted"] },
  deliver: { seller: ["shipped"], admin: ["shipped"] },
  complete: { buyer: ["delivered"], admin: ["delivered"] },
  // Buyers may change their mind until the parcel leaves; sellers may decline until they accept.
  cancel: { buyer: ["placed", "accepted"], seller: ["placed"], admin: ["placed", "accepted"] },
};

/** The parts of an order that decide who may act on it. */
export interface OrderParties {
  id: string;
  buyerId: string;
  sellerOwnerId: string;
  status: OrderStatus;
}

/** How `caller` stands to `order`, or undefined when it is none of its parties. */
export function partyOf(caller: Caller, order: OrderParties): OrderParty | undefined {
  if (caller.roles.includes("admin")) return "admin";
  if (caller.id === order.buyerId) return "buyer";
  if (caller.id === order.sellerOwnerId) return "seller";
  return undefined;
}

/** Whether `caller` may see `order`: its buyer, its seller or an admin. */
export function maySee(caller: Caller, order: OrderParties): boolean {
  return partyOf(caller, order) !== undefined && order.status !== "pending";
}

/**
 * The status `action` by `caller` takes `order` to. Someone who is not a party gets NotFound (the
 * order's existence is not theirs to learn); a party without the right PermissionDenied; a party
 * with the right at the wrong moment FailedPrecondition naming the status.
 */
export function nextStatus(caller: Caller, order: OrderParties, action: OrderAction): OrderStatus {
  const party = partyOf(caller, order);
  if (!party || order.status === "pending") throw new NotFound(`order ${order.id} not found`);
  const from = rules[action][party];
  if (!from) {
    const allowed = Object.keys(rules[action]).join(" or ");
    throw new PermissionDenied(`only the order's ${allowed} may ${action} it`);
  }
  if (!from.includes(order.status)) {
    throw new FailedPrecondition(
      `order ${order.id} is ${order.status}; the ${party} may ${action} it only when it is ${from.join(" or ")}`,
    );
  }
  return actionTarget[action];
}
