import { InventoryService } from "@mercato/contracts/mercato/inventory/v1/inventory_pb";
import { OrderStatus, OrdersService } from "@mercato/contracts/mercato/orders/v1/orders_pb";
import { ProductsService } from "@mercato/contracts/mercato/products/v1/products_pb";
import { SellersService } from "@mercato/contracts/mercato/sellers/v1/sellers_pb";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { defineGatewayModule, type GatewayModule, type GraphqlContext, requireCaller } from "../module.js";
import type { ServiceDirectory } from "../services.js";
import {
  clientField,
  connection,
  dateTime,
  idParams,
  moneyRef,
  moneySchema,
  nullableMoneyRef,
  nullableMoneySchema,
  nullableString,
  orNull,
  pageQueryProperties,
  pageSchema,
  pageSize,
  renamingFields,
  uuid,
  variantParams,
} from "./catalog-common.js";
import { enumValue, pairs } from "./catalog-json.js";
import { catalogLoaders } from "./catalog-loaders.js";
import { type CartJson, checkoutJson, hydrateCart, type OrderJson, orderJson } from "./order-json.js";
import {
  type PostalAddressInput,
  postalAddressBody,
  postalAddressRequest,
  postalAddressSchema,
} from "./postal-address.js";
import { bearerSecurity, errorResponses } from "./rest.js";

/** Names of the services behind the orders surface. */
export interface OrdersServiceNames {
  orders: string;
  products: string;
  sellers: string;
  inventory: string;
}

const defaultNames: OrdersServiceNames = {
  orders: "orders",
  products: "products",
  sellers: "sellers",
  inventory: "inventory",
};

/** An address with the person it is for, as clients send it. */
interface ContactInput {
  name: string;
  phone?: string | null;
  address: PostalAddressInput;
}

/** A checkout as clients send it (the key comes apart: header or argument). */
interface CheckoutBody {
  shippingAddress: ContactInput;
  billingAddress?: ContactInput | null;
  lines?: { variantId: string; quantity: number }[] | null;
  note?: string | null;
}

const text = (value: string | null | undefined) => value ?? "";

function contactOf(contact: ContactInput) {
  return {
    name: contact.name,
    phone: text(contact.phone),
    address: postalAddressRequest(contact.address),
  };
}

function checkoutRequest(idempotencyKey: string, body: CheckoutBody) {
  return {
    idempotencyKey,
    shippingAddress: contactOf(body.shippingAddress),
    ...(body.billingAddress ? { billingAddress: contactOf(body.billingAddress) } : {}),
    lines: (body.lines ?? []).map((line) => ({ variantId: line.variantId, quantity: BigInt(line.quantity) })),
    note: text(body.note),
  };
}

/** An AddToCart request; the key, when given, makes a retry add nothing. */
function addRequest(variantId: string, quantity: number, idempotencyKey: string | null | undefined) {
  return {
    variantId,
    quantity: BigInt(quantity),
    ...(idempotencyKey === undefined || idempotencyKey === null ? {} : { idempotencyKey }),
  };
}

const statusNames = ["placed", "accepted", "shipped", "delivered", "completed", "cancelled"] as const;
const statusValue = (name: string | null | undefined) =>
  name ? enumValue(OrderStatus, name) : OrderStatus.UNSPECIFIED;

