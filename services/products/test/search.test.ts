import { randomBytes } from "node:crypto";
import { create, type MessageInitShape, toBinary } from "@bufbuild/protobuf";
import { timestampNow } from "@bufbuild/protobuf/wkt";
import { Code } from "@connectrpc/connect";
import { GeoPointSchema, MoneySchema } from "@mercato/contracts/mercato/common/v1/common_pb";
import { StockLevelChangedSchema } from "@mercato/contracts/mercato/inventory/v1/events_pb";
import {
  CategoryStatus,
  type CreateProductRequestSchema,
  type ProductHit,
  ProductStatus,
  ProductsService,
  type SearchProductsRequestSchema,
  SearchSort,
} from "@mercato/contracts/mercato/products/v1/products_pb";
import {
  StorefrontChangedSchema,
  StorefrontSchema,
  StorefrontStatus,
} from "@mercato/contracts/mercato/sellers/v1/sellers_pb";
import {
  createRpcClient,
  type EventBus,
  type EventEnvelope,
  MemoryEventBus,
  MemoryKeyValue,
  NatsEventBus,
  PgliteHost,
  type RunningService,
  rowsOf,
} from "@mercato/platform";
import { createTestIssuer, type TestIssuer } from "@mercato/platform/auth/test-keys";
import {
  describeWithInfra,
  type NatsServer,
  requireInfraUrl,
  startNatsServer,
  waitFor,
} from "@mercato/testing";
import {
  failure as callFailure,
  type DatabaseFixture,
  postgresFixture,
  startTestService,
} from "@mercato/testing/service-fixture";
import { sql } from "drizzle-orm";
import { v7 as uuidv7 } from "uuid";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { productsService } from "../src/index.js";
import { rebuildSearchProjection } from "../src/search/index.js";

type Client = ReturnType<typeof createRpcClient<typeof ProductsService>>;
type SearchInit = Omit<
  Exclude<MessageInitShape<typeof SearchProductsRequestSchema>, { $typeName: string }>,
  "$typeName"
>;
type ProductInit = Omit<
  Exclude<MessageInitShape<typeof CreateProductRequestSchema>, { $typeName: string }>,
  "$typeName"
>;

interface Account {
  id: string;
  as: { headers: { authorization: string } };
}

interface Seller extends Account {
  storefrontId: string;
  lat: number;
  lng: number;
}

const berlin = { lat: 52.52, lng: 13.405 };
const eur = (amount: number) => create(MoneySchema, { amountMinor: BigInt(amount), currency: "EUR" });

/** Great-circle distance in metres on the mean Earth radius (the haversine formula). */
function haversine(a: { lat: number; lng: number }, b: { lat: number; lng: number }): number {
  const rad = Math.PI / 180;
  const h =
    Math.sin(((b.lat - a.lat) * rad) / 2) ** 2 +
    Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(((b.lng - a.lng) * rad) / 2) ** 2;
  return 2 * 6_371_008.8 * Math.asin(Math.sqrt(h));
}

/** The code and violated fields of a failed call. */
async function failure(call: Promise<unknown>): Promise<{ code: Code; fields: string[] }> {
  const { code, fields } = await callFailure(call);
  return { code, fields };
}

function envelope(subject: string, type: string, payload: Uint8Array): EventEnvelope {
  return {
    id: uuidv7(),
    subject,
    type,
    occurredAt: new Date(),
    correlationId: uuidv7(),
    traceparent: undefined,
    payload,
  };
}

function storefrontEvent(
  verb: "created" | "updated",
  s: {
    id: string;
    ownerId: string;
    name: string;
    lat: number;
    lng: number;
    status?: StorefrontStatus;
    version: number;
  },
): EventEnvelope {
  const message = create(StorefrontChangedSchema, {
    storefront: create(StorefrontSchema, {
      id: s.id,
      ownerId: s.ownerId,
      name: s.name,
      slug: `shop-${s.id.slice(-12)}`,
      location: create(GeoPointSchema, { latitude: s.lat, longitude: s.lng }),
      status: s.status ?? StorefrontStatus.ACTIVE,
      version: BigInt(s.version),
      createdAt: timestampNow(),
      updatedAt: timestampNow(),
    }),
  });
  return envelope(
    `mercato.sellers.storefront.${verb}`,
    StorefrontChangedSchema.typeName,
    toBinary(StorefrontChangedSchema, message),
  );
}

