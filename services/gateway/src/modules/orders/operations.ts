import { InventoryService } from "@mercato/contracts/mercato/inventory/v1/inventory_pb";
import {
  type Cart,
  type Order,
  OrderStatus,
  OrdersService,
} from "@mercato/contracts/mercato/orders/v1/orders_pb";
import { ProductsService } from "@mercato/contracts/mercato/products/v1/products_pb";
import { SellersService } from "@mercato/contracts/mercato/sellers/v1/sellers_pb";
import type { RequestContext } from "@mercato/platform/context";
import type { GatewayDeps } from "../../module.js";
import { operation, signedIn } from "../../operation.js";
import type { PageRequest } from "../../rest-schema.js";
import { enumValue } from "../catalog-json.js";
import { catalogLoaders } from "../catalog-loaders.js";
import { postalAddressRequest } from "../postal-address.js";
import { hydrateCart } from "./cart-json.js";
import { checkoutJson, orderJson } from "./order-json.js";
import type { CheckoutRequest, OrderStatusName } from "./schemas.js";

/** Names of the services behind the orders domain. */
export interface OrdersServiceNames {
  orders: string;
  products: string;
  sellers: string;
  inventory: string;
}

/** The services as the catalog names them. */
export const defaultOrdersServiceNames: OrdersServiceNames = {
  orders: "orders",
  products: "products",
  sellers: "sellers",
  inventory: "inventory",
};

/** Units of a variant to add to the cart; the key, when given, makes a retry add nothing. */
export interface CartAdd {
  variantId: string;
  quantity: number;
  idempotencyKey?: string | null | undefined;
}

/** A checkout with the key that makes a retry replay the first answer. */
export type CheckoutInput = CheckoutRequest & { idempotencyKey: string };

/** A page of orders, optionally of one status. */
export type OrderListInput = PageRequest & { status?: OrderStatusName | null | undefined };

/** A shipment: the carrier's tracking number, and the carrier if known. */
export interface Shipment {
  id: string;
  trackingNumber: string;
  carrier?: string | null | undefined;
}

type Contact = CheckoutRequest["shippingAddress"];

const text = (value: string | null | undefined) => value ?? "";

const contactRequest = (contact: Contact) => ({
  name: contact.name,
  phone: text(contact.phone),
  address: postalAddressRequest(contact.address),
});

/** A checkout as the orders service takes it: absent parts empty, no lines for the whole cart. */
function checkoutRequest(input: CheckoutInput) {
  return {
    idempotencyKey: input.idempotencyKey,
    shippingAddress: contactRequest(input.shippingAddress),
    ...(input.billingAddress ? { billingAddress: contactRequest(input.billingAddress) } : {}),
    lines: (input.lines ?? []).map((line) => ({
      variantId: line.variantId,
      quantity: BigInt(line.quantity),
    })),
    note: text(input.note),
  };
}

/** A page of orders: the cursor of the next page empty on the last. */
const orderPage = (page: { orders: Order[]; nextCursor: string }) => ({
  items: page.orders.map(orderJson),
  nextCursor: page.nextCursor,
});

const listRequest = (input: OrderListInput) => ({
  limit: input.limit,
  cursor: input.cursor,
  status: input.status ? enumValue(OrderStatus, input.status) : OrderStatus.UNSPECIFIED,
});

/**
 * The caller's cart (hydrated from products, sellers and inventory, one call each), checkout
 * with an idempotency key, and orders for buyers and sellers: every use case needs a signed-in
 * caller; the orders service decides what each may see and do. Field names in refusals are the
 * service's; the adapters rename them.
 */
