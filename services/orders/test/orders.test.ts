import { fromBinary } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import { InventoryService, MovementReason } from "@mercato/contracts/mercato/inventory/v1/inventory_pb";
import {
  CheckoutCompletedSchema,
  OrderStatusChangedSchema,
} from "@mercato/contracts/mercato/orders/v1/events_pb";
import { OrderStatus, OrdersService } from "@mercato/contracts/mercato/orders/v1/orders_pb";
import { ProductStatus, ProductsService } from "@mercato/contracts/mercato/products/v1/products_pb";
import { SellersService } from "@mercato/contracts/mercato/sellers/v1/sellers_pb";
import { inventoryService } from "@mercato/inventory";
import {
  backgroundContext,
  createRpcClient,
  type RunningService,
  rowsOf,
  type ServiceRuntime,
  ServiceUnavailable,
} from "@mercato/platform";
import { productsService } from "@mercato/products";
import { sellersService } from "@mercato/sellers";
import { describeWithInfra, waitFor } from "@mercato/testing";
import {
  type DatabaseFixture,
  failure,
  openServiceRig,
  pgliteFixture,
  postgresFixture,
  type ServiceRig,
  startTestService,
} from "@mercato/testing/service-fixture";
import { sql } from "drizzle-orm";
import { v7 as uuidv7 } from "uuid";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  Carts,
  CheckoutWorkflow,
  type OrdersConfig,
  Orders as OrdersStore,
  ordersService,
  rpcUpstreams,
  type StockKeeper,
} from "../src/index.js";
import { CuttableLink } from "./cuttable-link.js";

/** A signed-in account of the tests. */
interface Account {
  id: string;
  as: { headers: { authorization: string } };
}

const eur = (amount: number) => ({ amountMinor: BigInt(amount), currency: "EUR" });
const shipTo = {
  name: "Ada Buyer",
  phone: "+4915112345678",
  address: { line1: "Unter den Linden 1", city: "Berlin", postalCode: "10117", countryCode: "DE" },
};