function stockEvent(variantId: string, productId: string, available: number, version: number): EventEnvelope {
  const message = create(StockLevelChangedSchema, {
    variantId,
    productId,
    onHand: BigInt(available),
    available: BigInt(available),
    version: BigInt(version),
    changedAt: timestampNow(),
  });
  return envelope(
    "mercato.inventory.stock.changed",
    StockLevelChangedSchema.typeName,
    toBinary(StockLevelChangedSchema, message),
  );
}

/** A started products service with the helpers the search tests share. */
async function startHarness(fixture: DatabaseFixture, bus: EventBus) {
  const issuer: TestIssuer = await createTestIssuer();
  const kv = new MemoryKeyValue();
  const service: RunningService = await startTestService(productsService, { fixture, bus, kv, issuer });
  const client: Client = createRpcClient(ProductsService, { baseUrl: service.url, maxRetries: 0 });
  const account = async (roles: string[]): Promise<Account> => {
    const id = uuidv7();
    const token = await issuer.sign({ sub: id, roles, email_verified: true });
    return { id, as: { headers: { authorization: `Bearer ${token}` } } };
  };
  const admin = await account(["admin"]);
  const buyer = await account(["buyer"]);
  const database = service.runtime.database;

  const storefrontVersion = async (id: string) =>
    Number(
      rowsOf<{ version: string | number }>(
        await database.db.execute(sql`select version from products.search_storefronts where id = ${id}`),
      )[0]?.version ?? 0,
    );

  /** Announces a storefront and waits until the search projection holds that version. */
  const announce = async (
    verb: "created" | "updated",
    s: Parameters<typeof storefrontEvent>[1],
  ): Promise<EventEnvelope> => {
    const event = storefrontEvent(verb, s);
    await bus.publish(event);
    await waitFor(async () => (await storefrontVersion(s.id)) >= s.version, {
      message: "storefront not applied",
    });
    return event;
  };

  const seller = async (at = berlin, name = "Spree Goods"): Promise<Seller> => {
    const owner = await account(["seller"]);
    const storefrontId = uuidv7();
    await announce("created", { id: storefrontId, ownerId: owner.id, name, ...at, version: 1 });
    // The catalog's own storefront consumer must know the seller before it may list products.
    await waitFor(
      async () =>
        rowsOf(await database.db.execute(sql`select 1 from products.storefronts where id = ${storefrontId}`))
          .length > 0,
      { message: "catalog storefront projection not updated" },
    );
    return { ...owner, storefrontId, ...at };
  };

  let skus = 0;
  const product = async (owner: Seller, init: ProductInit) => {
    const { product: created } = await client.createProduct(
      {
        description: "",
        status: ProductStatus.ACTIVE,
        variants: [{ sku: `S-${Date.now().toString(36)}-${++skus}`, price: eur(1000), options: {} }],
        ...init,
      },
      owner.as,
    );
    if (!created) throw new Error("no product");
    return created;
  };

  const search = (init: SearchInit) => client.searchProducts(init, buyer.as);
  const ids = (hits: readonly ProductHit[]) => hits.map((hit) => hit.productId);
  /** Waits until a search returns exactly these product ids (in any order). */
  const searchUntil = async (init: SearchInit, expected: string[]) => {
    const want = [...expected].sort();
    return waitFor(
      async () => {
        const response = await search(init);
        const got = ids(response.hits).sort();
        return JSON.stringify(got) === JSON.stringify(want) ? response : undefined;
      },
      {
        message: `search ${JSON.stringify(init, (_k, v) => (typeof v === "bigint" ? String(v) : v))} never returned ${want}`,
      },
    );
  };

  return {
    service,
    client,
    admin,
    buyer,
    database,
    announce,
    seller,
    product,
    search,
    searchUntil,
    ids,
    close: async () => {
      await service.stop();
      await kv.close();
      await issuer.close();
    },
  };
}

type Harness = Awaited<ReturnType<typeof startHarness>>;

