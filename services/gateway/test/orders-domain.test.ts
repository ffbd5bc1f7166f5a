import { timestampNow } from "@bufbuild/protobuf/wkt";
import { OrderStatus, OrdersService } from "@mercato/contracts/mercato/orders/v1/orders_pb";
import { InvalidArgument, type Listening, NotFound } from "@mercato/platform";
import { createTestIssuer, type TestIssuer } from "@mercato/platform/auth/test-keys";
import { v7 as uuidv7 } from "uuid";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Gateway } from "../src/app.js";
import { ordersGatewayModule } from "../src/modules/orders/index.js";
import { productsGatewayModule } from "../src/modules/products/index.js";
import { sellersGatewayModule } from "../src/modules/sellers/index.js";
import {
  callRecorder,
  injectors,
  issuerAuthenticator,
  moduleGateway,
  type RecordedCall,
  signedIn,
  startFakeService,
} from "./module-harness.js";

const eur = (amount: number) => ({ amountMinor: BigInt(amount), currency: "EUR" });
const shopId = uuidv7();
const known = uuidv7();
/** The key the fake answers as used before. */
const seenKey = "seen-before";

const order = (id: string, status = OrderStatus.PLACED) => ({
  id,
  checkoutId: uuidv7(),
  buyerId: uuidv7(),
  storefrontId: shopId,
  status,
  snapshot: { seller: { storefrontId: shopId, name: "Blue Pottery" }, subtotal: eur(100), total: eur(100) },
  version: 1n,
  createdAt: timestampNow(),
  updatedAt: timestampNow(),
});

/** An OrdersService that records what it is asked; a shipping name "refuse me" is refused by name. */
function fakeOrders(calls: RecordedCall[]) {
  const record = callRecorder(calls);
  const one = (method: string) => (request: { id: string }, context: never) => {
    record(method, request, context);
    if (request.id !== known) throw new NotFound("no such order");
    return { order: order(request.id) };
  };
  return {
    checkout: (request: { idempotencyKey: string; shippingAddress?: { name: string } }, context: never) => {
      record("checkout", request, context);
      if (request.shippingAddress?.name === "refuse me")
        throw InvalidArgument.field("shipping_address.name", "is not a name");
      return {
        checkout: { id: uuidv7(), orders: [order(known)], totals: [eur(100)], createdAt: timestampNow() },
        replayed: request.idempotencyKey === seenKey,
      };
    },
    listOrders: (request: object, context: never) => {
      record("listOrders", request, context);
      return { orders: [order(known, OrderStatus.SHIPPED)], nextCursor: "" };
    },
    listSellerOrders: (request: object, context: never) => {
      record("listSellerOrders", request, context);
      return { orders: [], nextCursor: "more" };
    },
    getOrder: one("getOrder"),
    cancelOrder: one("cancelOrder"),
  };
}

const address = { line1: "Hauptstraße 1", city: "Berlin", countryCode: "de" };

