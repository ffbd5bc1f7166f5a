import { eventSubjects } from "@mercato/contracts/events";
import { type ConsumerDefinition, defineConsumer } from "@mercato/platform";
import { completedOrderFrom } from "../domain/payout-rules.js";
import { creditCompletedOrder } from "../store/payouts.store.js";

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
      on: eventSubjects.orders.orderCompleted,
      async handle(_ctx, tx, message) {
        await creditCompletedOrder(tx, completedOrderFrom(message), commissionBps);
      },
    }),
  ] as ConsumerDefinition[];
}