function describeSearch(label: string, openFixture: () => Promise<DatabaseFixture>): void {
  describe(label, () => {
    let fixture: DatabaseFixture;
    let bus: MemoryEventBus;
    let h: Harness;
    let apparel: string;
    let footwear: string;
    let boots: string;
    let kitchen: string;

    beforeAll(async () => {
      fixture = await openFixture();
      bus = new MemoryEventBus();
      h = await startHarness(fixture, bus);
      const tag = randomBytes(3).toString("hex");
      const category = async (name: string, parentId = "") =>
        (await h.client.createCategory({ name: `${name} ${tag}`, parentId }, h.admin.as)).category?.id ?? "";
      apparel = await category("Apparel");
      footwear = await category("Footwear", apparel);
      boots = await category("Boots", footwear);
      kitchen = await category("Kitchen");
    }, 120_000);

    afterAll(async () => {
      await h?.close();
      await bus?.close();
      await fixture?.close();
    });

    it("finds a product by title, ancestor category name, option value and attribute", async () => {
      const shop = await h.seller();
      const boot = await h.product(shop, {
        title: "Merino hiking boots",
        categoryId: boots,
        attributes: { material: "suede" },
        optionNames: ["color"],
        variants: [{ sku: `M-${uuidv7()}`, price: eur(8900), options: { color: "Forest" } }],
      });
      const scope = { storefrontId: shop.storefrontId };
      const byTitle = await h.searchUntil({ ...scope, query: "merino" }, [boot.id]);
      expect(byTitle.hits[0]).toMatchObject({
        title: "Merino hiking boots",
        storefrontName: "Spree Goods",
        categoryId: boots,
        inStock: true,
      });
      expect(byTitle.hits[0]?.minPrice).toMatchObject({ amountMinor: 8900n, currency: "EUR" });
      expect(byTitle.hits[0]?.relevance).toBeGreaterThan(0);
      expect(byTitle.correctedQuery).toBe("");
      for (const query of ["footwear", "forest", "suede", "spree", "MERINO boots"]) {
        expect(h.ids((await h.search({ ...scope, query })).hits), query).toEqual([boot.id]);
      }
      expect((await h.search({ ...scope, query: "sandals" })).hits).toEqual([]);
    });

    it("finds a word with one wrong, missing or extra letter and reports the corrected query", async () => {
      const shop = await h.seller();
      const kayak = await h.product(shop, { title: "Inflatable kayak paddle", categoryId: kitchen });
      const scope = { storefrontId: shop.storefrontId };
      await h.searchUntil({ ...scope, query: "kayak" }, [kayak.id]);
      for (const typo of ["kayek", "kyak", "kayakk", "inflatible", "padlle"]) {
        const response = await h.search({ ...scope, query: typo });
        expect(h.ids(response.hits), typo).toEqual([kayak.id]);
        expect(response.correctedQuery, typo).not.toBe("");
      }
      expect((await h.search({ ...scope, query: "kayek paddle" })).correctedQuery).toBe("kayak paddle");
      // A word no visible product is close to stays as typed and finds nothing.
      expect((await h.search({ ...scope, query: "xylophone" })).hits).toEqual([]);
    });

    it("filters by category with all its descendants", async () => {
      const shop = await h.seller();
      const boot = await h.product(shop, { title: "Chelsea boots", categoryId: boots });
      const pan = await h.product(shop, { title: "Cast iron pan", categoryId: kitchen });
      const scope = { storefrontId: shop.storefrontId };
      await h.searchUntil(scope, [boot.id, pan.id]);
      expect(h.ids((await h.search({ ...scope, categoryId: apparel })).hits)).toEqual([boot.id]);
      expect(h.ids((await h.search({ ...scope, categoryId: footwear })).hits)).toEqual([boot.id]);
      expect(h.ids((await h.search({ ...scope, categoryId: kitchen })).hits)).toEqual([pan.id]);
    });

    it("filters by price range and currency, and by storefront", async () => {
      const shop = await h.seller();
      const other = await h.seller();
      const cheap = await h.product(shop, {
        title: "Cheap mug",
        categoryId: kitchen,
        variants: [{ sku: `C-${uuidv7()}`, price: eur(1000) }],
      });
      const mid = await h.product(shop, {
        title: "Mid mug",
        categoryId: kitchen,
        optionNames: ["size"],
        variants: [
          { sku: `M1-${uuidv7()}`, price: eur(4000), compareAtPrice: eur(6000), options: { size: "S" } },
          { sku: `M2-${uuidv7()}`, price: eur(5500), options: { size: "L" } },
        ],
      });
      const dear = await h.product(shop, {
        title: "Dear mug",
        categoryId: kitchen,
        variants: [{ sku: `D-${uuidv7()}`, price: eur(9000) }],
      });
      const elsewhere = await h.product(other, { title: "Other mug", categoryId: kitchen });
      const scope = { storefrontId: shop.storefrontId };
      await h.searchUntil(scope, [cheap.id, mid.id, dear.id]);
      await h.searchUntil({ storefrontId: other.storefrontId }, [elsewhere.id]);
      const ranged = await h.search({ ...scope, minPrice: 5000n, maxPrice: 6000n, currency: "EUR" });
      expect(h.ids(ranged.hits)).toEqual([mid.id]);
      expect(ranged.hits[0]?.minPrice?.amountMinor).toBe(4000n);
      expect(ranged.hits[0]?.maxPrice?.amountMinor).toBe(5500n);
      expect(ranged.hits[0]?.compareAtPrice?.amountMinor).toBe(6000n);
      expect(h.ids((await h.search({ ...scope, minPrice: 9000n })).hits)).toEqual([dear.id]);
      expect(h.ids((await h.search({ ...scope, maxPrice: 1000n })).hits)).toEqual([cheap.id]);
      expect((await h.search({ ...scope, currency: "USD" })).hits).toEqual([]);
    });

    it("filters by options that one variant has together", async () => {
      const shop = await h.seller();
      const tee = await h.product(shop, {
        title: "Plain tee",
        categoryId: apparel,
        optionNames: ["size", "color"],
        variants: [
          { sku: `T1-${uuidv7()}`, price: eur(1500), options: { size: "M", color: "Red" } },
          { sku: `T2-${uuidv7()}`, price: eur(1500), options: { size: "L", color: "Blue" } },
        ],
      });
      const scope = { storefrontId: shop.storefrontId };
      await h.searchUntil(scope, [tee.id]);
      const options = (pairs: [string, string][]) => pairs.map(([name, value]) => ({ name, value }));
      expect(
        h.ids(
          (
            await h.search({
              ...scope,
              options: options([
                ["size", "M"],
                ["color", "red"],
              ]),
            })
          ).hits,
        ),
      ).toEqual([tee.id]);
      expect(h.ids((await h.search({ ...scope, options: options([["color", "Blue"]]) })).hits)).toEqual([
        tee.id,
      ]);
      expect(
        (
          await h.search({
            ...scope,
            options: options([
              ["size", "M"],
              ["color", "Blue"],
            ]),
          })
        ).hits,
      ).toEqual([]);
      expect((await h.search({ ...scope, options: options([["size", "XL"]]) })).hits).toEqual([]);
    });

    it("finds products near a point with great-circle distances, and not from 1,000 km away", async () => {
      const munich = { lat: 48.1351, lng: 11.582 };
      const near = await h.seller({ lat: 52.5, lng: 13.3 });
      const farther = await h.seller({ lat: 52.4, lng: 13.0 });
      const south = await h.seller(munich);
      const tag = `geo${randomBytes(3).toString("hex")}`;
      const a = await h.product(near, { title: `Lantern ${tag}`, categoryId: kitchen });
      const b = await h.product(farther, { title: `Lantern ${tag}`, categoryId: kitchen });
      const c = await h.product(south, { title: `Lantern ${tag}`, categoryId: kitchen });
      const nearBerlin = { point: { latitude: berlin.lat, longitude: berlin.lng }, radiusMeters: 50_000 };
      const found = await h.searchUntil({ query: tag, near: nearBerlin, sort: SearchSort.DISTANCE }, [
        a.id,
        b.id,
      ]);
      expect(h.ids(found.hits)).toEqual([a.id, b.id]);
      for (const [hit, at] of [
        [found.hits[0], near],
        [found.hits[1], farther],
      ] as const) {
        const expected = haversine(berlin, at);
        expect(Math.abs((hit?.distanceMeters ?? 0) - expected) / expected).toBeLessThan(0.01);
      }
      // A point 1,000 km due south of Berlin, searched with a 50 km radius.
      const away = { latitude: berlin.lat - 1_000_000 / 111_195, longitude: berlin.lng };
      expect(Math.round(haversine(berlin, { lat: away.latitude, lng: away.longitude }) / 1000)).toBe(1000);
      expect((await h.search({ query: tag, near: { point: away, radiusMeters: 50_000 } })).hits).toEqual([]);
      const wide = await h.search({ query: tag, near: { ...nearBerlin, radiusMeters: 600_000 } });
      expect(h.ids(wide.hits).sort()).toEqual([a.id, b.id, c.id].sort());
      // Without near there is no distance.
      expect((await h.search({ query: tag })).hits[0]?.distanceMeters).toBeUndefined();
    });

    it("sorts by relevance, price, newest and distance", async () => {
      const shop = await h.seller();
      const tag = `sort${randomBytes(3).toString("hex")}`;
      const inTitle = await h.product(shop, {
        title: `${tag} candle`,
        categoryId: kitchen,
        variants: [{ sku: `A-${uuidv7()}`, price: eur(3000) }],
      });
      const inText = await h.product(shop, {
        title: "Scented candle",
        description: `smells of ${tag}`,
        categoryId: kitchen,
        variants: [{ sku: `B-${uuidv7()}`, price: eur(1000) }],
      });
      const third = await h.product(shop, {
        title: `${tag} holder`,
        description: tag,
        categoryId: kitchen,
        variants: [{ sku: `C-${uuidv7()}`, price: eur(2000) }],
      });
      const scope = { storefrontId: shop.storefrontId };
      await h.searchUntil(scope, [inTitle.id, inText.id, third.id]);
      const relevance = (await h.search({ ...scope, query: tag })).hits;
      expect(h.ids(relevance).at(-1)).toBe(inText.id);
      expect(relevance[0]?.relevance).toBeGreaterThan(relevance[2]?.relevance ?? 0);
      expect(h.ids((await h.search({ ...scope, sort: SearchSort.PRICE_ASC })).hits)).toEqual([
        inText.id,
        third.id,
        inTitle.id,
      ]);
      expect(h.ids((await h.search({ ...scope, sort: SearchSort.PRICE_DESC })).hits)).toEqual([
        inTitle.id,
        third.id,
        inText.id,
      ]);
      expect(h.ids((await h.search(scope)).hits)).toEqual([third.id, inText.id, inTitle.id]);
      expect(await failure(h.search({ ...scope, sort: SearchSort.DISTANCE }))).toEqual({
        code: Code.InvalidArgument,
        fields: ["sort"],
      });
    });

    it("pages through every sort without duplicates or gaps", async () => {
      const shops = [await h.seller({ lat: 52.52, lng: 13.4 }), await h.seller({ lat: 52.45, lng: 13.3 })];
      const tag = `page${randomBytes(3).toString("hex")}`;
      const created: string[] = [];
      for (let i = 0; i < 11; i++) {
        const shop = shops[i % 2] as Seller;
        const words = i % 3 === 0 ? `${tag} ${tag} lamp` : `${tag} lamp`;
        const product = await h.product(shop, {
          title: words,
          description: i % 2 === 0 ? tag : "",
          categoryId: kitchen,
          // Equal prices on purpose: ties are broken by the product id.
          variants: [{ sku: `P-${uuidv7()}`, price: eur(1000 + (i % 4) * 100) }],
        });
        created.push(product.id);
      }
      const base = {
        query: tag,
        near: { point: { latitude: 52.5, longitude: 13.35 }, radiusMeters: 100_000 },
      };
      await h.searchUntil({ ...base, limit: 100 }, created);
      for (const sort of [
        SearchSort.RELEVANCE,
        SearchSort.DISTANCE,
        SearchSort.PRICE_ASC,
        SearchSort.PRICE_DESC,
        SearchSort.NEWEST,
      ]) {
        const all = h.ids((await h.search({ ...base, sort, limit: 100 })).hits);
        const paged: string[] = [];
        let cursor = "";
        let pages = 0;
        do {
          const page = await h.search({ ...base, sort, limit: 3, cursor });
          paged.push(...h.ids(page.hits));
          cursor = page.nextCursor;
          pages++;
        } while (cursor && pages < 20);
        expect(paged, SearchSort[sort]).toEqual(all);
        expect(new Set(paged).size).toBe(created.length);
        expect(pages).toBe(4);
      }
    });

    it("refuses a cursor from another sort, other filters or no page at all, naming cursor", async () => {
      const shop = await h.seller();
      const scope = { storefrontId: shop.storefrontId };
      const made = [
        await h.product(shop, { title: "Cursor one", categoryId: kitchen }),
        await h.product(shop, { title: "Cursor two", categoryId: kitchen }),
      ];
      await h.searchUntil(
        scope,
        made.map((p) => p.id),
      );
      const { nextCursor } = await h.search({ ...scope, limit: 1 });
      expect(nextCursor).not.toBe("");
      const refused = { code: Code.InvalidArgument, fields: ["cursor"] };
      expect(
        await failure(h.search({ ...scope, limit: 1, cursor: nextCursor, sort: SearchSort.PRICE_ASC })),
      ).toEqual(refused);
      expect(await failure(h.search({ ...scope, limit: 1, cursor: nextCursor, query: "cursor" }))).toEqual(
        refused,
      );
      expect(await failure(h.search({ limit: 1, cursor: nextCursor }))).toEqual(refused);
      expect(await failure(h.search({ ...scope, cursor: "not-a-cursor" }))).toEqual(refused);
      expect(
        await failure(h.search({ ...scope, cursor: Buffer.from('[5,"x",1,"y"]').toString("base64url") })),
      ).toEqual(refused);
      expect(h.ids((await h.search({ ...scope, limit: 1, cursor: nextCursor })).hits)).toHaveLength(1);
    });

    it("hides drafts and suspended storefronts, and keeps products of an archived category findable", async () => {
      const shop = await h.seller();
      const tag = randomBytes(3).toString("hex");
      const hidden =
        (await h.client.createCategory({ name: `Seasonal ${tag}`, parentId: kitchen }, h.admin.as)).category
          ?.id ?? "";
      const listed = await h.product(shop, { title: "Visible vase", categoryId: kitchen });
      const draft = await h.product(shop, {
        title: "Draft vase",
        categoryId: kitchen,
        status: ProductStatus.DRAFT,
      });
      const seasonal = await h.product(shop, { title: "Seasonal vase", categoryId: hidden });
      const scope = { storefrontId: shop.storefrontId };
      await h.searchUntil(scope, [listed.id, seasonal.id]);
      expect((await h.search({ ...scope, query: "draft" })).hits).toEqual([]);

      // Archiving a category stops new listings in it; what is listed there stays findable, under it too.
      await h.client.updateCategory({ id: hidden, status: CategoryStatus.ARCHIVED }, h.admin.as);
      await h.client.updateProduct({ id: seasonal.id, title: "Seasonal vase archived" }, shop.as);
      await waitFor(
        async () => (await h.search({ ...scope, query: "archived" })).hits[0]?.productId === seasonal.id,
        {
          message: "the product in the archived category left search",
        },
      );
      await h.searchUntil({ ...scope, categoryId: hidden }, [seasonal.id]);
      await h.searchUntil(scope, [listed.id, seasonal.id]);

      await h.client.updateProduct({ id: draft.id, status: ProductStatus.ACTIVE }, shop.as);
      await h.searchUntil(scope, [listed.id, seasonal.id, draft.id]);

      const announced = { id: shop.storefrontId, ownerId: shop.id, name: "Spree Goods", ...berlin };
      await h.announce("updated", { ...announced, status: StorefrontStatus.SUSPENDED, version: 2 });
      await h.searchUntil(scope, []);
      await h.announce("updated", { ...announced, status: StorefrontStatus.ACTIVE, version: 3 });
      await h.searchUntil(scope, [listed.id, seasonal.id, draft.id]);
    });

    it("ignores an older storefront event that arrives after a newer one", async () => {
      const shop = await h.seller();
      const item = await h.product(shop, { title: "Renamed shop item", categoryId: kitchen });
      const scope = { storefrontId: shop.storefrontId };
      await h.searchUntil(scope, [item.id]);
      const base = { id: shop.storefrontId, ownerId: shop.id, ...berlin };
      await h.announce("updated", { ...base, name: "Newest Name", version: 5 });
      await waitFor(async () => (await h.search(scope)).hits[0]?.storefrontName === "Newest Name");
      const old = storefrontEvent("updated", {
        ...base,
        name: "Stale Name",
        version: 4,
        status: StorefrontStatus.SUSPENDED,
      });
      await bus.publish(old);
      await waitFor(
        async () =>
          rowsOf(
            await h.database.db.execute(
              sql`select 1 from products.inbox where consumer = 'products.search-storefront-updated' and event_id = ${old.id}`,
            ),
          ).length > 0,
        { message: "the old event was not consumed" },
      );
      const [hit] = (await h.search(scope)).hits;
      expect(hit?.storefrontName).toBe("Newest Name");
      expect((await h.search({ ...scope, query: "newest" })).hits).toHaveLength(1);
      // A product rebuilt from the tables afterwards keeps the newest storefront data too.
      await h.client.updateProduct({ id: item.id, title: "Renamed shop item two" }, shop.as);
      await waitFor(async () => (await h.search(scope)).hits[0]?.title === "Renamed shop item two");
      expect((await h.search(scope)).hits[0]?.storefrontName).toBe("Newest Name");
    });

    it("follows stock events: a sold-out product is out of stock until restocked, older levels lose", async () => {
      const shop = await h.seller();
      const item = await h.product(shop, { title: "Stocked stool", categoryId: kitchen });
      const variantId = item.variants[0]?.id ?? "";
      const scope = { storefrontId: shop.storefrontId };
      await h.searchUntil({ ...scope, inStock: true }, [item.id]);
      await bus.publish(stockEvent(variantId, item.id, 0, 2));
      await h.searchUntil({ ...scope, inStock: true }, []);
      expect((await h.search(scope)).hits[0]?.inStock).toBe(false);
      await bus.publish(stockEvent(variantId, item.id, 3, 3));
      await h.searchUntil({ ...scope, inStock: true }, [item.id]);
      const older = stockEvent(variantId, item.id, 0, 1);
      await bus.publish(older);
      await waitFor(
        async () =>
          rowsOf(await h.database.db.execute(sql`select 1 from products.inbox where event_id = ${older.id}`))
            .length > 0,
      );
      expect((await h.search(scope)).hits[0]?.inStock).toBe(true);
    });

    it("keeps a product in stock while any variant has units, and drops it when the last one sells out", async () => {
      const shop = await h.seller();
      const pair = await h.product(shop, {
        title: "Pair of mugs",
        categoryId: kitchen,
        optionNames: ["color"],
        variants: [
          { sku: `M1-${uuidv7()}`, price: eur(900), options: { color: "White" } },
          { sku: `M2-${uuidv7()}`, price: eur(900), options: { color: "Black" } },
        ],
      });
      const [white, black] = pair.variants.map((variant) => variant.id);
      if (!white || !black) throw new Error("the product lacks its two variants");
      const inStock = { storefrontId: shop.storefrontId, inStock: true };
      await bus.publish(stockEvent(white, pair.id, 2, 1));
      await bus.publish(stockEvent(black, pair.id, 1, 1));
      await h.searchUntil(inStock, [pair.id]);
      // One variant sold out: the other still has units, so the product stays in stock.
      const sold = stockEvent(white, pair.id, 0, 2);
      await bus.publish(sold);
      await waitFor(
        async () =>
          rowsOf(await h.database.db.execute(sql`select 1 from products.inbox where event_id = ${sold.id}`))
            .length > 0,
      );
      expect(h.ids((await h.search(inStock)).hits)).toEqual([pair.id]);
      await bus.publish(stockEvent(black, pair.id, 0, 2));
      await h.searchUntil(inStock, []);
      await bus.publish(stockEvent(black, pair.id, 4, 3));
      await h.searchUntil(inStock, [pair.id]);
    });

    it("rebuilds from the tables exactly what the events built", async () => {
      const snapshot = async () =>
        rowsOf<Record<string, unknown>>(
          await h.database.db.execute(sql`
            select product_id, storefront_id, category_id, category_path::text, category_visible, title, media_id,
              product_status, product_version, published_at::text, currency, min_price_minor, max_price_minor,
              compare_at_minor, option_pairs::text, variant_options::text, in_stock, search_text::text,
              storefront_name, storefront_status, storefront_version, ST_AsText(location) as location, visible
            from products.search_documents order by product_id`),
        );
      const before = await snapshot();
      expect(before.length).toBeGreaterThan(20);
      const { documents } = await rebuildSearchProjection(h.database, { batchSize: 7 });
      expect(documents).toBe(before.length);
      expect(await snapshot()).toEqual(before);
      const { documents: again } = await rebuildSearchProjection(h.database);
      expect(again).toBe(before.length);
      expect(await snapshot()).toEqual(before);
    });

    it("names the field of a bad request", async () => {
      expect(await failure(h.search({ sort: SearchSort.RELEVANCE }))).toEqual({
        code: Code.InvalidArgument,
        fields: ["sort"],
      });
      expect(
        (await failure(h.search({ near: { point: { latitude: 91, longitude: 0 }, radiusMeters: 10 } }))).code,
      ).toBe(Code.InvalidArgument);
      expect(await failure(h.search({ minPrice: 500n, maxPrice: 100n }))).toEqual({
        code: Code.InvalidArgument,
        fields: ["max_price"],
      });
    });
  });
}

