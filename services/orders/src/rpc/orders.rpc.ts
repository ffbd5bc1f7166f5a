import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import type { ConnectRouter, HandlerContext } from "@connectrpc/connect";
import { PostalAddressSchema } from "@mercato/contracts/mercato/common/v1/common_pb";
import {
  type Cart as CartMessage,
  CartSchema,
  type Checkout as CheckoutMessage,
  CheckoutSchema,
  type ContactAddress as ContactAddressMessage,
  type Order as OrderMessage,
  OrderSchema,
  OrderStatus as OrderStatusEnum,
  OrdersService,
} from "@mercato/contracts/mercato/orders/v1/orders_pb";
import {
  type Caller,
  checkPostalAddress,
  contextOf,
  decodeOpaqueCursor,
  encodeOpaqueCursor,
  FailedPrecondition,
  type FieldViolation,
  hasControlCharacters,
  InvalidArgument,
  invalidFields,
  PermissionDenied,
  signedInCaller,
  tidyText,
} from "@mercato/platform";
import { validate as isUuid } from "uuid";
import type { CheckoutResult, CheckoutWorkflow } from "../checkout.workflow.js";
import { type ContactAddress, ownGoodsRefusal } from "../domain/checkout-plan.js";
import type { OrderStatus } from "../domain/order-status.js";
import { money, snapshotToProto } from "../events/order-events.js";
import type { Cart, Carts } from "../store/cart.store.js";
import type { Order, Orders } from "../store/order.store.js";
import type { Catalog } from "../upstream.js";

/** Page size of order lists when the request asks for none. */
export const defaultOrderPage = 20;

const statusToProto: Record<Exclude<OrderStatus, "pending">, OrderStatusEnum> = {
  placed: OrderStatusEnum.PLACED,
  accepted: OrderStatusEnum.ACCEPTED,
  shipped: OrderStatusEnum.SHIPPED,
  delivered: OrderStatusEnum.DELIVERED,
  completed: OrderStatusEnum.COMPLETED,
  cancelled: OrderStatusEnum.CANCELLED,
};

const statusFromProto = new Map(
  Object.entries(statusToProto).map(([name, value]) => [value, name as Exclude<OrderStatus, "pending">]),
);

function cartToProto(cart: Cart): CartMessage {
  return create(CartSchema, {
    buyerId: cart.buyerId,
    lines: cart.lines.map((line) => ({
      variantId: line.variantId,
      quantity: BigInt(line.quantity),
      priceWhenAdded: money(line.priceWhenAdded),
      addedAt: timestampFromDate(line.addedAt),
    })),
    ...(cart.updatedAt ? { updatedAt: timestampFromDate(cart.updatedAt) } : {}),
  });
}

/** An order as the contract carries it. */
export function orderToProto(order: Order): OrderMessage {
  return create(OrderSchema, {
    id: order.id,
    checkoutId: order.checkoutId,
    buyerId: order.buyerId,
    storefrontId: order.storefrontId,
    status: order.status === "pending" ? OrderStatusEnum.UNSPECIFIED : statusToProto[order.status],
    snapshot: snapshotToProto(order.snapshot),
    carrier: order.carrier,
    trackingNumber: order.trackingNumber,
    history: order.history.map((step) => ({
      status: step.status === "pending" ? OrderStatusEnum.UNSPECIFIED : statusToProto[step.status],
      actorId: step.actorId,
      reason: step.reason,
      at: timestampFromDate(step.at),
    })),
    version: BigInt(order.version),
    createdAt: timestampFromDate(order.createdAt),
    updatedAt: timestampFromDate(order.updatedAt),
  });
}

function checkoutToProto(result: CheckoutResult): CheckoutMessage {
  return create(CheckoutSchema, {
    id: result.id,
    orders: result.orders.map(orderToProto),
    totals: result.totals.map(money),
    createdAt: timestampFromDate(result.createdAt),
  });
}

/**
 * A contact address of a checkout, checked and normalised by the address book's rules (one rule set
 * for both); every violation is named under `field`, e.g. `shipping_address.address.postal_code`.
 */
function contactAddress(field: string, message: ContactAddressMessage | undefined): ContactAddress {
  const violations: FieldViolation[] = [];
  const name = tidyText(message?.name ?? "");
  if (!name) violations.push({ field: `${field}.name`, message: "must not be blank" });
  else if (hasControlCharacters(name))
    violations.push({ field: `${field}.name`, message: "must not contain control characters" });
  // The contract requires the address; an absent one is checked as empty, so each part is named.
  const postal = checkPostalAddress(message?.address ?? create(PostalAddressSchema), `${field}.address`);
  violations.push(...postal.violations);
  if (violations.length > 0) throw invalidFields(violations);
  return { name, phone: message?.phone ?? "", address: postal.address };
}

/** The signed-in user account: carts and orders belong to users, whose ids are UUIDs. */
function requireUser(context: HandlerContext): Caller {
  const caller = signedInCaller(context);
  if (!isUuid(caller.id)) throw new PermissionDenied("only user accounts have carts and orders");
  return caller;
}

function pageCursor(cursor: string): string | undefined {
  if (!cursor) return undefined;
  const [id] = decodeOpaqueCursor(cursor) ?? [];
  if (typeof id !== "string" || !isUuid(id))
    throw InvalidArgument.field("cursor", "is not a cursor of this list");
  return id;
}

function page(orders: Order[], limit: number): { orders: OrderMessage[]; nextCursor: string } {
  const shown = orders.slice(0, limit);
  const last = shown[shown.length - 1];
  return {
    orders: shown.map(orderToProto),
    nextCursor: orders.length > limit && last ? encodeOpaqueCursor([last.id]) : "",
  };
}

