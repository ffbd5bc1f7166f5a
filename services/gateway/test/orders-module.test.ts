import { timestampNow } from "@bufbuild/protobuf/wkt";
import { InventoryService } from "@mercato/contracts/mercato/inventory/v1/inventory_pb";
import { OrdersService } from "@mercato/contracts/mercato/orders/v1/orders_pb";
import { ProductStatus, ProductsService } from "@mercato/contracts/mercato/products/v1/products_pb";
import { SellersService, StorefrontStatus } from "@mercato/contracts/mercato/sellers/v1/sellers_pb";
import { type Listening, PermissionDenied, signedInCaller } from "@mercato/platform";
import { createTestIssuer, type TestIssuer } from "@mercato/platform/auth/test-keys";
import { freePort } from "@mercato/testing";
import { v7 as uuidv7 } from "uuid";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Gateway } from "../src/app.js";
import { retryAfterSeconds } from "../src/envelope.js";
import { inventoryGatewayModule } from "../src/modules/inventory/index.js";
import { ordersGatewayModule } from "../src/modules/orders/index.js";
import { productsGatewayModule } from "../src/modules/products/index.js";
import { sellersGatewayModule } from "../src/modules/sellers/index.js";
import {
  injectors,
  issuerAuthenticator,
  moduleGateway,
  signedIn,
  startFakeService,
} from "./module-harness.js";

const eur = (amount: number) => ({ amountMinor: BigInt(amount), currency: "EUR" });