// PGlite's first open is slow, so the file shares one instance; each suite drops what it made.
let pglite: Promise<PgliteHost> | undefined;
afterAll(async () => {
  await (await pglite)?.close();
});

async function pgliteFixture(): Promise<DatabaseFixture> {
  pglite ??= PgliteHost.open();
  const host = await pglite;
  return {
    database: (schema) => host.forService(schema),
    close: async () => {
      await host.forService("products").db.execute(sql.raw("drop schema if exists products cascade"));
    },
  };
}

describeSearch("product search on PGlite", pgliteFixture);

describeWithInfra("DATABASE_URL", "product search on PostgreSQL", (url) => {
  // The migrations name the "products" schema, so each run gets a database of its own.
  describeSearch("a fresh database", () => postgresFixture(url, { prefix: "products_search_test" }));
});

// The projection follows the outbox through a real NATS outage: nothing to rebuild by hand.
describe("search catches up after the bus was down", () => {
  let nats: NatsServer;
  let fixture: DatabaseFixture;
  let bus: NatsEventBus;
  let h: Harness;

  beforeAll(async () => {
    nats = await startNatsServer();
    const url = requireInfraUrl("DATABASE_URL");
    fixture = url ? await postgresFixture(url, { prefix: "products_search_test" }) : await pgliteFixture();
    bus = await NatsEventBus.connect({ url: nats.url, publishTimeoutMs: 1_000 });
    h = await startHarness(fixture, bus);
  }, 120_000);

  afterAll(async () => {
    await h?.close();
    await bus?.close();
    await fixture?.close();
    await nats?.dispose();
  });

  it("makes products changed while NATS was stopped searchable once it is back", {
    timeout: 120_000,
  }, async () => {
    const shop = await h.seller();
    const categoryId =
      (await h.client.createCategory({ name: `Outage ${uuidv7()}` }, h.admin.as)).category?.id ?? "";
    const canoe = await h.product(shop, { title: "Touring canoe", categoryId });
    const scope = { storefrontId: shop.storefrontId };
    await h.searchUntil({ ...scope, query: "canoe" }, [canoe.id]);

    await nats.stop();
    await h.client.updateProduct({ id: canoe.id, title: "Touring catamaran" }, shop.as);
    const added = await h.product(shop, { title: "Outage oar", categoryId });
    // Nothing reaches the projection while the bus is down.
    expect((await h.search({ ...scope, query: "catamaran" })).hits).toEqual([]);
    await nats.start();

    await waitFor(
      async () => h.ids((await h.search({ ...scope, query: "catamaran" })).hits).includes(canoe.id),
      { timeoutMs: 60_000, intervalMs: 250, message: "the renamed product never became searchable" },
    );
    await h.searchUntil({ ...scope, query: "oar" }, [added.id]);
    expect((await h.search({ ...scope, query: "canoe" })).hits).toEqual([]);
  });
});