export function ordersOperations({ services }: GatewayDeps, names = defaultOrdersServiceNames) {
  const orders = () => services.client(names.orders, OrdersService);
  const cartSources = () => ({
    products: services.client(names.products, ProductsService),
    sellers: services.client(names.sellers, SellersService),
    inventory: services.client(names.inventory, InventoryService),
  });
  const hydrated = async (answer: Promise<{ cart?: Cart | undefined }>) =>
    hydrateCart((await answer).cart, cartSources());
  // Current products and storefronts of orders: one batched call per service per request.
  const loaders = (ctx: RequestContext) =>
    catalogLoaders(ctx, services, { products: names.products, sellers: names.sellers });
  const order = async (answer: Promise<{ order?: Parameters<typeof orderJson>[0] }>) =>
    orderJson((await answer).order);

  return {
    /** The storefront of an order as it is now; null when hidden. */
    currentStorefront: (ctx: RequestContext, id: string) => loaders(ctx).storefronts.load(id),

    /** The product of an order line as it is now; null when hidden or gone. */
    currentProduct: (ctx: RequestContext, id: string) => loaders(ctx).products.load(id),

    /** The caller's cart with current prices, sellers and stock. */
    cart: operation(signedIn, (_ctx, _input: object) => hydrated(orders().getCart({}))),

    /** Adds units to the cart; with a key used before it adds nothing and answers the cart `replayed`. */
    addToCart: operation(signedIn, async (_ctx, input: CartAdd) => {
      const { idempotencyKey } = input;
      const answer = await orders().addToCart({
        variantId: input.variantId,
        quantity: BigInt(input.quantity),
        ...(idempotencyKey === undefined || idempotencyKey === null ? {} : { idempotencyKey }),
      });
      return { ...(await hydrateCart(answer.cart, cartSources())), replayed: answer.replayed };
    }),

    /** Sets the units of a cart line. */
    updateCartLine: operation(signedIn, (_ctx, input: { variantId: string; quantity: number }) =>
      hydrated(orders().updateCartLine({ variantId: input.variantId, quantity: BigInt(input.quantity) })),
    ),

    /** Takes a variant out of the cart. */
    removeCartLine: operation(signedIn, (_ctx, input: { variantId: string }) =>
      hydrated(orders().removeCartLine({ variantId: input.variantId })),
    ),

    /** Empties the cart. */
    clearCart: operation(signedIn, (_ctx, _input: object) => hydrated(orders().clearCart({}))),

    /** Buys the cart (or the lines given): one order per seller; the same key replays the first answer. */
    checkout: operation(signedIn, async (_ctx, input: CheckoutInput) => {
      const answer = await orders().checkout(checkoutRequest(input));
      return checkoutJson(answer.checkout, answer.replayed);
    }),

    /** The caller's orders as a buyer, newest first. */
    orders: operation(signedIn, async (_ctx, input: OrderListInput) =>
      orderPage(await orders().listOrders(listRequest(input))),
    ),

    /** Orders of the caller's storefront (admins may name one), newest first. */
    sellerOrders: operation(
      signedIn,
      async (_ctx, input: OrderListInput & { storefrontId?: string | null | undefined }) => {
        const request = { ...listRequest(input), storefrontId: text(input.storefrontId) };
        return orderPage(await orders().listSellerOrders(request));
      },
    ),

    /** One order, to its buyer, its seller or an admin. */
    order: operation(signedIn, (_ctx, input: { id: string }) => order(orders().getOrder({ id: input.id }))),

    /** The seller takes a placed order. */
    accept: operation(signedIn, (_ctx, input: { id: string }) =>
      order(orders().acceptOrder({ id: input.id })),
    ),

    /** The seller hands an accepted order to a carrier. */
    ship: operation(signedIn, (_ctx, input: Shipment) =>
      order(
        orders().shipOrder({
          id: input.id,
          trackingNumber: input.trackingNumber,
          carrier: text(input.carrier),
        }),
      ),
    ),

    /** The seller (or an admin) records the delivery of a shipped order. */
    deliver: operation(signedIn, (_ctx, input: { id: string }) =>
      order(orders().markOrderDelivered({ id: input.id })),
    ),

    /** The buyer (or an admin) confirms a delivered order. */
    complete: operation(signedIn, (_ctx, input: { id: string }) =>
      order(orders().completeOrder({ id: input.id })),
    ),

    /** Cancels: the buyer before shipping, the seller before accepting; the units go back to stock. */
    cancel: operation(signedIn, (_ctx, input: { id: string; reason?: string | null | undefined }) =>
      order(orders().cancelOrder({ id: input.id, reason: text(input.reason) })),
    ),
  };
}

/** The orders domain's operations. */
export type OrdersOperations = ReturnType<typeof ordersOperations>;
