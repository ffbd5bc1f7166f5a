import {
  type Checkout,
  type ContactAddress,
  type Order,
  OrderStatus,
} from "@mercato/contracts/mercato/orders/v1/orders_pb";
import { jsonInteger, moneyJson, orNull } from "../catalog-common.js";
import { enumName } from "../catalog-json.js";
import { postalAddressJson } from "../postal-address.js";
import { isoTime } from "../rest.js";
import type { CheckoutModel, MoneyJson, OrderModel, OrderStatusName } from "./schemas.js";

const statusName = (status: OrderStatus) => enumName(OrderStatus, status) as OrderStatusName;

/**
 * Money the orders service always sets (an order's prices and totals); were one absent, the null
 * would fail where it is read (the REST serializer, a non-null GraphQL field), as it always has.
 */
const money = (value: Parameters<typeof moneyJson>[0]) => moneyJson(value) as MoneyJson;

function contactJson(contact: ContactAddress | undefined) {
  return {
    name: contact?.name ?? "",
    phone: orNull(contact?.phone ?? ""),
    address: postalAddressJson(contact?.address),
  };
}

/** An order as clients see it: its frozen snapshot, status lower-case, times ISO 8601. */
export function orderJson(order: Order | undefined): OrderModel {
  if (!order) throw new Error("the orders service answered without an order");
  const snapshot = order.snapshot;
  const seller = snapshot?.seller;
  return {
    id: order.id,
    checkoutId: order.checkoutId,
    buyerId: order.buyerId,
    storefrontId: order.storefrontId,
    status: statusName(order.status),
    carrier: orNull(order.carrier),
    trackingNumber: orNull(order.trackingNumber),
    snapshot: {
      lines: (snapshot?.lines ?? []).map((line) => ({
        variantId: line.variantId,
        productId: line.productId,
        title: line.title,
        sku: line.sku,
        options: { ...line.options },
        mediaId: orNull(line.mediaId),
        unitPrice: money(line.unitPrice),
        quantity: jsonInteger(line.quantity),
        lineTotal: money(line.lineTotal),
      })),
      seller: {
        storefrontId: seller?.storefrontId ?? order.storefrontId,
        name: seller?.name ?? "",
        slug: seller?.slug ?? "",
        address: postalAddressJson(seller?.address),
        email: orNull(seller?.email ?? ""),
        phone: orNull(seller?.phone ?? ""),
      },
      shippingAddress: contactJson(snapshot?.shippingAddress),
      billingAddress: contactJson(snapshot?.billingAddress),
      subtotal: money(snapshot?.subtotal),
      total: money(snapshot?.total),
      note: snapshot?.note ?? "",
    },
    history: order.history.map((step) => ({
      status: statusName(step.status),
      actorId: step.actorId,
      reason: orNull(step.reason),
      at: isoTime(step.at),
    })),
    version: jsonInteger(order.version),
    createdAt: isoTime(order.createdAt),
    updatedAt: isoTime(order.updatedAt),
  };
}

/** A checkout as clients see it; `replayed` when it answers an earlier request with the same key. */
export function checkoutJson(checkout: Checkout | undefined, replayed: boolean): CheckoutModel {
  if (!checkout) throw new Error("the orders service answered without a checkout");
  return {
    id: checkout.id,
    orders: checkout.orders.map(orderJson),
    totals: checkout.totals.map(money),
    createdAt: isoTime(checkout.createdAt),
    replayed,
  };
}