const schema = /* GraphQL */ `
  "Where an order stands."
  enum OrderStatus {
    "Placed by the buyer, waiting for the seller"
    PLACED
    "Taken by the seller"
    ACCEPTED
    "Handed to a carrier"
    SHIPPED
    "Delivered to the buyer"
    DELIVERED
    "Confirmed by the buyer; the seller is credited"
    COMPLETED
    "Cancelled; its units went back to stock"
    CANCELLED
  }
  "The seller a cart line or order comes from."
  type CartStorefront {
    id: ID!
    name: String!
    slug: String!
  }
  "A cart line with what it shows now."
  type CartLine {
    variantId: ID!
    quantity: Int!
    "Null when the product is no longer visible"
    productId: ID
    title: String
    sku: String
    options: [ProductOption!]!
    mediaId: ID
    storefront: CartStorefront
    "Price now; null when the variant is gone"
    unitPrice: Money
    "Price when the line was added"
    priceWhenAdded: Money!
    "The price differs from the one when the line was added"
    priceChanged: Boolean!
    lineTotal: Money
    "Units that can be bought now"
    available: Int!
    "Enough units are available for the line's quantity"
    enoughStock: Boolean!
    "The product and its storefront are on sale"
    purchasable: Boolean!
    "ISO 8601"
    addedAt: String!
  }
  "The caller's cart, looked up now."
  type Cart {
    buyerId: ID!
    lines: [CartLine!]!
    "Sum of the purchasable lines per currency"
    totals: [Money!]!
    "ISO 8601; null for a cart never used"
    updatedAt: String
    "True when this answers an addToCart whose idempotencyKey was used before: nothing was added"
    replayed: Boolean!
  }
  "A person and a postal address."
  type ContactAddress {
    name: String!
    phone: String
    address: PostalAddress!
  }
  "A person and a postal address."
  input ContactAddressInput {
    "1 to 200 characters"
    name: String!
    "E.164"
    phone: String
    address: PostalAddressInput!
  }
  "A line to buy."
  input CheckoutLineInput {
    variantId: ID!
    "1 to 1,000"
    quantity: Int!
  }
  "What to buy and where it goes."
  input CheckoutInput {
    shippingAddress: ContactAddressInput!
    "Absent: the shipping address"
    billingAddress: ContactAddressInput
    "Absent or empty: the cart, which is then emptied"
    lines: [CheckoutLineInput!]
    note: String
  }
  "A line as it was bought."
  type OrderLine {
    variantId: ID!
    productId: ID!
    "The product as it is now (null when hidden or gone); the line itself keeps what was bought"
    product: Product
    title: String!
    sku: String!
    options: [ProductOption!]!
    mediaId: ID
    unitPrice: Money!
    quantity: Int!
    lineTotal: Money!
  }
  "The seller as it was at checkout."
  type OrderSeller {
    storefrontId: ID!
    name: String!
    slug: String!
    address: PostalAddress!
    email: String
    phone: String
  }
  "What was bought, from whom, for whom: frozen at checkout."
  type OrderSnapshot {
    lines: [OrderLine!]!
    seller: OrderSeller!
    shippingAddress: ContactAddress!
    billingAddress: ContactAddress!
    subtotal: Money!
    total: Money!
    note: String!
  }
  "One step of an order's history."
  type OrderTransition {
    status: OrderStatus!
    actorId: ID!
    reason: String
    "ISO 8601"
    at: String!
  }
  "What one seller owes one buyer from one checkout."
  type Order {
    id: ID!
    checkoutId: ID!
    buyerId: ID!
    storefrontId: ID!
    "The storefront as it is now (null when hidden); the snapshot keeps the seller as it was"
    storefront: Storefront
    status: OrderStatus!
    carrier: String
    trackingNumber: String
    snapshot: OrderSnapshot!
    history: [OrderTransition!]!
    version: Int!
    "ISO 8601"
    createdAt: String!
    "ISO 8601"
    updatedAt: String!
  }
  "A checkout: one order per seller."
  type Checkout {
    id: ID!
    orders: [Order!]!
    totals: [Money!]!
    "ISO 8601"
    createdAt: String!
    "True when this answer replays an earlier request with the same key"
    replayed: Boolean!
  }
  "One order of a page."
  type OrderEdge {
    cursor: String
    node: Order!
  }
  "A page of orders."
  type OrderConnection {
    edges: [OrderEdge!]!
    pageInfo: PageInfo!
  }
  extend type Query {
    "The caller's cart with current prices, sellers and stock"
    cart: Cart!
    "The caller's orders as a buyer, newest first"
    orders(status: OrderStatus, first: Int, after: String): OrderConnection!
    "One order, to its buyer, its seller or an admin"
    order(id: ID!): Order
    "Orders of the caller's storefront (admins may name one), newest first"
    sellerOrders(status: OrderStatus, first: Int, after: String, storefrontId: ID): OrderConnection!
  }
  extend type Mutation {
    "Add units of a variant to the cart (a line for the same variant grows). The same idempotencyKey within a day adds nothing again and answers the cart as it is now (replayed); with another variant or quantity it is a CONFLICT"
    addToCart(
      variantId: ID!
      quantity: Int!
      "Unique per add: 1 to 255 printable ASCII characters"
      idempotencyKey: String
    ): Cart!
    "Set the units of a cart line"
    updateCartLine(variantId: ID!, quantity: Int!): Cart!
    "Take a variant out of the cart"
    removeCartLine(variantId: ID!): Cart!
    "Empty the cart"
    clearCart: Cart!
    "Buy the cart (or the lines given): one order per seller. The same idempotencyKey replays the first answer; with other input it is a CONFLICT"
    checkout(idempotencyKey: String!, input: CheckoutInput!): Checkout!
    "The seller takes a placed order"
    acceptOrder(id: ID!): Order!
    "The seller hands an accepted order to a carrier"
    shipOrder(id: ID!, trackingNumber: String!, carrier: String): Order!
    "The seller (or an admin) records the delivery"
    markOrderDelivered(id: ID!): Order!
    "The buyer (or an admin) confirms a delivered order"
    completeOrder(id: ID!): Order!
    "The buyer before shipping, the seller before accepting"
    cancelOrder(id: ID!, reason: String): Order!
  }
`;