/** What the handlers work with. */
export interface OrdersDeps {
  carts: Carts;
  orders: Orders;
  catalog: Catalog;
  checkout: CheckoutWorkflow;
}

/** Registers the OrdersService handlers. */
export function ordersRoutes(router: ConnectRouter, deps: OrdersDeps): void {
  const { carts, orders, catalog } = deps;

  /**
   * The variant as `caller` can buy it now, with its current price; FailedPrecondition when it is
   * not for sale or sold by the caller's own storefront (checkout would refuse it).
   */
  const purchasable = async (caller: Caller, variantId: string) => {
    const variant = (await catalog.variants([variantId])).get(variantId.toLowerCase());
    if (!variant) throw InvalidArgument.field("variant_id", "no such variant is for sale");
    if (!variant.active) throw new FailedPrecondition(`variant ${variantId} is not for sale now`);
    const storefront = (await catalog.storefronts([variant.storefrontId])).get(variant.storefrontId);
    const own = storefront && ownGoodsRefusal(caller.id, storefront);
    if (own) throw new FailedPrecondition(`variant ${variantId} ${own}`);
    return variant;
  };

  router.service(OrdersService, {
    async getCart(_req, context) {
      const caller = requireUser(context);
      return { cart: cartToProto(await carts.get(caller.id)) };
    },

    async addToCart(req, context) {
      const caller = requireUser(context);
      const quantity = Number(req.quantity);
      const key = req.idempotencyKey;
      // A retry is answered before the catalog is asked: what it added may have gone off sale since.
      const replay =
        key === undefined
          ? undefined
          : await carts.replay(caller.id, { key, variantId: req.variantId, quantity });
      if (replay) return { cart: cartToProto(replay), replayed: true };
      const variant = await purchasable(caller, req.variantId);
      const { cart, replayed } = await carts.add(caller.id, variant.id, quantity, variant.price, key);
      return { cart: cartToProto(cart), replayed };
    },

    async updateCartLine(req, context) {
      const caller = requireUser(context);
      return {
        cart: cartToProto(await carts.update(caller.id, req.variantId.toLowerCase(), Number(req.quantity))),
      };
    },

    async removeCartLine(req, context) {
      const caller = requireUser(context);
      return { cart: cartToProto(await carts.remove(caller.id, req.variantId.toLowerCase())) };
    },

    async clearCart(_req, context) {
      const caller = requireUser(context);
      return { cart: cartToProto(await carts.clear(caller.id)) };
    },

    async checkout(req, context) {
      const caller = requireUser(context);
      const shippingAddress = contactAddress("shipping_address", req.shippingAddress);
      const billingAddress = req.billingAddress
        ? contactAddress("billing_address", req.billingAddress)
        : undefined;
      const result = await deps.checkout.run(contextOf(context), caller, {
        idempotencyKey: req.idempotencyKey,
        shippingAddress,
        billingAddress,
        lines: req.lines.map((line) => ({
          variantId: line.variantId.toLowerCase(),
          quantity: Number(line.quantity),
        })),
        note: req.note.trim(),
      });
      return { checkout: checkoutToProto(result), replayed: result.replayed };
    },

    async getOrder(req, context) {
      const caller = requireUser(context);
      return { order: orderToProto(await orders.get(caller, req.id)) };
    },

    async listOrders(req, context) {
      const caller = requireUser(context);
      const limit = req.limit || defaultOrderPage;
      const status = statusFromProto.get(req.status);
      const found = await orders.list(
        { buyerId: caller.id, ...(status ? { status } : {}) },
        limit + 1,
        pageCursor(req.cursor),
      );
      return page(found, limit);
    },

    async listSellerOrders(req, context) {
      const caller = requireUser(context);
      const admin = caller.roles.includes("admin");
      if (req.storefrontId && !admin)
        throw new PermissionDenied(
          "only admins name a storefront; sellers see their own storefront's orders",
        );
      if (!admin && !caller.roles.includes("seller"))
        throw new PermissionDenied("only sellers have seller orders");
      const limit = req.limit || defaultOrderPage;
      const status = statusFromProto.get(req.status);
      const found = await orders.list(
        {
          ...(admin
            ? req.storefrontId
              ? { storefrontId: req.storefrontId.toLowerCase() }
              : {}
            : { sellerOwnerId: caller.id }),
          ...(status ? { status } : {}),
        },
        limit + 1,
        pageCursor(req.cursor),
      );
      return page(found, limit);
    },

    async acceptOrder(req, context) {
      return { order: orderToProto(await orders.transition(requireUser(context), req.id, "accept")) };
    },

    async shipOrder(req, context) {
      const trackingNumber = req.trackingNumber.trim();
      if (!trackingNumber) throw InvalidArgument.field("tracking_number", "must not be blank");
      const order = await orders.transition(requireUser(context), req.id, "ship", {
        trackingNumber,
        carrier: req.carrier.trim(),
      });
      return { order: orderToProto(order) };
    },

    async markOrderDelivered(req, context) {
      return { order: orderToProto(await orders.transition(requireUser(context), req.id, "deliver")) };
    },

    async completeOrder(req, context) {
      return { order: orderToProto(await orders.transition(requireUser(context), req.id, "complete")) };
    },

    async cancelOrder(req, context) {
      const order = await orders.transition(requireUser(context), req.id, "cancel", {
        reason: req.reason.trim(),
      });
      return { order: orderToProto(order) };
    },
  });
}