function describeOrdersService(label: string, openFixture: () => Promise<DatabaseFixture>): void {
  describe(label, { timeout: 60_000 }, () => {
    let rig: ServiceRig;
    const running: RunningService[] = [];
    let orders: ReturnType<typeof createRpcClient<typeof OrdersService>>;
    let products: ReturnType<typeof createRpcClient<typeof ProductsService>>;
    let sellers: ReturnType<typeof createRpcClient<typeof SellersService>>;
    let inventory: ReturnType<typeof createRpcClient<typeof InventoryService>>;
    let categoryId: string;

    beforeAll(async () => {
      rig = await openServiceRig(openFixture, "mercato.orders.>");
      running.push(await startTestService(sellersService, rig));
      running.push(await startTestService(productsService, rig));
      running.push(await startTestService(inventoryService, rig));
      const [sellersUrl, productsUrl, inventoryUrl] = running.map((s) => s.url);
      running.push(
        await startTestService(ordersService, {
          ...rig,
          env: {
            SELLERS_SERVICE_URL: sellersUrl ?? "",
            PRODUCTS_SERVICE_URL: productsUrl ?? "",
            INVENTORY_SERVICE_URL: inventoryUrl ?? "",
            UPSTREAM_TIMEOUT_MS: "30000",
            CHECKOUT_RECOVERY_MS: "200",
            // Long enough for the lifecycle test's buyer to confirm by hand first.
            ORDER_AUTO_COMPLETE_MS: "3000",
          },
        }),
      );
      const url = (name: string) => running.find((s) => s.name === name)?.url ?? "";
      orders = createRpcClient(OrdersService, { baseUrl: url("orders"), maxRetries: 0, timeoutMs: 60_000 });
      products = createRpcClient(ProductsService, { baseUrl: url("products"), maxRetries: 0 });
      sellers = createRpcClient(SellersService, { baseUrl: url("sellers"), maxRetries: 0 });
      inventory = createRpcClient(InventoryService, { baseUrl: url("inventory"), maxRetries: 0 });
      const admin = await account(["admin"]);
      categoryId =
        (await products.createCategory({ name: `Goods ${uuidv7()}` }, admin.as)).category?.id ?? "";
    }, 180_000);

    afterAll(async () => {
      for (const service of running.reverse()) await service.stop();
      await link?.close();
      await rig?.close();
    });

    async function account(roles: string[]): Promise<Account> {
      const id = uuidv7();
      const token = await rig.issuer.sign({ sub: id, roles, email_verified: true });
      return { id, as: { headers: { authorization: `Bearer ${token}` } } };
    }

    /** A verified seller with an open storefront that products and inventory know of. */
    async function seller(name: string) {
      const owner = await account(["seller"]);
      const slug = `${name.toLowerCase().replace(/[^a-z]+/g, "-")}-${uuidv7().slice(-8)}`;
      const { storefront } = await sellers.createStorefront(
        {
          name,
          slug,
          contact: { email: `hello@${slug}.test` },
          address: { line1: "Hauptstraße 1", city: "Berlin", postalCode: "10115", countryCode: "DE" },
          location: { latitude: 52.52, longitude: 13.405 },
        },
        owner.as,
      );
      return { ...owner, storefrontId: storefront?.id ?? "" };
    }

    let skus = 0;
    /** An active product of one variant at `price` cents with `stock` units on hand. */
    async function listed(owner: Account, title: string, price: number, stock: number) {
      const product = await waitFor(
        async () => {
          try {
            const { product } = await products.createProduct(
              {
                title,
                categoryId,
                optionNames: ["size"],
                variants: [
                  { sku: `SKU-${++skus}-${uuidv7().slice(-6)}`, price: eur(price), options: { size: "M" } },
                ],
                status: ProductStatus.ACTIVE,
              },
              owner.as,
            );
            return product;
          } catch {
            return undefined; // products has not heard of the storefront yet
          }
        },
        { message: "products never learnt of the storefront" },
      );
      const variantId = product.variants[0]?.id ?? "";
      await waitFor(
        async () => {
          try {
            await inventory.adjustStock(
              { variantId, quantity: BigInt(stock), reason: MovementReason.REPLENISHMENT },
              owner.as,
            );
            return true;
          } catch {
            return false; // inventory has not heard of the variant yet
          }
        },
        { message: "inventory never learnt of the variant" },
      );
      return { productId: product.id, variantId };
    }

    const onHand = async (variantId: string) => {
      const { levels } = await inventory.getStock({ variantIds: [variantId] }, (await account(["admin"])).as);
      return levels[0];
    };

    const completedEvents = (checkoutId: string) =>
      rig.published
        .filter((e) => e.subject === "mercato.orders.checkout.completed")
        .map((e) => fromBinary(CheckoutCompletedSchema, e.payload))
        .filter((e) => e.checkoutId === checkoutId);

    const placedEvents = (orderId: string) =>
      rig.published
        .filter((e) => e.subject.startsWith("mercato.orders.order."))
        .map((e) => ({ subject: e.subject, event: fromBinary(OrderStatusChangedSchema, e.payload) }))
        .filter((e) => e.event.orderId === orderId);

    it("checks a two-seller cart out into one order per seller, pricing from the catalog, selling the stock and emptying the cart", async () => {
      const bakery = await seller("Bakery Berlin");
      const potter = await seller("Potter Paris");
      const bread = await listed(bakery, "Sourdough loaf", 450, 10);
      const bowl = await listed(potter, "Blue bowl", 2500, 3);
      const buyer = await account(["buyer"]);
      await orders.addToCart({ variantId: bread.variantId, quantity: 2n }, buyer.as);
      await orders.addToCart({ variantId: bread.variantId, quantity: 1n }, buyer.as);
      const { cart } = await orders.addToCart({ variantId: bowl.variantId, quantity: 2n }, buyer.as);
      expect(cart?.lines.map((l) => [l.variantId, l.quantity, l.priceWhenAdded?.amountMinor])).toEqual([
        [bread.variantId, 3n, 450n],
        [bowl.variantId, 2n, 2500n],
      ]);

      const { checkout, replayed } = await orders.checkout(
        { idempotencyKey: `two-sellers-${uuidv7()}`, shippingAddress: shipTo, note: "Ring twice" },
        buyer.as,
      );
      expect(replayed).toBe(false);
      expect(checkout?.orders).toHaveLength(2);
      expect(checkout?.totals).toEqual([
        expect.objectContaining({ amountMinor: 3n * 450n + 2n * 2500n, currency: "EUR" }),
      ]);
      const byStore = new Map(checkout?.orders.map((o) => [o.storefrontId, o]));
      const breadOrder = byStore.get(bakery.storefrontId);
      expect(breadOrder).toMatchObject({ status: OrderStatus.PLACED, buyerId: buyer.id });
      expect(breadOrder?.snapshot).toMatchObject({
        lines: [
          {
            variantId: bread.variantId,
            title: "Sourdough loaf",
            options: { size: "M" },
            unitPrice: { amountMinor: 450n, currency: "EUR" },
            quantity: 3n,
            lineTotal: { amountMinor: 1350n },
          },
        ],
        seller: { storefrontId: bakery.storefrontId, name: "Bakery Berlin", address: { city: "Berlin" } },
        shippingAddress: { name: "Ada Buyer", address: { line1: "Unter den Linden 1" } },
        billingAddress: { name: "Ada Buyer" },
        total: { amountMinor: 1350n, currency: "EUR" },
        note: "Ring twice",
      });
      expect(byStore.get(potter.storefrontId)?.snapshot?.total?.amountMinor).toBe(5000n);

      expect(await onHand(bread.variantId)).toMatchObject({ onHand: 7n, reserved: 0n });
      expect(await onHand(bowl.variantId)).toMatchObject({ onHand: 1n, reserved: 0n });
      expect((await orders.getCart({}, buyer.as)).cart?.lines).toEqual([]);
      await waitFor(() => placedEvents(breadOrder?.id ?? "").length === 1);
      expect(placedEvents(breadOrder?.id ?? "")[0]).toMatchObject({
        subject: "mercato.orders.order.placed",
        event: {
          status: "placed",
          sellerOwnerId: bakery.id,
          total: { amountMinor: 1350n },
          snapshot: {
            lines: [{ title: "Sourdough loaf", quantity: 3n }],
            shippingAddress: { name: "Ada Buyer" },
          },
        },
      });
      // One message for the whole checkout, for the buyer's one confirmation.
      await waitFor(() => completedEvents(checkout?.id ?? "").length === 1);
      const [completed] = completedEvents(checkout?.id ?? "");
      expect(completed).toMatchObject({
        buyerId: buyer.id,
        totals: [{ amountMinor: 3n * 450n + 2n * 2500n, currency: "EUR" }],
      });
      expect(
        completed?.orders.map((o) => [o.orderId, o.sellerOwnerId, o.snapshot?.seller?.name]).sort(),
      ).toEqual(
        [
          [breadOrder?.id, bakery.id, "Bakery Berlin"],
          [byStore.get(potter.storefrontId)?.id, potter.id, "Potter Paris"],
        ].sort(),
      );
    });

    it("keeps an order's snapshot when the product's title and price and the storefront's name change later", async () => {
      const shop = await seller("Cheese Corner");
      const cheese = await listed(shop, "Aged gouda", 1200, 5);
      const buyer = await account(["buyer"]);
      const { checkout } = await orders.checkout(
        {
          idempotencyKey: uuidv7(),
          shippingAddress: shipTo,
          lines: [{ variantId: cheese.variantId, quantity: 1n }],
        },
        buyer.as,
      );
      const orderId = checkout?.orders[0]?.id ?? "";
      const before = (await orders.getOrder({ id: orderId }, buyer.as)).order;
      await products.updateProduct({ id: cheese.productId, title: "Young gouda" }, shop.as);
      await products.updateVariant({ id: cheese.variantId, price: eur(900) }, shop.as);
      await sellers.updateStorefront({ id: shop.storefrontId, name: "Cheese Palace" }, shop.as);
      const after = (await orders.getOrder({ id: orderId }, buyer.as)).order;
      expect(after?.snapshot).toEqual(before?.snapshot);
      expect(after?.snapshot?.lines[0]).toMatchObject({
        title: "Aged gouda",
        unitPrice: { amountMinor: 1200n },
      });
      expect(after?.snapshot?.seller?.name).toBe("Cheese Corner");
      // A new checkout sees the new price.
      const { checkout: again } = await orders.checkout(
        {
          idempotencyKey: uuidv7(),
          shippingAddress: shipTo,
          lines: [{ variantId: cheese.variantId, quantity: 1n }],
        },
        buyer.as,
      );
      expect(again?.orders[0]?.snapshot?.lines[0]).toMatchObject({
        title: "Young gouda",
        unitPrice: { amountMinor: 900n },
      });
    });

    it("answers 20 concurrent retries of one checkout with one order, and the same key with another body with ALREADY_EXISTS", async () => {
      const shop = await seller("Tea House");
      const tea = await listed(shop, "Green tea", 800, 100);
      const buyer = await account(["buyer"]);
      const key = `retry-${uuidv7()}`;
      const request = {
        idempotencyKey: key,
        shippingAddress: shipTo,
        lines: [{ variantId: tea.variantId, quantity: 2n }],
      };
      const answers = await Promise.all(Array.from({ length: 20 }, () => orders.checkout(request, buyer.as)));
      const checkoutIds = new Set(answers.map((a) => a.checkout?.id));
      const orderIds = new Set(answers.flatMap((a) => a.checkout?.orders.map((o) => o.id) ?? []));
      expect(checkoutIds.size).toBe(1);
      expect(orderIds.size).toBe(1);
      expect(answers.filter((a) => !a.replayed)).toHaveLength(1);
      expect(await onHand(tea.variantId)).toMatchObject({ onHand: 98n, reserved: 0n });
      const { orders: mine } = await orders.listOrders({}, buyer.as);
      expect(mine.map((o) => o.id)).toEqual([...orderIds]);

      const other = await failure(
        orders.checkout({ ...request, lines: [{ variantId: tea.variantId, quantity: 3n }] }, buyer.as),
      );
      expect(other.code).toBe(Code.AlreadyExists);
      expect(other.message).toContain(key);
      // The same key belongs to this buyer only: another buyer's request under it is its own checkout.
      const stranger = await account(["buyer"]);
      const theirs = await orders.checkout(request, stranger.as);
      expect(theirs.replayed).toBe(false);
      expect(theirs.checkout?.id).not.toBe([...checkoutIds][0]);
    });

    it("sells exactly the stock to 200 concurrent checkouts for 50 units; the rest are told it is out of stock", async () => {
      const shop = await seller("Hot Drop");
      const hot = await listed(shop, "Limited sneaker", 15000, 50);
      const buyers = await Promise.all(Array.from({ length: 10 }, () => account(["buyer"])));
      const outcomes = await Promise.allSettled(
        Array.from({ length: 200 }, (_, i) =>
          orders.checkout(
            {
              idempotencyKey: `race-${i}`,
              shippingAddress: shipTo,
              lines: [{ variantId: hot.variantId, quantity: 1n }],
            },
            buyers[i % buyers.length]?.as,
          ),
        ),
      );
      const sold = outcomes.filter((o) => o.status === "fulfilled");
      const refused = outcomes.flatMap((o) => (o.status === "rejected" ? [o.reason as Error] : []));
      expect(sold).toHaveLength(50);
      expect(refused).toHaveLength(150);
      for (const error of refused) {
        expect(error).toMatchObject({ code: Code.FailedPrecondition });
        expect(error.message).toContain("out of stock");
      }
      expect(await onHand(hot.variantId)).toMatchObject({ onHand: 0n, reserved: 0n, available: 0n });
      const movements = [];
      let cursor = "";
      do {
        const page = await inventory.listMovements({ variantId: hot.variantId, limit: 100, cursor }, shop.as);
        movements.push(...page.movements);
        cursor = page.nextCursor;
      } while (cursor);
      expect(movements.reduce((sum, m) => sum + m.quantity, 0n)).toBe(0n);
      expect(movements.filter((m) => m.reason === MovementReason.SALE)).toHaveLength(50);
      const { orders: sellerOrders } = await orders.listSellerOrders({ limit: 100 }, shop.as);
      expect(sellerOrders).toHaveLength(50);
    });

    it("replays an out-of-stock refusal for the same key and holds nothing back", async () => {
      const shop = await seller("Rare Books");
      const book = await listed(shop, "First edition", 90000, 1);
      const buyer = await account(["buyer"]);
      const request = {
        idempotencyKey: uuidv7(),
        shippingAddress: shipTo,
        lines: [{ variantId: book.variantId, quantity: 2n }],
      };
      const first = await failure(orders.checkout(request, buyer.as));
      expect(first).toMatchObject({ code: Code.FailedPrecondition, fields: ["lines[0].quantity"] });
      expect(await failure(orders.checkout(request, buyer.as))).toEqual(first);
      expect(await onHand(book.variantId)).toMatchObject({ onHand: 1n, reserved: 0n });
      expect((await orders.listOrders({}, buyer.as)).orders).toEqual([]);
    });

    it("moves an order placed → accepted → shipped → delivered → completed by its rightful actors only, publishing each step", async () => {
      const shop = await seller("Lamp Works");
      const lamp = await listed(shop, "Desk lamp", 4000, 5);
      const buyer = await account(["buyer"]);
      const otherSeller = await seller("Other Shop");
      const stranger = await account(["buyer"]);
      const { checkout } = await orders.checkout(
        {
          idempotencyKey: uuidv7(),
          shippingAddress: shipTo,
          lines: [{ variantId: lamp.variantId, quantity: 1n }],
        },
        buyer.as,
      );
      const id = checkout?.orders[0]?.id ?? "";

      expect((await failure(orders.acceptOrder({ id }, buyer.as))).code).toBe(Code.PermissionDenied);
      expect((await failure(orders.acceptOrder({ id }, otherSeller.as))).code).toBe(Code.NotFound);
      expect((await failure(orders.getOrder({ id }, stranger.as))).code).toBe(Code.NotFound);
      expect((await failure(orders.getOrder({ id }, otherSeller.as))).code).toBe(Code.NotFound);
      expect((await failure(orders.shipOrder({ id, trackingNumber: "X1" }, shop.as))).code).toBe(
        Code.FailedPrecondition,
      );
      expect((await failure(orders.acceptOrder({ id }))).code).toBe(Code.Unauthenticated);

      await orders.acceptOrder({ id }, shop.as);
      expect((await failure(orders.cancelOrder({ id }, shop.as))).code).toBe(Code.FailedPrecondition);
      expect((await failure(orders.shipOrder({ id, trackingNumber: "  " }, shop.as))).fields).toEqual([
        "tracking_number",
      ]);
      const shipped = (await orders.shipOrder({ id, trackingNumber: "DHL-123", carrier: "DHL" }, shop.as))
        .order;
      expect(shipped).toMatchObject({
        status: OrderStatus.SHIPPED,
        trackingNumber: "DHL-123",
        carrier: "DHL",
      });
      expect((await failure(orders.cancelOrder({ id }, buyer.as))).code).toBe(Code.FailedPrecondition);
      expect((await failure(orders.markOrderDelivered({ id }, buyer.as))).code).toBe(Code.PermissionDenied);
      await orders.markOrderDelivered({ id }, shop.as);
      expect((await failure(orders.completeOrder({ id }, shop.as))).code).toBe(Code.PermissionDenied);
      const completed = (await orders.completeOrder({ id }, buyer.as)).order;
      expect(completed?.status).toBe(OrderStatus.COMPLETED);
      expect(completed?.history.map((h) => [h.status, h.actorId])).toEqual([
        [OrderStatus.PLACED, buyer.id],
        [OrderStatus.ACCEPTED, shop.id],
        [OrderStatus.SHIPPED, shop.id],
        [OrderStatus.DELIVERED, shop.id],
        [OrderStatus.COMPLETED, buyer.id],
      ]);
      await waitFor(() => placedEvents(id).length === 5);
      expect(placedEvents(id).map((e) => [e.subject, e.event.previousStatus, e.event.version])).toEqual([
        ["mercato.orders.order.placed", "", 1n],
        ["mercato.orders.order.accepted", "placed", 2n],
        ["mercato.orders.order.shipped", "accepted", 3n],
        ["mercato.orders.order.delivered", "shipped", 4n],
        ["mercato.orders.order.completed", "delivered", 5n],
      ]);
      expect(placedEvents(id)[2]?.event).toMatchObject({ trackingNumber: "DHL-123", carrier: "DHL" });

      const { orders: shippedList } = await orders.listSellerOrders(
        { status: OrderStatus.COMPLETED },
        shop.as,
      );
      expect(shippedList.map((o) => o.id)).toEqual([id]);
      expect((await orders.listSellerOrders({ status: OrderStatus.PLACED }, shop.as)).orders).toEqual([]);
      expect((await orders.listSellerOrders({}, otherSeller.as)).orders).toEqual([]);
      expect((await failure(orders.listSellerOrders({}, buyer.as))).code).toBe(Code.PermissionDenied);
      expect(
        (await failure(orders.listSellerOrders({ storefrontId: shop.storefrontId }, otherSeller.as))).code,
      ).toBe(Code.PermissionDenied);
    });

    it("completes, as the orders service, an order delivered long ago that its buyer never confirmed", async () => {
      const shop = await seller("Quiet Buyers");
      const kettle = await listed(shop, "Copper kettle", 6000, 3);
      const buyer = await account(["buyer"]);
      const { checkout } = await orders.checkout(
        {
          idempotencyKey: uuidv7(),
          shippingAddress: shipTo,
          lines: [{ variantId: kettle.variantId, quantity: 1n }],
        },
        buyer.as,
      );
      const id = checkout?.orders[0]?.id ?? "";
      await orders.acceptOrder({ id }, shop.as);
      await orders.shipOrder({ id, trackingNumber: "T-1" }, shop.as);
      await orders.markOrderDelivered({ id }, shop.as);
      const completed = await waitFor(
        async () => {
          const { order } = await orders.getOrder({ id }, buyer.as);
          return order?.status === OrderStatus.COMPLETED ? order : undefined;
        },
        { timeoutMs: 10_000, message: "the delivered order was never completed" },
      );
      expect(completed.history.at(-1)).toMatchObject({
        actorId: "service:orders",
        reason: expect.stringContaining("automatically"),
      });
      await waitFor(() => placedEvents(id).some((e) => e.subject === "mercato.orders.order.completed"));
    });

    it("lets the buyer cancel before shipping and the seller before accepting, each with a reason", async () => {
      const shop = await seller("Plant Shop");
      const fern = await listed(shop, "Fern", 1500, 10);
      const buyer = await account(["buyer"]);
      const buy = async () =>
        (
          await orders.checkout(
            {
              idempotencyKey: uuidv7(),
              shippingAddress: shipTo,
              lines: [{ variantId: fern.variantId, quantity: 1n }],
            },
            buyer.as,
          )
        ).checkout?.orders[0]?.id ?? "";
      const first = await buy();
      const declined = (await orders.cancelOrder({ id: first, reason: "Out of season" }, shop.as)).order;
      expect(declined?.status).toBe(OrderStatus.CANCELLED);
      expect(declined?.history.at(-1)).toMatchObject({ actorId: shop.id, reason: "Out of season" });
      expect((await failure(orders.cancelOrder({ id: first }, buyer.as))).code).toBe(Code.FailedPrecondition);

      const second = await buy();
      await orders.acceptOrder({ id: second }, shop.as);
      const withdrawn = (await orders.cancelOrder({ id: second, reason: "Changed my mind" }, buyer.as)).order;
      expect(withdrawn?.status).toBe(OrderStatus.CANCELLED);
      await waitFor(() => placedEvents(second).some((e) => e.subject === "mercato.orders.order.cancelled"));
      const cancelled = placedEvents(second).find((e) => e.subject === "mercato.orders.order.cancelled");
      expect(cancelled?.event).toMatchObject({
        reason: "Changed my mind",
        actorId: buyer.id,
        checkoutId: withdrawn?.checkoutId,
        lines: [{ variantId: fern.variantId, quantity: 1n }],
      });
      const { orders: cancelledList } = await orders.listOrders({ status: OrderStatus.CANCELLED }, buyer.as);
      expect(cancelledList.map((o) => o.id).sort()).toEqual([first, second].sort());
    });

    it("keeps carts per buyer: change, remove and clear lines; refuse unknown or unlisted variants", async () => {
      const shop = await seller("Sock Shop");
      const socks = await listed(shop, "Wool socks", 900, 10);
      const buyer = await account(["buyer"]);
      const other = await account(["buyer"]);
      await orders.addToCart({ variantId: socks.variantId, quantity: 2n }, buyer.as);
      expect((await orders.getCart({}, other.as)).cart?.lines).toEqual([]);
      expect(
        (await orders.updateCartLine({ variantId: socks.variantId, quantity: 5n }, buyer.as)).cart?.lines[0]
          ?.quantity,
      ).toBe(5n);
      expect(
        (await failure(orders.updateCartLine({ variantId: socks.variantId, quantity: 1n }, other.as))).code,
      ).toBe(Code.NotFound);
      expect((await orders.removeCartLine({ variantId: socks.variantId }, other.as)).cart?.lines).toEqual([]);
      expect((await orders.getCart({}, buyer.as)).cart?.lines).toHaveLength(1);
      expect((await orders.removeCartLine({ variantId: socks.variantId }, buyer.as)).cart?.lines).toEqual([]);
      await orders.addToCart({ variantId: socks.variantId, quantity: 1n }, buyer.as);
      expect((await orders.clearCart({}, buyer.as)).cart?.lines).toEqual([]);

      expect(await failure(orders.addToCart({ variantId: uuidv7(), quantity: 1n }, buyer.as))).toMatchObject({
        code: Code.InvalidArgument,
        fields: ["variant_id"],
      });
      expect(
        await failure(orders.addToCart({ variantId: socks.variantId, quantity: 0n }, buyer.as)),
      ).toMatchObject({
        code: Code.InvalidArgument,
        fields: ["quantity"],
      });
      expect(
        await failure(orders.addToCart({ variantId: socks.variantId, quantity: 1001n }, buyer.as)),
      ).toMatchObject({ code: Code.InvalidArgument, fields: ["quantity"] });
      await orders.addToCart({ variantId: socks.variantId, quantity: 1000n }, buyer.as);
      expect(
        (await failure(orders.addToCart({ variantId: socks.variantId, quantity: 1n }, buyer.as))).code,
      ).toBe(Code.FailedPrecondition);
      const { product: draft } = await products.createProduct(
        {
          title: "Secret socks",
          categoryId,
          variants: [{ sku: `DRAFT-${uuidv7().slice(-8)}`, price: eur(100) }],
        },
        shop.as,
      );
      expect(
        (await failure(orders.addToCart({ variantId: draft?.variants[0]?.id ?? "", quantity: 1n }, buyer.as)))
          .code,
      ).toBe(Code.InvalidArgument);
      expect((await failure(orders.getCart({}))).code).toBe(Code.Unauthenticated);
    });

    it("refuses checkouts with bad input, naming the field, and leaves nothing behind", async () => {
      const shop = await seller("Map Shop");
      const map = await listed(shop, "Old map", 3000, 5);
      const buyer = await account(["buyer"]);
      const line = { variantId: map.variantId, quantity: 1n };
      const cases: [object, string[] | Code][] = [
        [{ idempotencyKey: "", shippingAddress: shipTo, lines: [line] }, ["idempotency_key"]],
        [{ idempotencyKey: "has space", shippingAddress: shipTo, lines: [line] }, ["idempotency_key"]],
        [{ idempotencyKey: uuidv7(), lines: [line] }, ["shipping_address"]],
        [
          { idempotencyKey: uuidv7(), shippingAddress: { ...shipTo, name: "  " }, lines: [line] },
          ["shipping_address.name"],
        ],
        [
          {
            idempotencyKey: uuidv7(),
            shippingAddress: { ...shipTo, address: { ...shipTo.address, countryCode: "Germany" } },
            lines: [line],
          },
          ["shipping_address.address.country_code"],
        ],
        [{ idempotencyKey: uuidv7(), shippingAddress: shipTo, lines: [line, line] }, ["lines[1].variant_id"]],
        [
          { idempotencyKey: uuidv7(), shippingAddress: shipTo, lines: [{ variantId: "nope", quantity: 1n }] },
          ["lines[0].variant_id"],
        ],
        [
          {
            idempotencyKey: uuidv7(),
            shippingAddress: shipTo,
            lines: [{ variantId: uuidv7(), quantity: 1n }],
          },
          ["lines[0].variant_id"],
        ],
        [{ idempotencyKey: uuidv7(), shippingAddress: shipTo }, Code.FailedPrecondition],
      ];
      for (const [i, [request, expected]] of cases.entries()) {
        const result = await failure(orders.checkout(request, buyer.as));
        if (Array.isArray(expected)) expect(result.fields, `case ${i}`).toEqual(expected);
        else expect(result.code).toBe(expected);
      }
      expect(await onHand(map.variantId)).toMatchObject({ onHand: 5n, reserved: 0n });
      expect((await orders.listOrders({}, buyer.as)).orders).toEqual([]);
      expect((await failure(orders.listOrders({ cursor: "garbage" }, buyer.as))).fields).toEqual(["cursor"]);
      expect((await failure(orders.getOrder({ id: "x" }, buyer.as))).fields).toEqual(["id"]);
    });

    it("refuses a checkout address the address book refuses, naming the field, and stores one it accepts normalised", async () => {
      const shop = await seller("Atlas Shop");
      const atlas = await listed(shop, "Atlas", 4000, 5);
      const buyer = await account(["buyer"]);
      const lines = [{ variantId: atlas.variantId, quantity: 1n }];
      const addressed = (address: object, billing?: object) => ({
        idempotencyKey: uuidv7(),
        shippingAddress: { ...shipTo, address: { ...shipTo.address, ...address } },
        ...(billing ? { billingAddress: { ...shipTo, address: { ...shipTo.address, ...billing } } } : {}),
        lines,
      });
      const cases: [object, string[]][] = [
        [addressed({ postalCode: "ABC" }), ["shipping_address.address.postal_code"]],
        [addressed({ postalCode: "" }), ["shipping_address.address.postal_code"]],
        [addressed({ countryCode: "XX" }), ["shipping_address.address.country_code"]],
        [
          addressed({}, { countryCode: "US", postalCode: "10001", region: "" }),
          ["billing_address.address.region"],
        ],
      ];
      for (const [i, [request, fields]] of cases.entries()) {
        const result = await failure(orders.checkout(request, buyer.as));
        expect(result.code, `case ${i}`).toBe(Code.InvalidArgument);
        expect(result.fields, `case ${i}`).toEqual(fields);
      }
      expect(await onHand(atlas.variantId)).toMatchObject({ onHand: 5n, reserved: 0n });

      const { checkout } = await orders.checkout(
        addressed({
          line1: "  10 Downing   Street ",
          city: "London",
          postalCode: "sw1a2aa",
          countryCode: "GB",
        }),
        buyer.as,
      );
      expect(checkout?.orders[0]?.snapshot?.shippingAddress?.address).toMatchObject({
        line1: "10 Downing Street",
        postalCode: "SW1A 2AA",
        countryCode: "GB",
      });
    });

    it("refuses a seller its own products, in the cart and at checkout, selling nothing", async () => {
      const shop = await seller("Self Dealer");
      const own = await listed(shop, "Own lamp", 5000, 4);
      const other = await seller("Neighbour");
      const theirs = await listed(other, "Their lamp", 5000, 4);
      const adding = await failure(orders.addToCart({ variantId: own.variantId, quantity: 1n }, shop.as));
      expect(adding.code).toBe(Code.FailedPrecondition);
      expect(adding.message).toContain("your own storefront");

      const checkingOut = await failure(
        orders.checkout(
          {
            idempotencyKey: uuidv7(),
            shippingAddress: shipTo,
            lines: [
              { variantId: theirs.variantId, quantity: 1n },
              { variantId: own.variantId, quantity: 1n },
            ],
          },
          shop.as,
        ),
      );
      expect(checkingOut.code).toBe(Code.FailedPrecondition);
      expect(checkingOut.fields).toEqual(["lines[1].variant_id"]);
      expect(await onHand(own.variantId)).toMatchObject({ onHand: 4n, reserved: 0n });
      expect(await onHand(theirs.variantId)).toMatchObject({ onHand: 4n, reserved: 0n });
      expect((await orders.listSellerOrders({}, shop.as)).orders).toEqual([]);

      // Another seller's products it may buy like anybody.
      await orders.addToCart({ variantId: theirs.variantId, quantity: 1n }, shop.as);
      const { checkout } = await orders.checkout(
        { idempotencyKey: uuidv7(), shippingAddress: shipTo },
        shop.as,
      );
      expect(checkout?.orders.map((o) => o.storefrontId)).toEqual([other.storefrontId]);
    });

    /**
     * A checkout workflow of the test's own on the orders service's database, as a second replica
     * would run it: its process can "die" at a step (a dead process compensates nothing), inventory's
     * answer to the commit can be lost, and its reservation can wait for a gate.
     */
    function testWorkflow(options: {
      leaseMs: number;
      dieAfter?: "reserve" | "commit";
      commitAnswerLost?: boolean;
      /** The reservation is given back (as when it expires) just before the commit. */
      holdRunsOut?: boolean;
      reserveGate?: Promise<void>;
    }) {
      const service = running.find((s) => s.name === "orders");
      const runtime = service?.runtime as ServiceRuntime<OrdersConfig>;
      const url = (name: string) => running.find((s) => s.name === name)?.url ?? "";
      const upstream = rpcUpstreams({
        products: url("products"),
        sellers: url("sellers"),
        inventory: url("inventory"),
        timeoutMs: 30_000,
        serviceToken: () => runtime.serviceToken(),
      });
      const died = () => new Error("the process died here");
      const dies = options.dieAfter;
      class TestOrders extends OrdersStore {
        override async createPending(...args: Parameters<OrdersStore["createPending"]>): Promise<void> {
          if (dies === "reserve") throw died();
          await super.createPending(...args);
        }
        override async place(...args: Parameters<OrdersStore["place"]>) {
          if (dies === "commit") throw died();
          return super.place(...args);
        }
        override async abandon(...args: Parameters<OrdersStore["abandon"]>): Promise<void> {
          if (dies) throw died();
          await super.abandon(...args);
        }
      }
      const stock: StockKeeper = {
        reserve: async (...args) => {
          await options.reserveGate;
          await upstream.stock.reserve(...args);
        },
        commit: async (...args) => {
          if (options.holdRunsOut) await upstream.stock.release(args[0]);
          await upstream.stock.commit(...args);
          if (options.commitAnswerLost) throw new ServiceUnavailable("service inventory is unavailable");
        },
        release: async (...args) => {
          if (dies) throw died();
          await upstream.stock.release(...args);
        },
      };
      return new CheckoutWorkflow(
        new TestOrders(runtime.database, runtime.outbox),
        new Carts(runtime.database),
        upstream.catalog,
        stock,
        { reservationTtlSeconds: 60, leaseMs: options.leaseMs, pollMs: 25 },
      );
    }

    /** What a buyer sends, as the workflow takes it. */
    const request = (variantId: string, quantity: number, idempotencyKey = `k-${uuidv7()}`) => ({
      idempotencyKey,
      shippingAddress: { ...shipTo, address: { ...shipTo.address, line2: "", region: "" } },
      billingAddress: undefined,
      lines: [{ variantId, quantity }],
      note: "",
    });
    const asCaller = (buyer: Account) => ({ id: buyer.id, roles: ["buyer" as const], claims: {} });
    const placedOrdersOf = (buyer: Account, count: number) =>
      waitFor(async () => {
        const { orders: mine } = await orders.listOrders({}, buyer.as);
        return mine.length === count ? mine : undefined;
      });

    it("places, without anyone asking, the orders of a checkout whose runner died after committing the stock", async () => {
      const shop = await seller("Glass Blower");
      const glass = await listed(shop, "Wine glass", 2200, 10);
      const buyer = await account(["buyer"]);
      const input = request(glass.variantId, 2);
      await expect(
        testWorkflow({ leaseMs: 1_500, dieAfter: "commit" }).run(backgroundContext(), asCaller(buyer), input),
      ).rejects.toThrow("the process died here");
      expect((await orders.listOrders({}, buyer.as)).orders).toEqual([]);
      const placed = await placedOrdersOf(buyer, 1);
      expect(placed[0]).toMatchObject({
        status: OrderStatus.PLACED,
        snapshot: { total: { amountMinor: 4400n } },
      });
      expect(await onHand(glass.variantId)).toMatchObject({ onHand: 8n, reserved: 0n });
      // A retry of the same request replays the recovered checkout.
      const retried = await orders.checkout(
        {
          idempotencyKey: input.idempotencyKey,
          shippingAddress: shipTo,
          lines: [{ variantId: glass.variantId, quantity: 2n }],
        },
        buyer.as,
      );
      expect(retried).toMatchObject({ replayed: true });
      expect(retried.checkout?.orders.map((o) => o.id)).toEqual([placed[0]?.id]);
    });

    it("gives back, without anyone asking, the stock of a checkout whose runner died before writing its orders", async () => {
      const shop = await seller("Candle Maker");
      const candle = await listed(shop, "Beeswax candle", 700, 3);
      const buyer = await account(["buyer"]);
      const input = request(candle.variantId, 3);
      await expect(
        testWorkflow({ leaseMs: 1_500, dieAfter: "reserve" }).run(
          backgroundContext(),
          asCaller(buyer),
          input,
        ),
      ).rejects.toThrow("the process died here");
      expect(await onHand(candle.variantId)).toMatchObject({ reserved: 3n, available: 0n });
      await waitFor(async () => (await onHand(candle.variantId))?.available === 3n, {
        message: "the dead checkout's units never came back",
      });
      // Nothing is left under the key: the same request now goes through.
      const again = await orders.checkout(
        {
          idempotencyKey: input.idempotencyKey,
          shippingAddress: shipTo,
          lines: [{ variantId: candle.variantId, quantity: 3n }],
        },
        buyer.as,
      );
      expect(again.replayed).toBe(false);
      expect(again.checkout?.orders).toHaveLength(1);
    });

    it("lets the buyer's retry finish at once a checkout whose commit answer was lost, instead of telling it to wait out the lease", async () => {
      const shop = await seller("Brick Works");
      const brick = await listed(shop, "Red brick", 150, 10);
      const buyer = await account(["buyer"]);
      const input = request(brick.variantId, 3);
      // A lease far longer than the retry's deadline: only a runner that lets go makes this pass.
      await expect(
        testWorkflow({ leaseMs: 600_000, commitAnswerLost: true }).run(
          backgroundContext(),
          asCaller(buyer),
          input,
        ),
      ).rejects.toMatchObject({ code: "SERVICE_UNAVAILABLE" });
      const retried = await orders.checkout(
        {
          idempotencyKey: input.idempotencyKey,
          shippingAddress: shipTo,
          lines: [{ variantId: brick.variantId, quantity: 3n }],
        },
        buyer.as,
      );
      expect(retried.checkout?.orders.map((o) => o.snapshot?.lines[0]?.quantity)).toEqual([3n]);
      expect(await onHand(brick.variantId)).toMatchObject({ onHand: 7n, reserved: 0n });
    });

    it("keeps a checkout whose commit answer was lost (the stock may be sold) and places it, never undoing a sale", async () => {
      const shop = await seller("Tile Works");
      const tile = await listed(shop, "Blue tile", 300, 10);
      const buyer = await account(["buyer"]);
      const input = request(tile.variantId, 4);
      await expect(
        testWorkflow({ leaseMs: 1_000, commitAnswerLost: true }).run(
          backgroundContext(),
          asCaller(buyer),
          input,
        ),
      ).rejects.toMatchObject({ code: "SERVICE_UNAVAILABLE" });
      // Sold, not given back, and not yet an order; then the recovery sweep places it.
      expect(await onHand(tile.variantId)).toMatchObject({ onHand: 6n, reserved: 0n });
      const placed = await placedOrdersOf(buyer, 1);
      expect(placed[0]?.snapshot?.lines[0]?.quantity).toBe(4n);
      expect(await onHand(tile.variantId)).toMatchObject({ onHand: 6n, reserved: 0n });
    });

    it("refuses, for good and in words a buyer can act on, a checkout whose hold on the stock ran out before the commit", async () => {
      const shop = await seller("Late Bakery");
      const cake = await listed(shop, "Cheesecake", 2800, 2);
      const buyer = await account(["buyer"]);
      const input = request(cake.variantId, 2);
      const run = () =>
        testWorkflow({ leaseMs: 30_000, holdRunsOut: true }).run(backgroundContext(), asCaller(buyer), input);
      await expect(run()).rejects.toMatchObject({
        code: "FAILED_PRECONDITION",
        message: expect.stringMatching(/new idempotency key/),
      });
      expect(await onHand(cake.variantId)).toMatchObject({ onHand: 2n, reserved: 0n });
      expect((await orders.listOrders({}, buyer.as)).orders).toEqual([]);
      const replay = await failure(
        orders.checkout(
          {
            idempotencyKey: input.idempotencyKey,
            shippingAddress: shipTo,
            lines: [{ variantId: cake.variantId, quantity: 2n }],
          },
          buyer.as,
        ),
      );
      expect(replay).toMatchObject({
        code: Code.FailedPrecondition,
        message: expect.stringMatching(/new idempotency key/),
      });
    });

    it("keeps in the cart the units added while a checkout of the cart was running", async () => {
      const shop = await seller("Soap Shop");
      const soap = await listed(shop, "Olive soap", 450, 20);
      const buyer = await account(["buyer"]);
      await orders.addToCart({ variantId: soap.variantId, quantity: 3n }, buyer.as);
      let openGate = () => {};
      const gate = new Promise<void>((resolve) => {
        openGate = resolve;
      });
      const running = testWorkflow({ leaseMs: 30_000, reserveGate: gate }).run(
        backgroundContext(),
        asCaller(buyer),
        { ...request(soap.variantId, 3), lines: [] },
      );
      await waitFor(async () => (await orders.listOrders({}, buyer.as)).orders.length === 0);
      await orders.addToCart({ variantId: soap.variantId, quantity: 2n }, buyer.as);
      openGate();
      const done = await running;
      expect(done.orders[0]?.snapshot.lines[0]?.quantity).toBe(3);
      expect((await orders.getCart({}, buyer.as)).cart?.lines.map((l) => l.quantity)).toEqual([2n]);
    });

    it("lets a retry take over a checkout whose runner is too slow; the slow runner then stops and replays the retry's orders", async () => {
      const shop = await seller("Slow Looms");
      const rug = await listed(shop, "Woven rug", 9000, 5);
      const buyer = await account(["buyer"]);
      const input = request(rug.variantId, 1);
      let openGate = () => {};
      const gate = new Promise<void>((resolve) => {
        openGate = resolve;
      });
      const slow = testWorkflow({ leaseMs: 150, reserveGate: gate }).run(
        backgroundContext(),
        asCaller(buyer),
        input,
      );
      // The retry waits for the slow runner, takes the checkout over once its lease runs out, and finishes it.
      const retried = await orders.checkout(
        {
          idempotencyKey: input.idempotencyKey,
          shippingAddress: shipTo,
          lines: [{ variantId: rug.variantId, quantity: 1n }],
        },
        buyer.as,
      );
      expect(retried.checkout?.orders).toHaveLength(1);
      openGate();
      const late = await slow;
      expect(late.replayed).toBe(true);
      expect(late.orders.map((o) => o.id)).toEqual(retried.checkout?.orders.map((o) => o.id));
      expect((await orders.listOrders({}, buyer.as)).orders).toHaveLength(1);
      await waitFor(async () => (await onHand(rug.variantId))?.reserved === 0n, {
        message: "the slow runner's reservation was never given back",
      });
      expect(await onHand(rug.variantId)).toMatchObject({ onHand: 4n, reserved: 0n });
    });

    let link: CuttableLink | undefined;
    let replica: ReturnType<typeof createRpcClient<typeof OrdersService>> | undefined;
    /**
     * A second orders replica whose only way to inventory is a link the test can cut, with 1 s calls
     * to inventory and a 5 s lease, started once.
     */
    async function replicaBehindLink() {
      if (link && replica) return { link, replica };
      const url = (name: string) => running.find((s) => s.name === name)?.url ?? "";
      link = await CuttableLink.open(Number(new URL(url("inventory")).port));
      const started = await startTestService(ordersService, {
        ...rig,
        env: {
          SELLERS_SERVICE_URL: url("sellers"),
          PRODUCTS_SERVICE_URL: url("products"),
          INVENTORY_SERVICE_URL: link.url,
          UPSTREAM_TIMEOUT_MS: "1000",
          CHECKOUT_LEASE_MS: "5000",
          CHECKOUT_RECOVERY_MS: "200",
        },
      });
      running.push(started);
      replica = createRpcClient(OrdersService, { baseUrl: started.url, maxRetries: 0, timeoutMs: 60_000 });
      return { link, replica };
    }

    /**
     * Checks all `units` of a new variant out on the replica and loses the reservation in transit:
     * inventory holds the units, but neither its answer nor the release that follows gets through,
     * and the buyer is told inventory is unavailable. The link is healed afterwards.
     */
    async function holdLostInTransit(title: string, units: number) {
      const { link, replica } = await replicaBehindLink();
      const shop = await seller(`${title} Shop`);
      const item = await listed(shop, title, 1200, units);
      const buyer = await account(["buyer"]);
      const request = {
        idempotencyKey: `lost-${uuidv7()}`,
        shippingAddress: shipTo,
        lines: [{ variantId: item.variantId, quantity: BigInt(units) }],
      };
      link.state = "answers-lost";
      const answer = failure(replica.checkout(request, buyer.as));
      await waitFor(async () => (await onHand(item.variantId))?.reserved === BigInt(units), {
        message: "inventory never got the reservation",
      });
      link.state = "cut";
      expect((await answer).code).toBe(Code.Unavailable);
      expect(await onHand(item.variantId)).toMatchObject({ reserved: BigInt(units), available: 0n });
      link.heal();
      return { replica, item, buyer, request };
    }

    /** The statuses of the buyer's checkouts, as the orders database has them. */
    const checkoutsOf = async (buyer: Account) => {
      const runtime = running.find((s) => s.name === "orders")?.runtime as ServiceRuntime<OrdersConfig>;
      const rows = rowsOf<{ status: string }>(
        await runtime.database.db.execute(
          sql`select status from orders.checkouts where buyer_id = ${buyer.id} order by created_at`,
        ),
      );
      return rows.map((row) => row.status);
    };

    it("gives back, once inventory answers again, the units it reserved for a checkout that had given up on it", async () => {
      const { replica, item, buyer, request } = await holdLostInTransit("Lost Lantern", 2);
      await waitFor(async () => (await onHand(item.variantId))?.reserved === 0n, {
        timeoutMs: 20_000,
        message: "the hold of the checkout that gave up was never given back",
      });
      await waitFor(async () => (await checkoutsOf(buyer)).length === 0, {
        message: "the given-up checkout never let its key go",
      });
      // The key is free again, and the same request sells the units.
      const { checkout } = await replica.checkout(request, buyer.as);
      expect(checkout?.orders).toHaveLength(1);
      expect(await onHand(item.variantId)).toMatchObject({ onHand: 0n, reserved: 0n });
    });

    it("lets a retry with the same key give its own earlier hold back first, instead of being refused out of stock by it", async () => {
      const { replica, item, buyer, request } = await holdLostInTransit("Lost Kettle", 3);
      // As a buyer's client would: the same request again while inventory is said to be unavailable.
      const retried = await (async () => {
        for (let tries = 1; ; tries++) {
          try {
            return await replica.checkout(request, buyer.as);
          } catch (error) {
            if (!(error instanceof ConnectError && error.code === Code.Unavailable) || tries === 40)
              throw error;
            await new Promise((resolve) => setTimeout(resolve, 250));
          }
        }
      })();
      expect(retried.replayed).toBe(false);
      expect(retried.checkout?.orders.map((o) => o.snapshot?.lines[0]?.quantity)).toEqual([3n]);
      expect(await onHand(item.variantId)).toMatchObject({ onHand: 0n, reserved: 0n });
      expect((await orders.listOrders({}, buyer.as)).orders).toHaveLength(1);
      expect(await checkoutsOf(buyer)).toEqual(["completed"]);
    });

    it("pages a buyer's orders newest first with a cursor", async () => {
      const shop = await seller("Pen Shop");
      const pen = await listed(shop, "Fountain pen", 5000, 10);
      const buyer = await account(["buyer"]);
      const ids: string[] = [];
      for (let i = 0; i < 3; i++) {
        const { checkout } = await orders.checkout(
          {
            idempotencyKey: uuidv7(),
            shippingAddress: shipTo,
            lines: [{ variantId: pen.variantId, quantity: 1n }],
          },
          buyer.as,
        );
        ids.push(checkout?.orders[0]?.id ?? "");
      }
      const first = await orders.listOrders({ limit: 2 }, buyer.as);
      expect(first.orders.map((o) => o.id)).toEqual([ids[2], ids[1]]);
      const second = await orders.listOrders({ limit: 2, cursor: first.nextCursor }, buyer.as);
      expect(second.orders.map((o) => o.id)).toEqual([ids[0]]);
      expect(second.nextCursor).toBe("");
    });
  });
}

describeOrdersService("orders service with sellers, products and inventory on PGlite", () => pgliteFixture());

describeWithInfra("DATABASE_URL", "orders service on PostgreSQL", (url) => {
  describeOrdersService("a fresh database", () =>
    postgresFixture(url, { prefix: "orders_test", maxConnections: 10 }),
  );
});
