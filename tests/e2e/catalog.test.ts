import { describeWithInfra, waitFor } from "@mercato/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RealInfra, randomPhone, realInfra, type Stack, startStack } from "./stack.js";

interface Reply {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: answers are shaped by each route and checked by the assertions
  body: Record<string, any>;
}

interface Point {
  lat: number;
  lng: number;
}

/** Great-circle distance in metres on a sphere of the Earth's mean radius (haversine). */
function greatCircleMeters(a: Point, b: Point): number {
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLng = (b.lng - a.lng) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLng / 2) ** 2;
  return 2 * 6_371_008.8 * Math.asin(Math.sqrt(h));
}

const berlin: Point = { lat: 52.52, lng: 13.405 };
/** Storefronts of the suite: one in central Berlin, one in Kreuzberg, one in Potsdam. */
const mitte: Point = { lat: 52.5219, lng: 13.4132 };
const kreuzberg: Point = { lat: 52.4986, lng: 13.4033 };
const potsdam: Point = { lat: 52.3906, lng: 13.0645 };
/** Belgrade, about 1,000 km from Berlin. */
const belgrade: Point = { lat: 44.7866, lng: 20.4489 };

const adminEmail = "catalog-admin@mercato.test";
const adminPassword = "catalog admin passphrase";

