import type { MessageInitShape } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { eventSubjects } from "@mercato/contracts/events";
import type { OrderStatusChangedSchema } from "@mercato/contracts/mercato/orders/v1/events_pb";
import type { OrderSnapshotSchema } from "@mercato/contracts/mercato/orders/v1/orders_pb";
import type { EventSubject, Executor, Outbox } from "@mercato/platform";
import type { ContactAddress, Money, OrderSnapshot } from "../domain/checkout-plan.js";
import type { OrderStatus } from "../domain/order-status.js";
import type { Order } from "../store/order.store.js";

/** An amount as the contracts carry it. */
export const money = (value: Money) => ({ amountMinor: BigInt(value.amountMinor), currency: value.currency });

const contactToProto = (contact: ContactAddress) => ({
  name: contact.name,
  phone: contact.phone,
  address: contact.address,
});

/** An order's frozen snapshot as the contracts (the Order message and the events) carry it. */
export function snapshotToProto(snapshot: OrderSnapshot): MessageInitShape<typeof OrderSnapshotSchema> {
  return {
    lines: snapshot.lines.map((line) => ({
      variantId: line.variantId,
      productId: line.productId,
      title: line.title,
      sku: line.sku,
      options: line.options,
      mediaId: line.mediaId,
      unitPrice: money(line.unitPrice),
      quantity: BigInt(line.quantity),
      lineTotal: money(line.lineTotal),
    })),
    seller: snapshot.seller,
    shippingAddress: contactToProto(snapshot.shippingAddress),
    billingAddress: contactToProto(snapshot.billingAddress),
    subtotal: money(snapshot.subtotal),
    total: money(snapshot.total),
    note: snapshot.note,
  };
}

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
    snapshot: snapshotToProto(order.snapshot),
    carrier: order.carrier,
  });
}

/**
 * Records CheckoutCompleted for a checkout whose `orders` were just placed, in the transaction that
 * placed them: the buyer's one message about the whole checkout.
 */
export async function recordCheckoutCompleted(
  outbox: Outbox,
  tx: Executor,
  checkout: { id: string; buyerId: string },
  orders: readonly Order[],
  at: Date,
): Promise<void> {
  const totals = new Map<string, number>();
  for (const order of orders) {
    const { currency, amountMinor } = order.snapshot.total;
    totals.set(currency, (totals.get(currency) ?? 0) + amountMinor);
  }
  await outbox.add(tx, eventSubjects.orders.checkoutCompleted, {
    checkoutId: checkout.id,
    buyerId: checkout.buyerId,
    orders: orders.map((order) => ({
      orderId: order.id,
      storefrontId: order.storefrontId,
      sellerOwnerId: order.sellerOwnerId,
      snapshot: snapshotToProto(order.snapshot),
    })),
    totals: [...totals].map(([currency, amountMinor]) => money({ currency, amountMinor })),
    completedAt: timestampFromDate(at),
  });
}
