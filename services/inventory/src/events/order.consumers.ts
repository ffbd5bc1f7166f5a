import { OrderStatusChangedSchema } from "@mercato/contracts/mercato/orders/v1/events_pb";
import { type ConsumerDefinition, defineConsumer } from "@mercato/platform";
import type { Inventory } from "../store/stock.store.js";

/** Subjects of the orders service's events that inventory follows. */
export const orderSubjects = {
  cancelled: "mercato.orders.order.cancelled",
} as const;

/** Name of the consumer that restocks cancelled orders. */
export const orderCancelledConsumer = "order-cancelled-restock";

/**
 * The consumer that puts a cancelled order's sold units back on hand, once per order (the inbox drops
 * a redelivered event; the store drops the same order under another event id). A malformed event is
 * parked after its attempts, with the error naming the field.
 */
export function orderConsumers(inventory: Inventory): ConsumerDefinition[] {
  return [
    defineConsumer({
      name: orderCancelledConsumer,
      subject: orderSubjects.cancelled,
      schema: OrderStatusChangedSchema,
      async handle(_ctx, tx, message) {
        await inventory.restockCancelledOrder(tx, {
          orderId: message.orderId,
          reservationId: message.checkoutId,
          actorId: message.actorId,
          reason: message.reason,
          lines: message.lines.map((line) => ({
            variantId: line.variantId,
            productId: line.productId,
            quantity: Number(line.quantity),
          })),
        });
      },
    }),
  ] as ConsumerDefinition[];
}