const errors = errorResponses;
const security = bearerSecurity;
const tags = ["orders"];
const options = {
  type: "object",
  additionalProperties: { type: "string" },
  description: "option name → value",
} as const;

const contactSchema = {
  type: "object",
  required: ["name", "phone", "address"],
  properties: { name: { type: "string" }, phone: { type: ["string", "null"] }, address: postalAddressSchema },
} as const;

const orderSchema = {
  $id: "Order",
  type: "object",
  required: ["id", "checkoutId", "buyerId", "storefrontId", "status", "snapshot", "history", "version"],
  properties: {
    id: uuid,
    checkoutId: uuid,
    buyerId: uuid,
    storefrontId: uuid,
    status: { type: "string", enum: statusNames },
    carrier: { type: ["string", "null"] },
    trackingNumber: { type: ["string", "null"] },
    snapshot: {
      type: "object",
      description: "what was bought, from whom, for whom: frozen at checkout",
      required: ["lines", "seller", "shippingAddress", "billingAddress", "subtotal", "total", "note"],
      properties: {
        lines: {
          type: "array",
          items: {
            type: "object",
            required: [
              "variantId",
              "productId",
              "title",
              "sku",
              "options",
              "unitPrice",
              "quantity",
              "lineTotal",
            ],
            properties: {
              variantId: uuid,
              productId: uuid,
              title: { type: "string" },
              sku: { type: "string" },
              options,
              mediaId: { type: ["string", "null"] },
              unitPrice: moneyRef,
              quantity: { type: "integer" },
              lineTotal: moneyRef,
            },
          },
        },
        seller: {
          type: "object",
          required: ["storefrontId", "name", "slug", "address"],
          properties: {
            storefrontId: uuid,
            name: { type: "string" },
            slug: { type: "string" },
            address: postalAddressSchema,
            email: { type: ["string", "null"] },
            phone: { type: ["string", "null"] },
          },
        },
        shippingAddress: contactSchema,
        billingAddress: contactSchema,
        subtotal: moneyRef,
        total: moneyRef,
        note: { type: "string" },
      },
    },
    history: {
      type: "array",
      items: {
        type: "object",
        required: ["status", "actorId", "at"],
        properties: {
          status: { type: "string", enum: statusNames },
          actorId: { type: "string" },
          reason: { type: ["string", "null"] },
          at: dateTime,
        },
      },
    },
    version: { type: "integer" },
    createdAt: dateTime,
    updatedAt: dateTime,
  },
} as const;