describe("orders gateway module: carts hydrated from products, sellers and inventory", () => {
  let issuer: TestIssuer;
  const servers: Listening[] = [];
  let gateway: Gateway;
  const calls: string[] = [];

  // Three cart lines: two variants of one open shop (one repriced since it was added), one of a
  // product that has gone from the catalog.
  const shopId = uuidv7();
  const [mug, plate, gone, yacht] = [uuidv7(), uuidv7(), uuidv7(), uuidv7()];
  const buyerId = uuidv7();
  // A buyer with 2 of a variant priced at 2^53-1 minor units before prices were bounded.
  const yachtBuyerId = uuidv7();
  const yachtPrice = Number.MAX_SAFE_INTEGER;
  const line = (variantId: string, quantity: number, priceWhenAdded: number) => ({
    variantId,
    quantity: BigInt(quantity),
    priceWhenAdded: eur(priceWhenAdded),
    addedAt: timestampNow(),
  });
  const cart = () => ({
    buyerId,
    lines: [line(mug, 2, 1200), line(plate, 1, 900), line(gone, 1, 500)],
    updatedAt: timestampNow(),
  });
  const variant = (id: string, price: number) => ({
    variant: {
      id,
      productId: uuidv7(),
      sku: `SKU-${id.slice(-4)}`,
      price: eur(price),
      options: { colour: "blue" },
    },
    productTitle: "Stoneware",
    storefrontId: shopId,
    mediaId: "",
    productStatus: ProductStatus.ACTIVE,
  });

  const { rest, graphql } = injectors(() => gateway);
  /** The key the fake orders service answers as used before. */
  const seenKey = "seen-before";

  // Orders whose lines name products by id: each product id derived from its variant's.
  const products = new Map<string, string>();
  const productOf = (variantId: string) => {
    if (!products.has(variantId)) products.set(variantId, uuidv7());
    return products.get(variantId) ?? "";
  };
  const order = (...variantIds: string[]) => ({
    id: uuidv7(),
    checkoutId: uuidv7(),
    buyerId,
    storefrontId: shopId,
    status: 1,
    snapshot: {
      lines: variantIds.map((variantId) => ({
        variantId,
        productId: productOf(variantId),
        title: "As bought",
        sku: "S",
        unitPrice: eur(100),
        quantity: 1n,
        lineTotal: eur(100),
      })),
      seller: { storefrontId: shopId, name: "Blue Pottery (then)" },
      subtotal: eur(200),
      total: eur(200),
    },
    version: 1n,
    createdAt: timestampNow(),
    updatedAt: timestampNow(),
  });

  beforeAll(async () => {
    issuer = await createTestIssuer();
    const authenticate = issuerAuthenticator(issuer);
    servers.push(
      await startFakeService(
        OrdersService,
        {
          async getCart(_request, context) {
            calls.push("orders.getCart");
            if (signedInCaller(context).id === yachtBuyerId)
              return {
                cart: {
                  buyerId: yachtBuyerId,
                  lines: [line(yacht, 2, yachtPrice)],
                  updatedAt: timestampNow(),
                },
              };
            return { cart: cart() };
          },
          async listOrders() {
            calls.push("orders.listOrders");
            return { orders: [order(mug, plate), order(plate, gone)], nextCursor: "" };
          },
          async addToCart(request, context) {
            calls.push(`orders.addToCart:${request.idempotencyKey ?? "no key"}`);
            if (!signedInCaller(context).roles.includes("buyer")) throw new PermissionDenied("buyers only");
            return { cart: cart(), replayed: request.idempotencyKey === seenKey };
          },
        },
        authenticate,
      ),
      await startFakeService(
        ProductsService,
        {
          async batchGetProducts(request) {
            calls.push(`products.batchGetProducts:${request.ids.length}`);
            return {
              products: request.ids
                .filter((id) => id !== productOf(gone))
                .map((id) => ({
                  id,
                  storefrontId: shopId,
                  title: `Now ${id.slice(-4)}`,
                  status: ProductStatus.ACTIVE,
                })),
            };
          },
          async batchGetVariants(request) {
            calls.push(`products.batchGetVariants:${request.ids.length}`);
            return { variants: [variant(mug, 1200), variant(plate, 1100), variant(yacht, yachtPrice)] };
          },
        },
        authenticate,
      ),
      await startFakeService(
        SellersService,
        {
          async batchGetStorefronts(request) {
            calls.push(`sellers.batchGetStorefronts:${request.ids.length}`);
            return {
              storefronts: [
                { id: shopId, name: "Blue Pottery", slug: "blue-pottery", status: StorefrontStatus.ACTIVE },
              ],
            };
          },
        },
        authenticate,
      ),
      await startFakeService(
        InventoryService,
        {
          async getStock(request) {
            calls.push(`inventory.getStock:${request.variantIds.length}`);
            // As inventory answers a buyer: what can be bought, and nothing of the seller's stock.
            if (!request.availabilityOnly) throw new PermissionDenied("stock is its storefront owner's");
            return {
              levels: [
                { variantId: mug, available: 1n },
                { variantId: plate, available: 9n },
                { variantId: yacht, available: 2n },
              ],
            };
          },
        },
        authenticate,
      ),
    );
    const [orders, products, sellers, inventory] = servers;
    gateway = await moduleGateway({
      services: [
        { name: "orders", url: orders?.url ?? "" },
        { name: "products", url: products?.url ?? "" },
        { name: "sellers", url: sellers?.url ?? "" },
        { name: "inventory", url: inventory?.url ?? "" },
      ],
      modules: [
        sellersGatewayModule(),
        productsGatewayModule(),
        inventoryGatewayModule(),
        ordersGatewayModule(),
      ],
      authenticate,
    });
  });

  afterAll(async () => {
    await gateway?.app.close();
    for (const server of servers) await server.close();
    await issuer?.close();
  });

  beforeEach(() => {
    calls.length = 0;
  });

  it("hydrates a cart with one call to each service, showing price changes, short stock and lines no longer for sale", async () => {
    const buyer = await signedIn(issuer, { id: buyerId });
    const answer = await rest("GET", "/cart", buyer);
    expect(answer.statusCode, answer.body).toBe(200);
    expect(calls.sort()).toEqual([
      "inventory.getStock:3",
      "orders.getCart",
      "products.batchGetVariants:3",
      "sellers.batchGetStorefronts:1",
    ]);
    const body = answer.json();
    expect(body.lines).toMatchObject([
      {
        variantId: mug,
        quantity: 2,
        title: "Stoneware",
        unitPrice: { amountMinor: 1200, formatted: "€12.00" },
        priceChanged: false,
        available: 1,
        enoughStock: false,
        purchasable: true,
        storefront: { name: "Blue Pottery" },
        lineTotal: { amountMinor: 2400 },
      },
      {
        variantId: plate,
        unitPrice: { amountMinor: 1100 },
        priceWhenAdded: { amountMinor: 900 },
        priceChanged: true,
      },
      { variantId: gone, title: null, unitPrice: null, purchasable: false, available: 0, storefront: null },
    ]);
    expect(body.totals).toEqual([{ amountMinor: 3500, currency: "EUR", formatted: "€35.00" }]);
  });

  it("serves the same hydrated cart in GraphQL, options as pairs", async () => {
    const buyer = await signedIn(issuer, { id: buyerId });
    const answer = await graphql(
      "{ cart { lines { variantId priceChanged options { name value } storefront { slug } } totals { amountMinor } } }",
      {},
      buyer,
    );
    const body = answer.json();
    expect(body.errors).toBeUndefined();
    expect(body.data.cart.lines[1]).toEqual({
      variantId: plate,
      priceChanged: true,
      options: [{ name: "colour", value: "blue" }],
      storefront: { slug: "blue-pottery" },
    });
    expect(calls.filter((c) => c.startsWith("products.")).length).toBe(1);
  });

  it("shows order lines' current products and the orders' storefronts with one call to each service", async () => {
    const buyer = await signedIn(issuer, { id: buyerId });
    const answer = await graphql(
      "{ orders { edges { node { storefront { name } snapshot { seller { name } lines { title product { title } } } } } } }",
      {},
      buyer,
    );
    const body = answer.json();
    expect(body.errors).toBeUndefined();
    const nodes = body.data.orders.edges.map((e: { node: unknown }) => e.node);
    expect(nodes[0]).toMatchObject({
      storefront: { name: "Blue Pottery" },
      snapshot: {
        seller: { name: "Blue Pottery (then)" },
        lines: [
          { title: "As bought", product: { title: expect.stringMatching(/^Now /) } },
          { product: { title: expect.stringMatching(/^Now /) } },
        ],
      },
    });
    expect(nodes[1].snapshot.lines[1].product).toBeNull();
    expect(calls.sort()).toEqual([
      "orders.listOrders",
      "products.batchGetProducts:3",
      "sellers.batchGetStorefronts:1",
    ]);
  });

  it("answers a cart whose totals pass 2^53 minor units with their exact digits in REST and GraphQL, never 500", async () => {
    const buyer = await signedIn(issuer, { id: yachtBuyerId });
    const exact = "18014398509481982";
    const answer = await rest("GET", "/cart", buyer);
    expect(answer.statusCode, answer.body).toBe(200);
    expect(answer.body).toContain(
      `"lineTotal":{"amountMinor":${exact},"currency":"EUR","formatted":"€180,143,985,094,819.82"}`,
    );
    expect(answer.body).toContain(`"totals":[{"amountMinor":${exact},`);
    const graph = await graphql(
      "{ cart { lines { lineTotal { amountMinor } } totals { amountMinor formatted } } }",
      {},
      buyer,
    );
    expect(graph.json().errors).toBeUndefined();
    expect(graph.body).toContain(`"lineTotal":{"amountMinor":${exact}}`);
    expect(graph.body).toContain(`"totals":[{"amountMinor":${exact},"formatted":"€180,143,985,094,819.82"}]`);
  });

  it("refuses anonymous callers with 401 and bad input with 400 naming the field, before calling any service", async () => {
    expect((await rest("GET", "/cart")).statusCode).toBe(401);
    const buyer = await signedIn(issuer);
    const bad = await rest("POST", "/cart/lines", buyer, { variantId: "nope", quantity: 1 });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain("variantId");
    const many = await rest("POST", "/cart/lines", buyer, { variantId: mug, quantity: 1001 });
    expect(many.statusCode).toBe(400);
    expect(many.body).toContain("quantity");
    const noKey = await rest("POST", "/checkout", buyer, { shippingAddress: { name: "A", address: {} } });
    expect(noKey.statusCode).toBe(400);
    expect(calls).toEqual([]);
    const stock = await rest("GET", `/inventory?variantIds=${mug}`, buyer);
    expect(stock.statusCode).toBe(403);
  });

  it("passes an add's idempotency key to orders and marks a replay: REST header Idempotent-Replayed, GraphQL replayed", async () => {
    const buyer = await signedIn(issuer, { id: buyerId });
    const add = (key: string | undefined) =>
      gateway.app.inject({
        method: "POST",
        url: "/api/v1/cart/lines",
        headers: { ...buyer.headers, ...(key === undefined ? {} : { "idempotency-key": key }) },
        payload: { variantId: mug, quantity: 2 },
      });
    const fresh = await add("first-time");
    expect(fresh.statusCode, fresh.body).toBe(200);
    expect(fresh.headers["idempotent-replayed"]).toBeUndefined();
    const replay = await add(seenKey);
    expect(replay.statusCode, replay.body).toBe(200);
    expect(replay.headers["idempotent-replayed"]).toBe("true");
    expect(replay.json().lines).toHaveLength(3);
    expect((await add(undefined)).statusCode).toBe(200);
    expect(calls.filter((c) => c.startsWith("orders."))).toEqual([
      "orders.addToCart:first-time",
      `orders.addToCart:${seenKey}`,
      "orders.addToCart:no key",
    ]);

    const mutation = `mutation ($key: String) {
      addToCart(variantId: "${mug}", quantity: 2, idempotencyKey: $key) { replayed lines { variantId } }
    }`;
    for (const [key, replayed] of [
      [seenKey, true],
      ["another", false],
      [null, false],
    ] as const) {
      const answer = (await graphql(mutation, { key }, buyer)).json();
      expect(answer.errors).toBeUndefined();
      expect(answer.data.addToCart).toMatchObject({ replayed, lines: expect.any(Array) });
    }
    const read = (await graphql("{ cart { replayed } }", {}, buyer)).json();
    expect(read.data.cart.replayed).toBe(false);
  });

  it("refuses a bad idempotency key of an add with 400 naming it in REST and GraphQL", async () => {
    const buyer = await signedIn(issuer, { id: buyerId });
    for (const key of ["", "has space", "x".repeat(256), "caf\u00e9"]) {
      const answer = await gateway.app.inject({
        method: "POST",
        url: "/api/v1/cart/lines",
        headers: { ...buyer.headers, "idempotency-key": key },
        payload: { variantId: mug, quantity: 1 },
      });
      expect(answer.statusCode, `${key}: ${answer.body}`).toBe(400);
      expect(answer.json().error.details).toEqual([
        { field: "headers.idempotency-key", message: expect.stringContaining("pattern") },
      ]);
    }
    expect(calls).toEqual([]);
    for (const key of ["", "has space", "x".repeat(256), "ключ"]) {
      const graph = (
        await graphql(
          `mutation ($key: String) { addToCart(variantId: "${mug}", quantity: 1, idempotencyKey: $key) { replayed } }`,
          { key },
          buyer,
        )
      ).json();
      expect(graph.errors?.[0]?.extensions, key).toMatchObject({
        code: "INVALID_ARGUMENT",
        details: [{ field: "idempotencyKey" }],
      });
    }
    // Orders' own validation refused it at its boundary: the handler never ran.
    expect(calls).toEqual([]);
  });
});