function catalogSuite(label: string, real: () => RealInfra | undefined) {
  describe(label, { timeout: 90_000 }, () => {
    let stack: Stack;
    let admin: string;
    let categoryId: string;
    let rootCategoryId: string;

    const rest = async (method: string, path: string, options: { body?: unknown; token?: string } = {}) => {
      const response = await fetch(`${stack.url}/api/v1${path}`, {
        method,
        headers: {
          ...(options.body === undefined ? {} : { "content-type": "application/json" }),
          ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
        },
        ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
      });
      const text = await response.text();
      return { status: response.status, body: text ? JSON.parse(text) : {} } as Reply;
    };

    const gql = async (query: string, variables: Record<string, unknown> = {}, token?: string) => {
      const response = await fetch(`${stack.url}/graphql`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        body: JSON.stringify({ query, variables }),
      });
      return (await response.json()) as {
        // biome-ignore lint/suspicious/noExplicitAny: answers are shaped by each query and checked by the assertions
        data?: Record<string, any> | null;
        errors?: { extensions: { code: string } }[];
      };
    };

    /** Registers a seller, follows the verification link from the mail outbox, and signs in again. */
    const verifiedSeller = async (name: string) => {
      const email = `${name}-${Math.random().toString(36).slice(2)}@shop.test`;
      const password = `${name} has a long passphrase`;
      const registered = await rest("POST", "/auth/sellers", { body: { email, password } });
      expect(registered.status).toBe(201);
      const token = await stack.linkTokenFor(email, "/verify-email");
      expect((await rest("GET", `/auth/email/verify?token=${token}`)).status).toBe(200);
      const login = await rest("POST", "/auth/login", { body: { email, password } });
      expect(login.status).toBe(200);
      return { unverified: registered.body.accessToken as string, token: login.body.accessToken as string };
    };

    const buyer = async () => {
      const phone = randomPhone();
      expect((await rest("POST", "/auth/otp/request", { body: { phone } })).status).toBe(202);
      const code = await stack.otpFor(phone);
      const signedIn = await rest("POST", "/auth/otp/verify", { body: { phone, code } });
      expect(signedIn.status).toBe(200);
      return signedIn.body.accessToken as string;
    };

    const openStorefront = async (token: string, name: string, slug: string, at: Point, city: string) => {
      const created = await rest("POST", "/sellers", {
        token,
        body: {
          name,
          slug,
          description: `${name}: handmade goods`,
          contact: { email: `hello@${slug}.test` },
          address: { line1: "Hauptstraße 1", city, postalCode: "10115", countryCode: "DE" },
          location: at,
        },
      });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      expect(created.body).toMatchObject({ slug, status: "active", location: at });
      return created.body.id as string;
    };

    const listProduct = async (
      token: string,
      title: string,
      sku: string,
      status: "active" | "draft" = "active",
    ) => {
      const created = await rest("POST", "/products", {
        token,
        body: {
          title,
          description: `${title}, stitched by hand`,
          categoryId,
          optionNames: ["colour"],
          status,
          variants: [
            { sku: `${sku}-B`, price: { amountMinor: 8900, currency: "EUR" }, options: { colour: "brown" } },
            {
              sku: `${sku}-K`,
              price: { amountMinor: 9900, currency: "EUR" },
              compareAtPrice: { amountMinor: 12900, currency: "EUR" },
              options: { colour: "black" },
            },
          ],
        },
      });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      return created.body as { id: string; variants: { id: string }[] };
    };

    const search = (params: Record<string, string>) =>
      rest("GET", `/products?${new URLSearchParams(params)}`);

    let alice: { token: string; unverified: string };
    let bob: { token: string };
    let buyerToken: string;
    const products: Record<string, { id: string; variants: { id: string }[] }> = {};
    const stores: Record<string, string> = {};

    beforeAll(async () => {
      const infra = real();
      stack = await startStack({
        ...(infra ? { real: infra } : {}),
        catalog: true,
        env: { ADMIN_EMAIL: adminEmail, ADMIN_PASSWORD: adminPassword },
      });
      const login = await rest("POST", "/auth/login", {
        body: { email: adminEmail, password: adminPassword },
      });
      expect(login.status).toBe(200);
      admin = login.body.accessToken;
      const root = await rest("POST", "/categories", {
        token: admin,
        body: { name: "Accessories", slug: "accessories" },
      });
      expect(root.status, JSON.stringify(root.body)).toBe(201);
      rootCategoryId = root.body.id;
      const bags = await rest("POST", "/categories", {
        token: admin,
        body: { name: "Bags", slug: "bags", parentId: rootCategoryId },
      });
      expect(bags.status, JSON.stringify(bags.body)).toBe(201);
      categoryId = bags.body.id;

      [alice, bob, buyerToken] = await Promise.all([verifiedSeller("alice"), verifiedSeller("bob"), buyer()]);
    }, 180_000);
    afterAll(async () => {
      await stack?.stop();
    });

    it("refuses a storefront to a seller whose e-mail address is not verified yet, naming why", async () => {
      const refused = await rest("POST", "/sellers", {
        token: alice.unverified,
        body: {
          name: "Too Early",
          slug: "too-early",
          address: { line1: "Hauptstraße 1", city: "Berlin", countryCode: "DE" },
          location: mitte,
        },
      });
      expect(refused.status).toBe(403);
      expect(refused.body.error.message).toMatch(/verif/i);
    });

    it("lets verified sellers open storefronts in Berlin and list products that buyers then find nearest first, with true distances", async () => {
      stores.mitte = await openStorefront(
        alice.token,
        "Mitte Leather Works",
        "mitte-leather-works",
        mitte,
        "Berlin",
      );
      stores.kreuzberg = await openStorefront(
        bob.token,
        "Kreuzberg Bags",
        "kreuzberg-bags",
        kreuzberg,
        "Berlin",
      );
      const third = await verifiedSeller("carol");
      stores.potsdam = await openStorefront(
        third.token,
        "Potsdam Satchels",
        "potsdam-satchels",
        potsdam,
        "Potsdam",
      );

      // Storefronts reach the products service by event; a product can be listed once it has.
      const listWhenKnown = (token: string, title: string, sku: string) =>
        waitFor(
          async () => {
            const attempt = await rest("POST", "/products", {
              token,
              body: {
                title,
                categoryId,
                optionNames: ["colour"],
                status: "active",
                variants: [
                  { sku, price: { amountMinor: 8900, currency: "EUR" }, options: { colour: "brown" } },
                ],
              },
            });
            if (attempt.status === 201) return attempt.body as { id: string; variants: { id: string }[] };
            expect(attempt.status, JSON.stringify(attempt.body)).toBe(412);
            return undefined;
          },
          { timeoutMs: 20_000, intervalMs: 100, message: `${title} could not be listed` },
        );
      products.mitte = await listWhenKnown(alice.token, "Handstitched Satchel", "MITTE-1");
      products.kreuzberg = await listWhenKnown(bob.token, "Waxed Canvas Satchel", "KREUZ-1");
      products.potsdam = await listWhenKnown(third.token, "Leather Satchel", "POTS-1");

      // The search projection follows by events too.
      const found = await waitFor(
        async () => {
          const page = await search({
            query: "satchel",
            near: `${berlin.lat},${berlin.lng}`,
            radius: "50000",
          });
          expect(page.status).toBe(200);
          return page.body.items.length === 3 ? page.body : undefined;
        },
        { timeoutMs: 20_000, intervalMs: 100, message: "the three satchels never became searchable" },
      );
      const expected = [
        { id: products.mitte.id, at: mitte, store: "Mitte Leather Works" },
        { id: products.kreuzberg.id, at: kreuzberg, store: "Kreuzberg Bags" },
        { id: products.potsdam.id, at: potsdam, store: "Potsdam Satchels" },
      ].sort((a, b) => greatCircleMeters(berlin, a.at) - greatCircleMeters(berlin, b.at));
      const byDistance = await search({
        query: "satchel",
        near: `${berlin.lat},${berlin.lng}`,
        radius: "50000",
        sort: "distance",
      });
      expect(byDistance.body.items.map((hit: { id: string }) => hit.id)).toEqual(expected.map((e) => e.id));
      for (const [index, hit] of (
        byDistance.body.items as { distanceMeters: number; storefrontName: string }[]
      ).entries()) {
        const truth = greatCircleMeters(berlin, (expected[index] as { at: Point }).at);
        expect(Math.abs(hit.distanceMeters - truth) / truth).toBeLessThan(0.01);
        expect(hit.storefrontName).toBe(expected[index]?.store);
      }
      expect(found.items.every((hit: { inStock: boolean }) => hit.inStock)).toBe(true);

      // The same through GraphQL, with the storefront resolved by the gateway.
      const answer = await gql(
        `query($near: NearInput) { products(query: "satchel", near: $near, sort: DISTANCE, first: 10) {
          edges { distanceMeters node { id title storefront { name followerCount location { lat lng } } } } } }`,
        { near: { lat: berlin.lat, lng: berlin.lng, radiusKm: 50 } },
      );
      expect(answer.errors).toBeUndefined();
      const edges = answer.data?.products.edges as {
        distanceMeters: number;
        node: { id: string; storefront: { name: string } };
      }[];
      expect(edges.map((e) => e.node.id)).toEqual(expected.map((e) => e.id));
      expect(edges.map((e) => e.node.storefront.name)).toEqual(expected.map((e) => e.store));
    });

    it("finds nothing near a city 1,000 km away within 50 km", async () => {
      expect(greatCircleMeters(berlin, belgrade)).toBeGreaterThan(990_000);
      expect(greatCircleMeters(berlin, belgrade)).toBeLessThan(1_010_000);
      const far = await search({
        query: "satchel",
        near: `${belgrade.lat},${belgrade.lng}`,
        radius: "50000",
      });
      expect(far.status).toBe(200);
      expect(far.body.items).toEqual([]);
      const wide = await search({
        query: "satchel",
        near: `${belgrade.lat},${belgrade.lng}`,
        radius: "1100000",
      });
      expect(wide.body.items).toHaveLength(3);
    });

    it("finds a product when one letter of the word is wrong, and says how it read the query", async () => {
      for (const typo of ["satchal", "sachel", "handstiched"]) {
        const page = await search({ query: typo });
        expect(page.status).toBe(200);
        expect(
          page.body.items.map((hit: { id: string }) => hit.id),
          typo,
        ).toContain(products.mitte?.id);
        expect(page.body.correctedQuery, typo).not.toBeNull();
      }
    });

    it("finds a product under every ancestor of its category", async () => {
      for (const id of [categoryId, rootCategoryId]) {
        const page = await search({ categoryId: id });
        expect(page.body.items).toHaveLength(3);
      }
      const crumbs = await rest("GET", "/categories/bags");
      expect(crumbs.status).toBe(200);
      expect(crumbs.body.breadcrumbs.map((c: { slug: string }) => c.slug)).toEqual(["accessories"]);
    });

    it("lets anonymous GraphQL readers follow categories: a product's, a parent, children of children", async () => {
      const [hit] = (await search({ categoryId })).body.items as { id: string }[];
      const answer = await gql(
        `query($id: ID!) {
          product(id: $id) { category { name } }
          category(slug: "bags") { parent { name } }
          categories { slug children { slug children { name } } }
        }`,
        { id: hit?.id },
      );
      expect(answer.errors).toBeUndefined();
      expect(answer.data?.product.category.name).toBe("Bags");
      expect(answer.data?.category.parent.name).toBe("Accessories");
      const accessories = answer.data?.categories.find((c: { slug: string }) => c.slug === "accessories");
      expect(accessories.children.map((c: { slug: string }) => c.slug)).toEqual(["bags"]);
    });

    it("keeps a draft product from buyers and search while its seller sees it", async () => {
      const draft = await listProduct(alice.token, "Secret Satchel Prototype", "MITTE-DRAFT", "draft");
      expect((await rest("GET", `/products/${draft.id}`, { token: alice.token })).status).toBe(200);
      expect((await rest("GET", `/products/${draft.id}`, { token: buyerToken })).status).toBe(404);
      expect((await rest("GET", `/products/${draft.id}`)).status).toBe(404);
      // Wait until a later, active change is searchable: the draft's own event came before it.
      const later = await listProduct(alice.token, "Prototype Tote", "MITTE-TOTE");
      await waitFor(
        async () => ((await search({ query: "tote" })).body.items.length === 1 ? true : undefined),
        {
          timeoutMs: 20_000,
          intervalMs: 100,
          message: "the active tote never became searchable",
        },
      );
      const hits = (await search({ query: "prototype" })).body.items.map((hit: { id: string }) => hit.id);
      expect(hits).toEqual([later.id]);
      const storefrontPage = await rest("GET", `/sellers/${stores.mitte}/products`);
      expect(storefrontPage.body.items.map((p: { id: string }) => p.id)).not.toContain(draft.id);
    });

    it("lets no seller touch another seller's storefront, products or variants", async () => {
      const product = products.mitte as { id: string; variants: { id: string }[] };
      const variantId = product.variants[0]?.id as string;
      const draft = await listProduct(alice.token, "Unreleased Satchel", "MITTE-HIDDEN", "draft");
      const attempts: [string, string, unknown, number][] = [
        ["PATCH", `/sellers/${stores.mitte}`, { name: "Taken Over" }, 403],
        ["PATCH", `/products/${product.id}`, { title: "Taken Over" }, 403],
        ["PATCH", `/products/${draft.id}`, { title: "Taken Over" }, 404],
        [
          "POST",
          `/products/${product.id}/variants`,
          { sku: "BOB-1", price: { amountMinor: 100, currency: "EUR" }, options: { colour: "red" } },
          403,
        ],
        [
          "PATCH",
          `/products/${product.id}/variants/${variantId}`,
          { price: { amountMinor: 1, currency: "EUR" } },
          403,
        ],
        ["DELETE", `/products/${product.id}/variants/${variantId}`, undefined, 403],
        ["DELETE", `/products/${draft.id}/variants/${draft.variants[0]?.id}`, undefined, 404],
      ];
      for (const [method, path, body, status] of attempts) {
        const answer = await rest(method, path, {
          token: bob.token,
          ...(body === undefined ? {} : { body }),
        });
        expect(answer.status, `${method} ${path}: ${JSON.stringify(answer.body)}`).toBe(status);
      }
      // A buyer is no seller at all.
      expect(
        (await rest("PATCH", `/products/${product.id}`, { token: buyerToken, body: { title: "Mine" } }))
          .status,
      ).toBe(403);
      // Nothing changed.
      const after = await rest("GET", `/products/${product.id}`);
      expect(after.body.title).toBe("Handstitched Satchel");
      expect(after.body.variants).toHaveLength(1);
      expect((await rest("GET", `/sellers/${stores.mitte}`)).body.name).toBe("Mitte Leather Works");
      // The owner can.
      const renamed = await rest("PATCH", `/products/${product.id}`, {
        token: alice.token,
        body: { title: "Handstitched Satchel Bag" },
      });
      expect(renamed.status).toBe(200);
    });

    it("answers 400 naming the field for a NUL character, which the database could not store", async () => {
      const refused = await rest("PATCH", `/products/${products.mitte?.id}`, {
        token: alice.token,
        body: { title: "Satchel\u0000Bag" },
      });
      expect(refused.status).toBe(400);
      expect(refused.body.error.details.map((d: { field: string }) => d.field)).toEqual(["body.title"]);
      const search = await rest("GET", `/products?query=${encodeURIComponent("sat\u0000chel")}`);
      expect(search.status).toBe(400);
    });

    it("lets buyers follow and unfollow a storefront and counts each follower once", async () => {
      const followed = await rest("PUT", `/sellers/${stores.kreuzberg}/follow`, { token: buyerToken });
      expect(followed.status).toBe(200);
      expect(
        (await rest("PUT", `/sellers/${stores.kreuzberg}/follow`, { token: buyerToken })).body,
      ).toMatchObject({
        followerCount: 1,
        followedByMe: true,
      });
      const seen = await gql(
        `query($id: ID) { storefront(id: $id) { followerCount followedByMe } }`,
        { id: stores.kreuzberg },
        buyerToken,
      );
      expect(seen.data?.storefront).toEqual({ followerCount: 1, followedByMe: true });
      const unfollowed = await rest("DELETE", `/sellers/${stores.kreuzberg}/follow`, { token: buyerToken });
      expect(unfollowed.body).toMatchObject({ followerCount: 0, followedByMe: false });
    });

    it("hides a suspended storefront's products from search once an admin suspends it", async () => {
      const suspended = await rest("POST", `/sellers/${stores.potsdam}/status`, {
        token: admin,
        body: { status: "suspended", reason: "counterfeit goods reported" },
      });
      expect(suspended.status, JSON.stringify(suspended.body)).toBe(200);
      await waitFor(
        async () => {
          const page = await search({ query: "satchel" });
          return page.body.items.some((hit: { id: string }) => hit.id === products.potsdam?.id)
            ? undefined
            : page;
        },
        {
          timeoutMs: 20_000,
          intervalMs: 100,
          message: "the suspended storefront's product stayed searchable",
        },
      );
      expect((await rest("GET", `/products/${products.potsdam?.id}`)).status).toBe(404);
    });
  });
}

catalogSuite("catalog through the gateway (embedded)", () => undefined);

describeWithInfra(
  "DATABASE_URL",
  "catalog through the gateway on real PostgreSQL/PostGIS, NATS and Redis",
  (databaseUrl) => {
    catalogSuite("catalog on real infrastructure", () => realInfra(databaseUrl));
  },
);