describe("orders gateway domain: one operation behind REST and GraphQL", () => {
  let issuer: TestIssuer;
  let server: Listening;
  let gateway: Gateway;
  const calls: RecordedCall[] = [];

  beforeAll(async () => {
    issuer = await createTestIssuer();
    const authenticate = issuerAuthenticator(issuer);
    server = await startFakeService(OrdersService, fakeOrders(calls) as never, authenticate);
    gateway = await moduleGateway({
      services: ["orders", "products", "sellers", "inventory"].map((name) => ({ name, url: server.url })),
      // Orders' SDL borrows Money, PostalAddress, Product and Storefront from the catalog domains.
      modules: [sellersGatewayModule(), productsGatewayModule(), ordersGatewayModule()],
      authenticate,
    });
  });

  afterAll(async () => {
    await gateway?.app.close();
    await server?.close();
    await issuer?.close();
  });

  beforeEach(() => {
    calls.length = 0;
  });

  const { rest, graphql } = injectors(() => gateway);
  const checkoutRest = async (key: string, body: object) =>
    gateway.app.inject({
      method: "POST",
      url: "/api/v1/checkout",
      headers: { ...(await signedIn(issuer)).headers, "idempotency-key": key },
      payload: body,
    });
  const checkoutMutation = `mutation($key: String!, $input: CheckoutInput!) {
    checkout(idempotencyKey: $key, input: $input) { replayed orders { status } totals { amountMinor } }
  }`;

  it("answers an anonymous checkout 401 before validating its input, in both APIs", async () => {
    expect((await rest("POST", "/checkout", undefined, {})).statusCode).toBe(401);
    const graph = await graphql(checkoutMutation, {
      key: "k",
      input: { shippingAddress: { name: "A", address } },
    });
    expect(graph.json().errors[0].extensions.code).toBe("UNAUTHENTICATED");
    expect(calls).toEqual([]);
  });

  it("sends a checkout to orders as the same request from a REST body and a GraphQL input", async () => {
    const input = {
      shippingAddress: { name: "Ada", address },
      lines: [{ variantId: known, quantity: 2 }],
    };
    expect((await checkoutRest("rest-key", input)).statusCode).toBe(201);
    const buyer = await signedIn(issuer);
    const graph = await graphql(checkoutMutation, { key: "graphql-key", input }, buyer);
    expect(graph.json().errors).toBeUndefined();
    const [viaRest, viaGraphql] = calls.map(({ request: { idempotencyKey, ...request } }) => ({
      idempotencyKey,
      request,
    }));
    expect(viaRest?.idempotencyKey).toBe("rest-key");
    expect(viaGraphql?.idempotencyKey).toBe("graphql-key");
    expect(viaRest?.request).toEqual(viaGraphql?.request);
    // Absent parts go empty, the country upper-case, no billing address: the shipping one.
    expect(viaRest?.request).toMatchObject({
      shippingAddress: { name: "Ada", phone: "", address: { countryCode: "DE", line2: "", region: "" } },
      lines: [{ variantId: known, quantity: 2n }],
      note: "",
    });
    expect(viaRest?.request.billingAddress).toBeUndefined();
  });

  it("marks a replayed checkout: REST 201 with Idempotent-Replayed, GraphQL replayed", async () => {
    const body = { shippingAddress: { name: "Ada", address } };
    const fresh = await checkoutRest("fresh", body);
    expect(fresh.statusCode, fresh.body).toBe(201);
    expect(fresh.headers["idempotent-replayed"]).toBeUndefined();
    expect(fresh.json()).toMatchObject({ replayed: false, orders: [{ status: "placed" }] });
    const replay = await checkoutRest(seenKey, body);
    expect(replay.statusCode).toBe(201);
    expect(replay.headers["idempotent-replayed"]).toBe("true");
    expect(replay.json().replayed).toBe(true);
    const graph = await graphql(checkoutMutation, { key: seenKey, input: body }, await signedIn(issuer));
    expect(graph.json().data.checkout).toEqual({
      replayed: true,
      orders: [{ status: "PLACED" }],
      totals: [{ amountMinor: 100 }],
    });
  });

  it("names a checkout field orders refuses as each client sent it: body.… in REST, input.… in GraphQL", async () => {
    const body = { shippingAddress: { name: "refuse me", address } };
    const viaRest = await checkoutRest("k1", body);
    expect(viaRest.statusCode).toBe(400);
    expect(viaRest.json().error.details).toEqual([
      { field: "body.shippingAddress.name", message: "is not a name" },
    ]);
    const viaGraphql = await graphql(checkoutMutation, { key: "k2", input: body }, await signedIn(issuer));
    expect(viaGraphql.json().errors[0].extensions.details).toEqual([
      { field: "input.shippingAddress.name", message: "is not a name" },
    ]);
  });

  it("refuses a checkout body orders never sees: an unknown field and a bad phone, named", async () => {
    const unknown = await checkoutRest("k", { shippingAddress: { name: "Ada", address }, coupon: "X" });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.body).toContain("coupon");
    const phone = await checkoutRest("k", { shippingAddress: { name: "Ada", phone: "0301234", address } });
    expect(phone.statusCode).toBe(400);
    expect(phone.json().error.details[0].field).toBe("body.shippingAddress.phone");
    expect(calls).toEqual([]);
  });

  it("filters order lists by status alike: REST lower-case, GraphQL upper-case, sellers' storefront passed on", async () => {
    const buyer = await signedIn(issuer);
    const viaRest = await rest("GET", "/orders?status=shipped&limit=5", buyer);
    expect(viaRest.json()).toMatchObject({ items: [{ id: known, status: "shipped" }], nextCursor: null });
    const viaGraphql = await graphql(
      "{ orders(status: SHIPPED, first: 5) { edges { node { status } } } }",
      {},
      buyer,
    );
    expect(viaGraphql.json().data.orders.edges).toEqual([{ node: { status: "SHIPPED" } }]);
    const selling = await rest("GET", `/orders/selling?storefrontId=${shopId}`, buyer);
    expect(selling.json()).toEqual({ items: [], nextCursor: "more" });
    const requests = calls.map((call) => [call.method, call.request]);
    expect(requests).toEqual([
      ["listOrders", expect.objectContaining({ limit: 5, status: OrderStatus.SHIPPED })],
      ["listOrders", expect.objectContaining({ limit: 5, status: OrderStatus.SHIPPED })],
      [
        "listSellerOrders",
        expect.objectContaining({ limit: 20, status: OrderStatus.UNSPECIFIED, storefrontId: shopId }),
      ],
    ]);
  });

  it("answers an order it cannot find 404 in REST and null in GraphQL", async () => {
    const buyer = await signedIn(issuer);
    const missing = uuidv7();
    expect((await rest("GET", `/orders/${missing}`, buyer)).statusCode).toBe(404);
    const graph = await graphql(`{ order(id: "${missing}") { id } }`, {}, buyer);
    expect(graph.json()).toEqual({ data: { order: null } });
    expect((await rest("GET", `/orders/${known}`, buyer)).json().id).toBe(known);
  });

  it("cancels with or without a reason: none is an empty one", async () => {
    const buyer = await signedIn(issuer);
    const bare = await rest("POST", `/orders/${known}/cancel`, buyer, {});
    expect(bare.statusCode, bare.body).toBe(200);
    const graph = await graphql(`mutation { cancelOrder(id: "${known}", reason: "late") { id } }`, {}, buyer);
    expect(graph.json().errors).toBeUndefined();
    expect(calls.map((call) => call.request)).toMatchObject([
      { id: known, reason: "" },
      { id: known, reason: "late" },
    ]);
  });
});
