import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { eventSubjects } from "@mercato/contracts/events";
import type { OrderStatusChangedSchema } from "@mercato/contracts/mercato/orders/v1/events_pb";
import type { EventSubject, Executor, Outbox } from "@mercato/platform";
import type { OrderStatus } from "../domain/order-status.js";
import type { Order } from "../store/order.store.js";

/** The subject each lifecycle step publishes on: `mercato.orders.order.<status>`. */
const statusSubjects: Record<
  Exclude<OrderStatus, "pending">,
  EventSubject<typeof OrderStatusChangedSchema>
> = {
  placed: eventSubjects.orders.orderPlaced,
  accepted: eventSubjects.orders.orderAccepted,
  shipped: eventSubjects.orders.orderShipped,
  delivered: eventSubjects.orders.orderDelivered,
  completed: eventSubjects.orders.orderCompleted,
  cancelled: eventSubjects.orders.orderCancelled,
};

/** Records OrderStatusChanged for `order` (already in its new status) in the transaction that moved it. */
export async function recordOrderStatusChanged(
  outbox: Outbox,
  tx: Executor,
  order: Order,
  change: { previousStatus: OrderStatus | undefined; actorId: string; reason: string; at: Date },
): Promise<void> {
  if (order.status === "pending") throw new Error("a pending order publishes nothing");
  await outbox.add(tx, statusSubjects[order.status], {
    orderId: order.id,
    checkoutId: order.checkoutId,
    buyerId: order.buyerId,
    storefrontId: order.storefrontId,
    sellerOwnerId: order.sellerOwnerId,
    status: order.status,
    previousStatus: change.previousStatus ?? "",
    total: {
      amountMinor: BigInt(order.snapshot.total.amountMinor),
      currency: order.snapshot.total.currency,
    },
    lines: order.snapshot.lines.map((line) => ({
      variantId: line.variantId,
      productId: line.productId,
      quantity: BigInt(line.quantity),
    })),
    actorId: change.actorId,
    reason: change.reason,
    trackingNumber: order.trackingNumber,
    version: BigInt(order.version),
    changedAt: timestampFromDate(change.at),
  });
}
