import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { OrderStatusChangedSchema } from "@mercato/contracts/mercato/orders/v1/events_pb";
import type { Executor, Outbox } from "@mercato/platform";
import type { OrderStatus } from "../domain/order-status.js";
import type { Order } from "../store/order.store.js";

/** Subject of each lifecycle step: `mercato.orders.order.<verb>`. */
export const orderSubjects: Record<Exclude<OrderStatus, "pending">, string> = {
  placed: "mercato.orders.order.placed",
  accepted: "mercato.orders.order.accepted",
  shipped: "mercato.orders.order.shipped",
  delivered: "mercato.orders.order.delivered",
  completed: "mercato.orders.order.completed",
  cancelled: "mercato.orders.order.cancelled",
};

/** Records OrderStatusChanged for `order` (already in its new status) in the transaction that moved it. */
export async function recordOrderStatusChanged(
  outbox: Outbox,
  tx: Executor,
  order: Order,
  change: { previousStatus: OrderStatus | undefined; actorId: string; reason: string; at: Date },
): Promise<void> {
  if (order.status === "pending") throw new Error("a pending order publishes nothing");
  await outbox.add(tx, {
    subject: orderSubjects[order.status],
    schema: OrderStatusChangedSchema,
    message: create(OrderStatusChangedSchema, {
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
    }),
  });
}
