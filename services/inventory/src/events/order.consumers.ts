import { eventSubjects } from "@mercato/contracts/events";
import { type ConsumerDefinition, defineConsumer } from "@mercato/platform";
import type { Inventory } from "../store/stock.store.js";

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
      on: eventSubjects.orders.orderCancelled,
      // Restocking locks stock rows, which checkouts lock in variant order: several orders' restocks
      // in one transaction could take them in another order and deadlock with a checkout (ADR 0053).
      maxBatch: 1,
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