const cartSchema = {
  $id: "Cart",
  type: "object",
  required: ["buyerId", "lines", "totals", "updatedAt"],
  properties: {
    buyerId: uuid,
    lines: {
      type: "array",
      items: {
        type: "object",
        required: [
          "variantId",
          "quantity",
          "priceWhenAdded",
          "priceChanged",
          "available",
          "enoughStock",
          "purchasable",
        ],
        properties: {
          variantId: uuid,
          quantity: { type: "integer" },
          productId: { type: ["string", "null"], description: "null when the product is no longer visible" },
          title: { type: ["string", "null"] },
          sku: { type: ["string", "null"] },
          options,
          mediaId: { type: ["string", "null"] },
          storefront: {
            anyOf: [
              {
                type: "object",
                required: ["id", "name", "slug"],
                properties: { id: uuid, name: { type: "string" }, slug: { type: "string" } },
              },
              { type: "null" },
            ],
          },
          unitPrice: nullableMoneyRef,
          priceWhenAdded: moneyRef,
          priceChanged: {
            type: "boolean",
            description: "the price differs from the one when the line was added",
          },
          lineTotal: nullableMoneyRef,
          available: { type: "integer", description: "units that can be bought now" },
          enoughStock: { type: "boolean" },
          purchasable: { type: "boolean", description: "the product and its storefront are on sale" },
          addedAt: dateTime,
        },
      },
    },
    totals: { type: "array", items: moneyRef, description: "sum of the purchasable lines per currency" },
    updatedAt: { type: ["string", "null"], format: "date-time" },
  },
} as const;

const checkoutSchema = {
  $id: "Checkout",
  type: "object",
  required: ["id", "orders", "totals", "createdAt", "replayed"],
  properties: {
    id: uuid,
    orders: { type: "array", items: { $ref: "Order#" } },
    totals: { type: "array", items: moneyRef },
    createdAt: dateTime,
    replayed: { type: "boolean", description: "this answer replays an earlier request with the same key" },
  },
} as const;

const orderPageSchema = pageSchema("OrderPage", "Order#");

const contactBody = {
  type: "object",
  required: ["name", "address"],
  additionalProperties: false,
  properties: {
    name: { type: "string", minLength: 1, maxLength: 200 },
    phone: nullableString(16, { pattern: "^\\+[1-9][0-9]{6,14}$", description: "E.164" }),
    address: postalAddressBody,
  },
} as const;

const quantity = { type: "integer", minimum: 1, maximum: 1000 } as const;
const idempotencyKey = (description: string) =>
  ({ type: "string", pattern: "^[!-~]{1,255}$", description }) as const;
const listQuery = {
  type: "object",
  additionalProperties: false,
  properties: { ...pageQueryProperties, status: { type: "string", enum: statusNames } },
} as const;

/** Checked before validation, so an anonymous call is a 401 whatever it sends. */
async function signedIn(request: FastifyRequest): Promise<void> {
  requireCaller(request.ctx);
}

function sourcesOf(services: ServiceDirectory, names: OrdersServiceNames) {
  return {
    orders: () => services.client(names.orders, OrdersService),
    cartSources: () => ({
      products: services.client(names.products, ProductsService),
      sellers: services.client(names.sellers, SellersService),
      inventory: services.client(names.inventory, InventoryService),
    }),
  };
}

