import { OrderStatusChangedSchema } from "@mercato/contracts/mercato/orders/v1/events_pb";
import { type ConsumerDefinition, defineConsumer } from "@mercato/platform";
import { completedOrderFrom } from "../domain/payout-rules.js";
import { creditCompletedOrder } from "../store/payouts.store.js";

/** Subject of the orders service's event that credits a seller's balance. */
export const orderCompletedSubject = "mercato.orders.order.completed";

/** Name of the consumer that credits completed orders (with the service name, its durable name). */
export const orderCreditsConsumer = "order-credits";

/**
 * The consumer that credits each completed order to its storefront's balance, less the platform
 * commission of `commissionBps`. The inbox drops a redelivered event; the ledger's unique order id
 * drops a second event about the same order. An event that cannot be credited is parked.
 */
export function orderConsumers(commissionBps: number): ConsumerDefinition[] {
  return [
    defineConsumer({
      name: orderCreditsConsumer,
      subject: orderCompletedSubject,
      schema: OrderStatusChangedSchema,
      async handle(_ctx, tx, message) {
        await creditCompletedOrder(tx, completedOrderFrom(message), commissionBps);
      },
    }),
  ] as ConsumerDefinition[];
}
