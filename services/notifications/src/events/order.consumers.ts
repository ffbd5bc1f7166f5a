import { eventSubjects } from "@mercato/contracts/events";
import type { Money as MoneyMessage } from "@mercato/contracts/mercato/common/v1/common_pb";
import type { OrderSnapshot } from "@mercato/contracts/mercato/orders/v1/orders_pb";
import { type ConsumerDefinition, defineConsumer } from "@mercato/platform";
import type { MessageLine, Money, ShipTo } from "../domain/templates.js";
import type { Notifier } from "../notify.workflow.js";

const money = (value: MoneyMessage | undefined): Money => ({
  amountMinor: Number(value?.amountMinor ?? 0n),
  currency: value?.currency ?? "EUR",
});

const linesOf = (snapshot: OrderSnapshot | undefined): MessageLine[] =>
  (snapshot?.lines ?? []).map((line) => ({
    title: line.title,
    quantity: Number(line.quantity),
    lineTotal: money(line.lineTotal),
  }));

function shipToOf(snapshot: OrderSnapshot | undefined): ShipTo {
  const contact = snapshot?.shippingAddress;
  const a = contact?.address;
  const lines = a
    ? [a.line1, a.line2, [a.postalCode, a.city].filter(Boolean).join(" "), a.region, a.countryCode].filter(
        Boolean,
      )
    : [];
  return { name: contact?.name ?? "", lines };
}

/**
 * What buyers and sellers hear of orders: the buyer one confirmation per checkout (however many
 * sellers) and each step of each order; the seller each new order and a buyer's cancellation.
 */
export function orderConsumers(notifier: Notifier): ConsumerDefinition[] {
  const steps = (["accepted", "shipped", "delivered", "completed"] as const).map((status) =>
    defineConsumer({
      name: `buyer-order-${status}`,
      on: {
        accepted: eventSubjects.orders.orderAccepted,
        shipped: eventSubjects.orders.orderShipped,
        delivered: eventSubjects.orders.orderDelivered,
        completed: eventSubjects.orders.orderCompleted,
      }[status],
      async handle(_ctx, tx, event, envelope) {
        const sellerName = event.snapshot?.seller?.name ?? "";
        const message =
          status === "shipped"
            ? {
                kind: "order.shipped" as const,
                orderId: event.orderId,
                sellerName,
                carrier: event.carrier,
                trackingNumber: event.trackingNumber,
              }
            : { kind: `order.${status}` as const, orderId: event.orderId, sellerName };
        await notifier.notify(tx, envelope.id, event.buyerId, message);
      },
    }),
  );
  return [
    defineConsumer({
      name: "buyer-checkout-completed",
      on: eventSubjects.orders.checkoutCompleted,
      async handle(_ctx, tx, event, envelope) {
        await notifier.notify(tx, envelope.id, event.buyerId, {
          kind: "order.placed",
          checkoutId: event.checkoutId,
          orders: event.orders.map((order) => ({
            orderId: order.orderId,
            sellerName: order.snapshot?.seller?.name ?? "",
            lines: linesOf(order.snapshot),
            total: money(order.snapshot?.total),
          })),
          totals: event.totals.map(money),
          shipTo: shipToOf(event.orders[0]?.snapshot),
        });
      },
    }),
    defineConsumer({
      name: "seller-order-placed",
      on: eventSubjects.orders.orderPlaced,
      async handle(_ctx, tx, event, envelope) {
        await notifier.notify(tx, envelope.id, event.sellerOwnerId, {
          kind: "order.new",
          orderId: event.orderId,
          storefrontName: event.snapshot?.seller?.name ?? "",
          lines: linesOf(event.snapshot),
          total: money(event.total),
          shipTo: shipToOf(event.snapshot),
        });
      },
    }),
    defineConsumer({
      name: "order-cancelled",
      on: eventSubjects.orders.orderCancelled,
      async handle(_ctx, tx, event, envelope) {
        const by =
          event.actorId === event.buyerId
            ? "buyer"
            : event.actorId === event.sellerOwnerId
              ? "seller"
              : "platform";
        const sellerName = event.snapshot?.seller?.name ?? "";
        await notifier.notify(tx, envelope.id, event.buyerId, {
          kind: "order.cancelled",
          orderId: event.orderId,
          sellerName,
          by,
          reason: event.reason,
        });
        if (by === "buyer")
          await notifier.notify(tx, envelope.id, event.sellerOwnerId, {
            kind: "order.cancelled_by_buyer",
            orderId: event.orderId,
            storefrontName: sellerName,
            reason: event.reason,
          });
      },
    }),
    ...steps,
  ] as ConsumerDefinition[];
}