function restRoutes(app: FastifyInstance, services: ServiceDirectory, names: OrdersServiceNames): void {
  const { orders, cartSources } = sourcesOf(services, names);
  for (const shared of [
    moneySchema,
    nullableMoneySchema,
    orderSchema,
    cartSchema,
    checkoutSchema,
    orderPageSchema,
  ])
    app.addSchema(shared);
  const body = clientField("body");
  // The key comes in a header, the rest in the body.
  const keyedBody = clientField("body", { idempotency_key: "headers.idempotency-key" });
  const query = clientField("querystring");
  const cart = { 200: { $ref: "Cart#" }, ...errors };
  const one = { 200: { $ref: "Order#" }, ...errors };
  const hydrated = async (answer: Promise<{ cart?: Parameters<typeof hydrateCart>[0] }>) =>
    hydrateCart((await answer).cart, cartSources());

  app.get(
    "/cart",
    {
      onRequest: signedIn,
      schema: {
        tags,
        summary: "The caller's cart with current prices, sellers and stock",
        security,
        response: cart,
      },
    },
    async () => hydrated(orders().getCart({})),
  );

  app.post<{ Body: { variantId: string; quantity: number }; Headers: { "idempotency-key"?: string } }>(
    "/cart/lines",
    {
      onRequest: signedIn,
      schema: {
        tags,
        summary:
          "Add units of a variant to the cart (a line for the same variant grows). The same Idempotency-Key within a day adds nothing again and answers the cart as it is now (Idempotent-Replayed: true); with another body it is a 409",
        security,
        headers: {
          type: "object",
          properties: {
            "idempotency-key": idempotencyKey(
              "optional, unique per add so that a retry adds nothing: 1 to 255 printable ASCII characters",
            ),
          },
        },
        body: {
          type: "object",
          required: ["variantId", "quantity"],
          additionalProperties: false,
          properties: { variantId: uuid, quantity },
        },
        response: cart,
      },
    },
    async (request, reply) => {
      const { variantId, quantity } = request.body;
      const answer = await renamingFields(
        orders().addToCart(addRequest(variantId, quantity, request.headers["idempotency-key"])),
        keyedBody,
      );
      if (answer.replayed) reply.header("idempotent-replayed", "true");
      return hydrateCart(answer.cart, cartSources());
    },
  );

  app.patch<{ Params: { variantId: string }; Body: { quantity: number } }>(
    "/cart/lines/:variantId",
    {
      onRequest: signedIn,
      schema: {
        tags,
        summary: "Set the units of a cart line",
        security,
        params: variantParams,
        body: {
          type: "object",
          required: ["quantity"],
          additionalProperties: false,
          properties: { quantity },
        },
        response: cart,
      },
    },
    async (request) =>
      hydrated(
        renamingFields(
          orders().updateCartLine({
            variantId: request.params.variantId,
            quantity: BigInt(request.body.quantity),
          }),
          body,
        ),
      ),
  );

  app.delete<{ Params: { variantId: string } }>(
    "/cart/lines/:variantId",
    {
      onRequest: signedIn,
      schema: {
        tags,
        summary: "Take a variant out of the cart",
        security,
        params: variantParams,
        response: cart,
      },
    },
    async (request) => hydrated(orders().removeCartLine({ variantId: request.params.variantId })),
  );

  app.delete(
    "/cart",
    { onRequest: signedIn, schema: { tags, summary: "Empty the cart", security, response: cart } },
    async () => hydrated(orders().clearCart({})),
  );

  app.post<{ Body: CheckoutBody; Headers: { "idempotency-key": string } }>(
    "/checkout",
    {
      onRequest: signedIn,
      schema: {
        tags,
        summary:
          "Buy the cart (or the lines given): one order per seller. The same Idempotency-Key replays the first answer (Idempotent-Replayed: true); with another body it is a 409",
        security,
        headers: {
          type: "object",
          required: ["idempotency-key"],
          properties: {
            "idempotency-key": idempotencyKey(
              "unique per checkout attempt: 1 to 255 printable ASCII characters",
            ),
          },
        },
        body: {
          type: "object",
          required: ["shippingAddress"],
          additionalProperties: false,
          properties: {
            shippingAddress: contactBody,
            billingAddress: { anyOf: [contactBody, { type: "null" }] },
            lines: {
              type: ["array", "null"],
              maxItems: 100,
              description: "absent or empty: the cart, which is then emptied",
              items: {
                type: "object",
                required: ["variantId", "quantity"],
                additionalProperties: false,
                properties: { variantId: uuid, quantity },
              },
            },
            note: nullableString(1000),
          },
        },
        response: { 201: { $ref: "Checkout#" }, ...errors },
      },
    },
    async (request, reply) => {
      const answer = await renamingFields(
        orders().checkout(checkoutRequest(request.headers["idempotency-key"], request.body)),
        keyedBody,
      );
      if (answer.replayed) reply.header("idempotent-replayed", "true");
      return reply.status(201).send(checkoutJson(answer.checkout, answer.replayed));
    },
  );

  app.get<{ Querystring: { limit: number; cursor?: string; status?: string } }>(
    "/orders",
    {
      onRequest: signedIn,
      schema: {
        tags,
        summary: "The caller's orders as a buyer, newest first",
        security,
        querystring: listQuery,
        response: { 200: { $ref: "OrderPage#" }, ...errors },
      },
    },
    async (request) => {
      const q = request.query;
      const page = await renamingFields(
        orders().listOrders({ limit: q.limit, cursor: q.cursor ?? "", status: statusValue(q.status) }),
        query,
      );
      return { items: page.orders.map(orderJson), nextCursor: orNull(page.nextCursor) };
    },
  );

  app.get<{ Querystring: { limit: number; cursor?: string; status?: string; storefrontId?: string } }>(
    "/orders/selling",
    {
      onRequest: signedIn,
      schema: {
        tags,
        summary: "Orders of the caller's storefront (admins may name one), newest first",
        security,
        querystring: {
          ...listQuery,
          properties: { ...listQuery.properties, storefrontId: { ...uuid, description: "admins only" } },
        },
        response: { 200: { $ref: "OrderPage#" }, ...errors },
      },
    },
    async (request) => {
      const q = request.query;
      const page = await renamingFields(
        orders().listSellerOrders({
          limit: q.limit,
          cursor: q.cursor ?? "",
          status: statusValue(q.status),
          storefrontId: q.storefrontId ?? "",
        }),
        query,
      );
      return { items: page.orders.map(orderJson), nextCursor: orNull(page.nextCursor) };
    },
  );

  app.get<{ Params: { id: string } }>(
    "/orders/:id",
    {
      onRequest: signedIn,
      schema: {
        tags,
        summary: "One order, to its buyer, its seller or an admin",
        security,
        params: idParams,
        response: one,
      },
    },
    async (request) => orderJson((await orders().getOrder({ id: request.params.id })).order),
  );

  const step = (
    path: string,
    summary: string,
    run: (id: string) => Promise<{ order?: Parameters<typeof orderJson>[0] }>,
  ) =>
    app.post<{ Params: { id: string } }>(
      `/orders/:id/${path}`,
      { onRequest: signedIn, schema: { tags, summary, security, params: idParams, response: one } },
      async (request) => orderJson((await run(request.params.id)).order),
    );
  step("accept", "The seller takes a placed order", (id) => orders().acceptOrder({ id }));
  step("deliver", "The seller (or an admin) records the delivery of a shipped order", (id) =>
    orders().markOrderDelivered({ id }),
  );
  step("complete", "The buyer (or an admin) confirms a delivered order", (id) =>
    orders().completeOrder({ id }),
  );

  app.post<{ Params: { id: string }; Body: { trackingNumber: string; carrier?: string | null } }>(
    "/orders/:id/ship",
    {
      onRequest: signedIn,
      schema: {
        tags,
        summary: "The seller hands an accepted order to a carrier",
        security,
        params: idParams,
        body: {
          type: "object",
          required: ["trackingNumber"],
          additionalProperties: false,
          properties: {
            trackingNumber: { type: "string", minLength: 1, maxLength: 100 },
            carrier: nullableString(100),
          },
        },
        response: one,
      },
    },
    async (request) =>
      orderJson(
        (
          await renamingFields(
            orders().shipOrder({
              id: request.params.id,
              trackingNumber: request.body.trackingNumber,
              carrier: text(request.body.carrier),
            }),
            body,
          )
        ).order,
      ),
  );

  app.post<{ Params: { id: string }; Body: { reason?: string | null } | undefined }>(
    "/orders/:id/cancel",
    {
      onRequest: signedIn,
      schema: {
        tags,
        summary: "Cancel: the buyer before shipping, the seller before accepting; the units go back to stock",
        security,
        params: idParams,
        body: { type: "object", additionalProperties: false, properties: { reason: nullableString(500) } },
        response: one,
      },
    },
    async (request) =>
      orderJson(
        (await orders().cancelOrder({ id: request.params.id, reason: text(request.body?.reason) })).order,
      ),
  );
}