describe("a gateway whose orders service is down", () => {
  let issuer: TestIssuer;
  let gateway: Gateway;

  beforeAll(async () => {
    issuer = await createTestIssuer();
    // A port nobody listens on: every call to orders fails to connect.
    const nobody = `http://127.0.0.1:${await freePort()}`;
    gateway = await moduleGateway({
      services: ["orders", "products", "sellers", "inventory"].map((name) => ({ name, url: nobody })),
      modules: [
        sellersGatewayModule(),
        productsGatewayModule(),
        inventoryGatewayModule(),
        ordersGatewayModule(),
      ],
      authenticate: issuerAuthenticator(issuer),
    });
  });

  afterAll(async () => {
    await gateway?.app.close();
    await issuer?.close();
  });

  it("answers 502 with Retry-After in REST and in GraphQL-over-HTTP, and 503 with Retry-After at /health/services", async () => {
    const buyer = await signedIn(issuer);
    const add = await gateway.app.inject({
      method: "POST",
      url: "/api/v1/cart/lines",
      headers: { ...buyer.headers, "idempotency-key": "retry-me" },
      payload: { variantId: uuidv7(), quantity: 1 },
    });
    expect(add.statusCode, add.body).toBe(502);
    expect(add.json().error.code).toBe("SERVICE_UNAVAILABLE");
    expect(add.headers["retry-after"]).toBe(String(retryAfterSeconds));

    const graph = await gateway.app.inject({
      method: "POST",
      url: "/graphql",
      headers: { ...buyer.headers, accept: "application/graphql-response+json" },
      payload: { query: "{ cart { buyerId } }" },
    });
    expect(graph.statusCode, graph.body).toBe(502);
    expect(graph.json().errors[0].extensions.code).toBe("SERVICE_UNAVAILABLE");
    expect(graph.headers["retry-after"]).toBe(String(retryAfterSeconds));

    const health = await gateway.app.inject({ method: "GET", url: "/health/services" });
    expect(health.statusCode).toBe(503);
    expect(health.headers["retry-after"]).toBe(String(retryAfterSeconds));

    // A client's own mistake is no outage: nothing to wait for.
    const bad = await gateway.app.inject({
      method: "POST",
      url: "/api/v1/cart/lines",
      headers: buyer.headers,
      payload: { variantId: "nope", quantity: 1 },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.headers["retry-after"]).toBeUndefined();
  });
});
