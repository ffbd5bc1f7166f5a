import { describeWithInfra, waitFor } from "@mercato/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  adminCategory,
  ledgerSum,
  type RealInfra,
  randomPhone,
  realInfra,
  restClient,
  type Stack,
  startStack,
} from "./stack.js";

const adminEmail = "commerce-admin@mercato.test";
const adminPassword = "commerce admin passphrase";
const shipTo = {
  name: "Grace Buyer",
  address: { line1: "Karl-Marx-Allee 90", city: "Berlin", postalCode: "10243", countryCode: "DE" },
};

function checkoutSuite(label: string, real: () => RealInfra | undefined) {
  describe(label, { timeout: 120_000 }, () => {
    let stack: Stack;
    let categoryId: string;

    const rest = restClient(() => `${stack.url}/api/v1`);

    const gql = async (query: string, variables: Record<string, unknown>, token: string) => {
      const response = await fetch(`${stack.url}/graphql`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
        body: JSON.stringify({ query, variables }),
      });
      return (await response.json()) as {
        // biome-ignore lint/suspicious/noExplicitAny: answers are shaped by each query and checked by the assertions
        data?: Record<string, any> | null;
        errors?: { message: string; extensions: { code: string; details?: { field: string }[] } }[];
      };
    };

    const buyer = async () => {
      const phone = randomPhone();
      expect((await rest("POST", "/auth/otp/request", { body: { phone } })).status).toBe(202);
      const code = await stack.otpFor(phone);
      const signedIn = await rest("POST", "/auth/otp/verify", { body: { phone, code } });
      expect(signedIn.status).toBe(200);
      return signedIn.body.accessToken as string;
    };

    /** A verified seller with an open storefront and one active product of one variant with `stock` units. */
    const shop = async (name: string, price: number, stock: number) => {
      const email = `${name}-${Math.random().toString(36).slice(2)}@shop.test`;
      const password = `${name} has a long passphrase`;
      expect((await rest("POST", "/auth/sellers", { body: { email, password } })).status).toBe(201);
      const link = await stack.linkTokenFor(email, "/verify-email");
      expect((await rest("GET", `/auth/email/verify?token=${link}`)).status).toBe(200);
      const token = (await rest("POST", "/auth/login", { body: { email, password } })).body
        .accessToken as string;
      const slug = `${name}-${Math.random().toString(36).slice(2, 8)}`;
      const store = await rest("POST", "/sellers", {
        token,
        body: {
          name: `${name} shop`,
          slug,
          address: { line1: "Torstraße 1", city: "Berlin", countryCode: "DE" },
          location: { lat: 52.53, lng: 13.4 },
        },
      });
      expect(store.status, JSON.stringify(store.body)).toBe(201);
      const product = await waitFor(async () => {
        const created = await rest("POST", "/products", {
          token,
          body: {
            title: `${name} special`,
            categoryId,
            status: "active",
            variants: [{ sku: `${slug}-1`, price: { amountMinor: price, currency: "EUR" } }],
          },
        });
        return created.status === 201
          ? (created.body as { id: string; variants: { id: string }[] })
          : undefined;
      });
      const variantId = product.variants[0]?.id ?? "";
      await waitFor(
        async () =>
          (
            await rest("POST", `/inventory/${variantId}/adjustments`, {
              token,
              body: { quantity: stock, reason: "replenishment", note: "first delivery" },
            })
          ).status === 200,
        { message: "inventory never learnt of the variant" },
      );
      return { token, storefrontId: store.body.id as string, productId: product.id, variantId };
    };

    const checkout = (token: string, key: string | undefined, body: object) =>
      rest("POST", "/checkout", {
        token,
        body,
        headers: key === undefined ? {} : { "idempotency-key": key },
      });

    const stockOf = async (token: string, variantId: string) =>
      (await rest("GET", `/inventory?variantIds=${variantId}`, { token })).body.items[0];

    beforeAll(async () => {
      const infra = real();
      stack = await startStack({
        ...(infra ? { real: infra } : {}),
        commerce: true,
        env: {
          ADMIN_EMAIL: adminEmail,
          ADMIN_PASSWORD: adminPassword,
          // 200 checkouts at once on a busy CI machine queue for one hot stock row for seconds; the
          // default 5 s deadlines (and the circuit breakers they trip) are for production traffic.
          SERVICE_TIMEOUT_MS: "60000",
          UPSTREAM_TIMEOUT_MS: "60000",
        },
      });
      categoryId = await adminCategory(
        rest,
        { email: adminEmail, password: adminPassword },
        { name: "Kitchen", slug: "kitchen" },
      );
    }, 180_000);
    afterAll(async () => {
      await stack?.stop();
    });

    it("shows a cart hydrated from the catalog and stock, price changes included, and checks it out once per key", async () => {
      const seller = await shop("knives", 4500, 10);
      const token = await buyer();
      const added = await rest("POST", "/cart/lines", {
        token,
        body: { variantId: seller.variantId, quantity: 2 },
      });
      expect(added.status, JSON.stringify(added.body)).toBe(200);
      expect(added.body.lines[0]).toMatchObject({
        title: "knives special",
        unitPrice: { amountMinor: 4500, currency: "EUR" },
        priceChanged: false,
        available: 10,
        enoughStock: true,
        purchasable: true,
        storefront: { id: seller.storefrontId, name: "knives shop" },
        lineTotal: { amountMinor: 9000 },
      });
      const { body: product } = await rest("GET", `/products/${seller.productId}`);
      const variantId = product.variants[0].id;
      expect(
        (
          await rest("PATCH", `/products/${seller.productId}/variants/${variantId}`, {
            token: seller.token,
            body: { price: { amountMinor: 5000, currency: "EUR" } },
          })
        ).status,
      ).toBe(200);
      const cart = (await rest("GET", "/cart", { token })).body;
      expect(cart.lines[0]).toMatchObject({
        unitPrice: { amountMinor: 5000 },
        priceWhenAdded: { amountMinor: 4500 },
        priceChanged: true,
      });
      expect(cart.totals).toEqual([expect.objectContaining({ amountMinor: 10000, currency: "EUR" })]);
      const stranger = await buyer();
      expect((await rest("GET", "/cart", { token: stranger })).body.lines).toEqual([]);

      const missingKey = await checkout(token, undefined, { shippingAddress: shipTo });
      expect(missingKey.status).toBe(400);
      expect(JSON.stringify(missingKey.body.error)).toContain("idempotency-key");
      const key = `order-${Date.now()}`;
      const first = await checkout(token, key, { shippingAddress: shipTo });
      expect(first.status, JSON.stringify(first.body)).toBe(201);
      expect(first.body).toMatchObject({ replayed: false, totals: [{ amountMinor: 10000 }] });
      const order = first.body.orders[0];
      expect(order).toMatchObject({ status: "placed", snapshot: { total: { amountMinor: 10000 } } });
      const again = await checkout(token, key, { shippingAddress: shipTo });
      expect(again.status).toBe(201);
      expect(again.headers.get("idempotent-replayed")).toBe("true");
      expect(again.body.orders.map((o: { id: string }) => o.id)).toEqual([order.id]);
      const changed = await checkout(token, key, { shippingAddress: { ...shipTo, name: "Someone Else" } });
      expect(changed.status).toBe(409);
      expect((await rest("GET", "/cart", { token })).body.lines).toEqual([]);
      expect(await stockOf(seller.token, seller.variantId)).toMatchObject({
        onHand: 8,
        reserved: 0,
        available: 8,
      });

      // Another buyer can neither see nor cancel it; another seller cannot act on it.
      expect((await rest("GET", `/orders/${order.id}`, { token: stranger })).status).toBe(404);
      expect((await rest("POST", `/orders/${order.id}/cancel`, { token: stranger, body: {} })).status).toBe(
        404,
      );
      const rival = await shop("rival", 100, 1);
      expect((await rest("POST", `/orders/${order.id}/accept`, { token: rival.token })).status).toBe(404);
      expect((await rest("GET", "/orders/selling", { token: rival.token })).body.items).toEqual([]);
    });

    it("adds a cart line once per Idempotency-Key in REST and GraphQL: a retry is replayed, another body under the key 409, a bad key 400", async () => {
      const seller = await shop("spoons", 700, 20);
      const token = await buyer();
      const add = (key: string, quantity: number) =>
        rest("POST", "/cart/lines", {
          token,
          body: { variantId: seller.variantId, quantity },
          headers: { "idempotency-key": key },
        });
      const key = `add-${Math.random()}`;
      const first = await add(key, 2);
      expect(first.status, JSON.stringify(first.body)).toBe(200);
      expect(first.headers.get("idempotent-replayed")).toBeNull();
      // The answer was lost (a 502 on the way back): the client repeats it with the same key.
      const retry = await add(key, 2);
      expect(retry.status, JSON.stringify(retry.body)).toBe(200);
      expect(retry.headers.get("idempotent-replayed")).toBe("true");
      expect(retry.body.lines).toEqual([
        expect.objectContaining({ variantId: seller.variantId, quantity: 2 }),
      ]);
      const other = await add(key, 3);
      expect(other.status, JSON.stringify(other.body)).toBe(409);
      expect(other.body.error.message).toContain(`idempotency key ${key}`);
      const bad = await add("two words", 1);
      expect(bad.status).toBe(400);
      expect(bad.body.error.details).toEqual([expect.objectContaining({ field: "headers.idempotency-key" })]);

      const mutation = `mutation ($variantId: ID!, $quantity: Int!, $key: String) {
        addToCart(variantId: $variantId, quantity: $quantity, idempotencyKey: $key) { replayed lines { quantity } }
      }`;
      const graphKey = `graph-${Math.random()}`;
      const variables = { variantId: seller.variantId, quantity: 3, key: graphKey };
      const added = await gql(mutation, variables, token);
      expect(added.data?.addToCart).toEqual({ replayed: false, lines: [{ quantity: 5 }] });
      // A retry replays even once the variant is no longer for sale: the add happened.
      const product = await rest("PATCH", `/products/${seller.productId}`, {
        token: seller.token,
        body: { status: "draft" },
      });
      expect(product.status, JSON.stringify(product.body)).toBe(200);
      expect((await gql(mutation, variables, token)).data?.addToCart).toEqual({
        replayed: true,
        lines: [{ quantity: 5 }],
      });
      expect((await gql(mutation, { ...variables, quantity: 4 }, token)).errors?.[0]?.extensions.code).toBe(
        "CONFLICT",
      );
      expect((await gql(mutation, { ...variables, key: "" }, token)).errors?.[0]).toMatchObject({
        extensions: { code: "INVALID_ARGUMENT", details: [{ field: "idempotencyKey" }] },
      });
      expect((await rest("GET", "/cart", { token })).body.lines).toEqual([
        expect.objectContaining({ variantId: seller.variantId, quantity: 5 }),
      ]);
    });

    it("keeps a seller to dealing with others: its own goods 422, another's stock 403, its storefront unfollowable; checkout addresses by the address book's rules", async () => {
      const seller = await shop("self", 1500, 4);
      const other = await shop("other", 900, 4);
      const added = await rest("POST", "/cart/lines", {
        token: seller.token,
        body: { variantId: seller.variantId, quantity: 1 },
      });
      expect(added.status, JSON.stringify(added.body)).toBe(422);
      const own = await checkout(seller.token, `own-${Math.random()}`, {
        shippingAddress: shipTo,
        lines: [{ variantId: seller.variantId, quantity: 1 }],
      });
      expect(own.status, JSON.stringify(own.body)).toBe(422);
      expect(own.body.error.details).toEqual([expect.objectContaining({ field: "body.lines[0].variantId" })]);
      const follow = await rest("PUT", `/sellers/${seller.storefrontId}/follow`, { token: seller.token });
      expect(follow.status, JSON.stringify(follow.body)).toBe(422);

      const foreign = await rest("GET", `/inventory?variantIds=${other.variantId}`, { token: seller.token });
      expect(foreign.status, JSON.stringify(foreign.body)).toBe(403);
      expect(foreign.body.error.message).toContain(other.variantId);
      const mixed = await rest("GET", `/inventory?variantIds=${seller.variantId},${other.variantId}`, {
        token: seller.token,
      });
      expect(mixed.status).toBe(403);
      expect((await stockOf(seller.token, seller.variantId)).onHand).toBe(4);
      const admin = (
        await rest("POST", "/auth/login", { body: { email: adminEmail, password: adminPassword } })
      ).body.accessToken as string;
      expect((await stockOf(admin, other.variantId)).onHand).toBe(4);

      const token = await buyer();
      for (const [address, field] of [
        [{ postalCode: "ABC" }, "body.shippingAddress.address.postalCode"],
        [{ postalCode: null }, "body.shippingAddress.address.postalCode"],
      ] as const) {
        const refused = await checkout(token, `address-${Math.random()}`, {
          shippingAddress: { ...shipTo, address: { ...shipTo.address, ...address } },
          lines: [{ variantId: other.variantId, quantity: 1 }],
        });
        expect(refused.status, JSON.stringify(refused.body)).toBe(400);
        expect(refused.body.error.details).toEqual([expect.objectContaining({ field })]);
      }
      expect((await stockOf(other.token, other.variantId)).reserved).toBe(0);
    });

    it("sells exactly 50 units to 200 concurrent checkouts through the gateway, never going below zero", async () => {
      const seller = await shop("drop", 19900, 50);
      const buyers = await Promise.all(Array.from({ length: 4 }, () => buyer()));
      const answers = await Promise.all(
        Array.from({ length: 200 }, (_, i) =>
          checkout(buyers[i % buyers.length] ?? "", `race-${i}`, {
            shippingAddress: shipTo,
            lines: [{ variantId: seller.variantId, quantity: 1 }],
          }),
        ),
      );
      const sold = answers.filter((a) => a.status === 201);
      const refused = answers.filter((a) => a.status !== 201);
      const outcomes = answers.map((a) => `${a.status} ${a.body.error?.message ?? ""}`.slice(0, 120));
      expect(sold, JSON.stringify([...new Set(outcomes)])).toHaveLength(50);
      expect(refused).toHaveLength(150);
      for (const answer of refused) {
        expect(answer.status).toBe(422);
        expect(answer.body.error.message).toContain("out of stock");
      }
      expect(await stockOf(seller.token, seller.variantId)).toMatchObject({
        onHand: 0,
        reserved: 0,
        available: 0,
      });
      const ledger = await ledgerSum(rest, seller.token, seller.variantId);
      expect(ledger).toBe(0);
      const selling = await rest("GET", "/orders/selling?limit=100", { token: seller.token });
      expect(selling.body.items).toHaveLength(50);
    });

    it("runs an order through its lifecycle, gives a cancelled one's units back and credits the seller for a completed one", async () => {
      const seller = await shop("vases", 3000, 5);
      const token = await buyer();
      const bought = await gql(
        `mutation ($key: String!, $input: CheckoutInput!) {
          checkout(idempotencyKey: $key, input: $input) { id replayed orders { id status snapshot { lines { title quantity unitPrice { amountMinor } } } } }
        }`,
        {
          key: `gql-${Date.now()}`,
          input: { shippingAddress: shipTo, lines: [{ variantId: seller.variantId, quantity: 2 }] },
        },
        token,
      );
      expect(bought.errors).toBeUndefined();
      const orderId = bought.data?.checkout.orders[0].id as string;
      expect(bought.data?.checkout.orders[0]).toMatchObject({
        status: "PLACED",
        snapshot: { lines: [{ title: "vases special", quantity: 2, unitPrice: { amountMinor: 3000 } }] },
      });
      const step = async (mutation: string, who: string) => {
        const answer = await gql(`mutation ($id: ID!) { ${mutation} { status } }`, { id: orderId }, who);
        return answer.errors?.[0]?.extensions.code ?? answer.data?.[mutation.split("(")[0] ?? ""]?.status;
      };
      expect(await step("acceptOrder(id: $id)", token)).toBe("PERMISSION_DENIED");
      expect(await step("acceptOrder(id: $id)", seller.token)).toBe("ACCEPTED");
      const listed = await gql(
        `{ sellerOrders(status: ACCEPTED) { edges { node { id } } } orders { edges { node { id status } } } }`,
        {},
        seller.token,
      );
      expect(listed.data?.sellerOrders.edges.map((e: { node: { id: string } }) => e.node.id)).toEqual([
        orderId,
      ]);
      expect(listed.data?.orders.edges).toEqual([]);
      expect(await stockOf(seller.token, seller.variantId)).toMatchObject({ onHand: 3 });
      expect(await step('cancelOrder(id: $id, reason: "wrong size")', token)).toBe("CANCELLED");
      await waitFor(async () => (await stockOf(seller.token, seller.variantId)).onHand === 5, {
        message: "the cancelled order's units never came back",
      });

      const second = await checkout(token, `rest-${Date.now()}`, {
        shippingAddress: shipTo,
        lines: [{ variantId: seller.variantId, quantity: 1 }],
      });
      const id = second.body.orders[0].id;
      expect((await rest("POST", `/orders/${id}/accept`, { token: seller.token })).body.status).toBe(
        "accepted",
      );
      const shipped = await rest("POST", `/orders/${id}/ship`, {
        token: seller.token,
        body: { trackingNumber: "1Z999", carrier: "UPS" },
      });
      expect(shipped.body).toMatchObject({ status: "shipped", trackingNumber: "1Z999", carrier: "UPS" });
      expect((await rest("POST", `/orders/${id}/cancel`, { token, body: {} })).status).toBe(422);
      expect((await rest("POST", `/orders/${id}/deliver`, { token: seller.token })).body.status).toBe(
        "delivered",
      );
      const completed = await rest("POST", `/orders/${id}/complete`, { token });
      expect(completed.body.status).toBe("completed");
      expect(completed.body.history.map((h: { status: string }) => h.status)).toEqual([
        "placed",
        "accepted",
        "shipped",
        "delivered",
        "completed",
      ]);
      const mine = await rest("GET", "/orders?status=completed", { token });
      expect(mine.body.items.map((o: { id: string }) => o.id)).toEqual([id]);

      // The completed order credits the seller, less the platform's 10%; the seller cashes it out.
      const balance = await waitFor(async () => {
        const answer = await rest("GET", "/payouts/balance", { token: seller.token });
        return answer.body.balances?.length ? answer.body : undefined;
      });
      expect(balance.balances).toEqual([
        expect.objectContaining({
          currency: "EUR",
          available: expect.objectContaining({ amountMinor: 2700 }),
        }),
      ]);
      const payout = await rest("POST", "/payouts", { token: seller.token, body: { currency: "EUR" } });
      expect(payout.status, JSON.stringify(payout.body)).toBe(201);
      expect(payout.body).toMatchObject({ status: "requested", amount: { amountMinor: 2700 } });
      expect(
        (await rest("POST", "/payouts", { token: seller.token, body: { currency: "EUR" } })).status,
      ).toBe(422);
    });
  });
}

checkoutSuite("cart, checkout and orders through the gateway (embedded)", () => undefined);

describeWithInfra(
  "DATABASE_URL",
  "cart, checkout and orders through the gateway on real PostgreSQL, NATS and Redis",
  (databaseUrl) => {
    checkoutSuite("checkout on real infrastructure", () => realInfra(databaseUrl));
  },
);