interface ListArgs {
  status?: string | null;
  first?: number | null;
  after?: string | null;
}

const pageRenames = { cursor: "after", limit: "first" };
const upper = (value: { status: string }) => value.status.toUpperCase();

/**
 * The public surface of the orders service: the caller's cart (hydrated from products, sellers and
 * inventory, one call each), checkout with an idempotency key, and orders for buyers and sellers,
 * in GraphQL and REST under /api/v1/cart, /api/v1/checkout and /api/v1/orders.
 */
export function ordersGatewayModule(names: OrdersServiceNames = defaultNames): GatewayModule {
  return defineGatewayModule({
    name: "orders",
    schema,
    resolvers: ({ services }) => {
      const { orders, cartSources } = sourcesOf(services, names);
      const signedInOnly = (context: GraphqlContext) => requireCaller(context.ctx);
      // Current products and storefronts of order lines: one batched call per service per request.
      const loaders = (context: GraphqlContext) =>
        catalogLoaders(context.ctx, services, { products: names.products, sellers: names.sellers });
      const hydrated = async (answer: Promise<{ cart?: Parameters<typeof hydrateCart>[0] }>) =>
        hydrateCart((await answer).cart, cartSources());
      const args = clientField(null, pageRenames);
      const list = async (
        call: (page: { limit: number; cursor: string; status: OrderStatus }) => Promise<{
          orders: Parameters<typeof orderJson>[0][];
          nextCursor: string;
        }>,
        listArgs: ListArgs,
      ) => {
        const page = await renamingFields(
          call({
            limit: pageSize(listArgs.first),
            cursor: listArgs.after ?? "",
            status: statusValue(listArgs.status),
          }),
          args,
        );
        return connection(page.orders.map(orderJson), page.nextCursor);
      };
      const order = async (
        context: GraphqlContext,
        call: () => Promise<{ order?: Parameters<typeof orderJson>[0] }>,
      ) => {
        signedInOnly(context);
        return orderJson((await renamingFields(call(), clientField(null))).order);
      };
      return {
        Order: {
          status: upper,
          storefront: (order: { storefrontId: string }, _args: unknown, context: GraphqlContext) =>
            loaders(context).storefronts.load(order.storefrontId),
        },
        OrderTransition: { status: upper },
        OrderLine: {
          options: (line: OrderJson["snapshot"]["lines"][number]) => pairs(line.options),
          product: (line: { productId: string }, _args: unknown, context: GraphqlContext) =>
            loaders(context).products.load(line.productId),
        },
        CartLine: { options: (line: CartJson["lines"][number]) => pairs(line.options) },
        Cart: { replayed: (cart: { replayed?: boolean }) => cart.replayed === true },
        Query: {
          cart: async (_root: unknown, _args: unknown, context: GraphqlContext) => {
            signedInOnly(context);
            return hydrated(orders().getCart({}));
          },
          orders: async (_root: unknown, listArgs: ListArgs, context: GraphqlContext) => {
            signedInOnly(context);
            return list((page) => orders().listOrders(page), listArgs);
          },
          order: async (_root: unknown, { id }: { id: string }, context: GraphqlContext) => {
            signedInOnly(context);
            try {
              return orderJson((await orders().getOrder({ id })).order);
            } catch (error) {
              if ((error as { code?: string }).code === "NOT_FOUND") return null;
              throw error;
            }
          },
          sellerOrders: async (
            _root: unknown,
            listArgs: ListArgs & { storefrontId?: string | null },
            context: GraphqlContext,
          ) => {
            signedInOnly(context);
            return list(
              (page) => orders().listSellerOrders({ ...page, storefrontId: listArgs.storefrontId ?? "" }),
              listArgs,
            );
          },
        },
        Mutation: {
          addToCart: async (
            _root: unknown,
            a: { variantId: string; quantity: number; idempotencyKey?: string | null },
            context: GraphqlContext,
          ) => {
            signedInOnly(context);
            const answer = await renamingFields(
              orders().addToCart(addRequest(a.variantId, a.quantity, a.idempotencyKey)),
              args,
            );
            return { ...(await hydrateCart(answer.cart, cartSources())), replayed: answer.replayed };
          },
          updateCartLine: async (
            _root: unknown,
            a: { variantId: string; quantity: number },
            context: GraphqlContext,
          ) => {
            signedInOnly(context);
            return hydrated(
              renamingFields(
                orders().updateCartLine({ variantId: a.variantId, quantity: BigInt(a.quantity) }),
                args,
              ),
            );
          },
          removeCartLine: async (_root: unknown, a: { variantId: string }, context: GraphqlContext) => {
            signedInOnly(context);
            return hydrated(renamingFields(orders().removeCartLine({ variantId: a.variantId }), args));
          },
          clearCart: async (_root: unknown, _args: unknown, context: GraphqlContext) => {
            signedInOnly(context);
            return hydrated(orders().clearCart({}));
          },
          checkout: async (
            _root: unknown,
            a: { idempotencyKey: string; input: CheckoutBody },
            context: GraphqlContext,
          ) => {
            signedInOnly(context);
            const answer = await renamingFields(
              orders().checkout(checkoutRequest(a.idempotencyKey, a.input)),
              clientField("input", { idempotency_key: "idempotencyKey" }),
            );
            return checkoutJson(answer.checkout, answer.replayed);
          },
          acceptOrder: (_root: unknown, { id }: { id: string }, context: GraphqlContext) =>
            order(context, () => orders().acceptOrder({ id })),
          shipOrder: (
            _root: unknown,
            a: { id: string; trackingNumber: string; carrier?: string | null },
            context: GraphqlContext,
          ) =>
            order(context, () =>
              orders().shipOrder({ id: a.id, trackingNumber: a.trackingNumber, carrier: text(a.carrier) }),
            ),
          markOrderDelivered: (_root: unknown, { id }: { id: string }, context: GraphqlContext) =>
            order(context, () => orders().markOrderDelivered({ id })),
          completeOrder: (_root: unknown, { id }: { id: string }, context: GraphqlContext) =>
            order(context, () => orders().completeOrder({ id })),
          cancelOrder: (_root: unknown, a: { id: string; reason?: string | null }, context: GraphqlContext) =>
            order(context, () => orders().cancelOrder({ id: a.id, reason: text(a.reason) })),
        },
      };
    },
    rest: async (app, { services }) => {
      await app.register(async (scoped) => restRoutes(scoped, services, names));
    },
  });
}
