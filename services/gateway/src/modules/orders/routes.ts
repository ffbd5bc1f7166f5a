import type { FastifyReply } from "fastify";
import type { Static, TSchema } from "typebox";
import type { RestApp } from "../../domain.js";
import { IdParams, type PageQuery, ref, restPage, restPageOf, VariantParams } from "../../rest-schema.js";
import { clientField, renamingFields } from "../catalog-common.js";
import type { OrdersOperations } from "./operations.js";
import {
  AddLineBody,
  AddLineHeaders,
  CancelBody,
  Cart,
  Checkout,
  CheckoutBody,
  CheckoutHeaders,
  Order,
  OrderPage,
  OrdersQuery,
  QuantityBody,
  SellerOrdersQuery,
  ShipBody,
} from "./schemas.js";

const body = clientField("body");
const query = clientField("querystring");
// The key comes in a header, the rest in the body.
const keyedBody = clientField("body", { idempotency_key: "headers.idempotency-key" });
const cart = { 200: ref(Cart) };
const one = { 200: ref(Order) };

/**
 * The answer of a keyed operation (its key from the Idempotency-Key header); a replay of an
 * earlier request is marked `Idempotent-Replayed: true`.
 */
async function markingReplay<Answer extends { replayed?: boolean }>(
  reply: FastifyReply,
  answer: Promise<Answer>,
): Promise<Answer> {
  const answered = await renamingFields(answer, keyedBody);
  if (answered.replayed) reply.header("idempotent-replayed", "true");
  return answered;
}

/** The schema of a route answering a page of orders. */
const list = <Query extends TSchema>(summary: string, querystring: Query) => ({
  summary,
  querystring,
  response: { 200: ref(OrderPage) },
});

/** A list's query as its operation takes it: the page (with its default limit) beside the filters. */
const pageInput = <Query extends Static<typeof PageQuery>>(q: Query) => ({ ...q, ...restPage(q) });

/** REST under /api/v1/cart and /api/v1/checkout: each route declares its operation's access and calls it. */
function cartRoutes(app: RestApp, ops: OrdersOperations): void {
  app.get(
    "/cart",
    {
      config: { access: ops.cart.access },
      schema: { summary: "The caller's cart with current prices, sellers and stock", response: cart },
    },
    (request) => ops.cart(request.ctx, {}),
  );

  app.post(
    "/cart/lines",
    {
      config: { access: ops.addToCart.access },
      schema: {
        summary:
          "Add units of a variant to the cart (a line for the same variant grows). The same Idempotency-Key within a day adds nothing again and answers the cart as it is now (Idempotent-Replayed: true); with another body it is a 409",
        headers: AddLineHeaders,
        body: AddLineBody,
        response: cart,
      },
    },
    (request, reply) =>
      markingReplay(
        reply,
        ops.addToCart(request.ctx, { ...request.body, idempotencyKey: request.headers["idempotency-key"] }),
      ),
  );

  app.patch(
    "/cart/lines/:variantId",
    {
      config: { access: ops.updateCartLine.access },
      schema: {
        summary: "Set the units of a cart line",
        params: VariantParams,
        body: QuantityBody,
        response: cart,
      },
    },
    (request) =>
      renamingFields(ops.updateCartLine(request.ctx, { ...request.params, ...request.body }), body),
  );

  app.delete(
    "/cart/lines/:variantId",
    {
      config: { access: ops.removeCartLine.access },
      schema: { summary: "Take a variant out of the cart", params: VariantParams, response: cart },
    },
    (request) => ops.removeCartLine(request.ctx, request.params),
  );

  app.delete(
    "/cart",
    { config: { access: ops.clearCart.access }, schema: { summary: "Empty the cart", response: cart } },
    (request) => ops.clearCart(request.ctx, {}),
  );

  app.post(
    "/checkout",
    {
      config: { access: ops.checkout.access },
      schema: {
        summary:
          "Buy the cart (or the lines given): one order per seller. The same Idempotency-Key replays the first answer (Idempotent-Replayed: true); with another body it is a 409",
        headers: CheckoutHeaders,
        body: CheckoutBody,
        response: { 201: ref(Checkout) },
      },
    },
    async (request, reply) => {
      const answer = ops.checkout(request.ctx, {
        ...request.body,
        idempotencyKey: request.headers["idempotency-key"],
      });
      return reply.status(201).send(await markingReplay(reply, answer));
    },
  );
}

/** REST under /api/v1/orders: each route declares its operation's access and calls it. */
function orderRoutes(app: RestApp, ops: OrdersOperations): void {
  app.get(
    "/orders",
    {
      config: { access: ops.orders.access },
      schema: list("The caller's orders as a buyer, newest first", OrdersQuery),
    },
    (request) => restPageOf(renamingFields(ops.orders(request.ctx, pageInput(request.query)), query)),
  );

  app.get(
    "/orders/selling",
    {
      config: { access: ops.sellerOrders.access },
      schema: list(
        "Orders of the caller's storefront (admins may name one), newest first",
        SellerOrdersQuery,
      ),
    },
    (request) => restPageOf(renamingFields(ops.sellerOrders(request.ctx, pageInput(request.query)), query)),
  );

  app.get(
    "/orders/:id",
    {
      config: { access: ops.order.access },
      schema: { summary: "One order, to its buyer, its seller or an admin", params: IdParams, response: one },
    },
    (request) => ops.order(request.ctx, request.params),
  );

  const step = (path: string, summary: string, run: OrdersOperations["accept"]) =>
    app.post(
      `/orders/:id/${path}`,
      { config: { access: run.access }, schema: { summary, params: IdParams, response: one } },
      (request) => run(request.ctx, request.params),
    );
  step("accept", "The seller takes a placed order", ops.accept);
  step("deliver", "The seller (or an admin) records the delivery of a shipped order", ops.deliver);
  step("complete", "The buyer (or an admin) confirms a delivered order", ops.complete);

  app.post(
    "/orders/:id/ship",
    {
      config: { access: ops.ship.access },
      schema: {
        summary: "The seller hands an accepted order to a carrier",
        params: IdParams,
        body: ShipBody,
        response: one,
      },
    },
    (request) => renamingFields(ops.ship(request.ctx, { ...request.params, ...request.body }), body),
  );

  app.post(
    "/orders/:id/cancel",
    {
      config: { access: ops.cancel.access },
      schema: {
        summary: "Cancel: the buyer before shipping, the seller before accepting; the units go back to stock",
        params: IdParams,
        body: CancelBody,
        response: one,
      },
    },
    (request) => ops.cancel(request.ctx, { ...request.params, ...request.body }),
  );
}

/** REST of the orders domain: the cart, checkout and orders. */
export function ordersRoutes(app: RestApp, ops: OrdersOperations): void {
  cartRoutes(app, ops);
  orderRoutes(app, ops);
}
