// The gateway's cache of public product and storefront documents (ADR 0050): kept between
// requests, forgotten on the catalog events every replica receives, never trusted while the bus
// is away, and never filled with what a read that began before an event returned.
import { create, toBinary } from "@bufbuild/protobuf";
import { timestampNow } from "@bufbuild/protobuf/wkt";
import type { ServiceImpl } from "@connectrpc/connect";
import { eventSubjects } from "@mercato/contracts/events";
import {
  type Product,
  ProductChangedSchema,
  ProductHitSchema,
  ProductSchema,
  ProductStatus,
  ProductsService,
} from "@mercato/contracts/mercato/products/v1/products_pb";
import {
  SellersService,
  type Storefront,
  StorefrontChangedSchema,
  StorefrontSchema,
  StorefrontStatus,
} from "@mercato/contracts/mercato/sellers/v1/sellers_pb";
import { createLogger, type Listening, NatsEventBus, NotFound, parseConfig } from "@mercato/platform";
import { createTestIssuer, type TestIssuer } from "@mercato/platform/auth/test-keys";
import { type NatsServer, startNatsServer, waitFor } from "@mercato/testing";
import { eventEnvelope } from "@mercato/testing/identity-events";
import type { FastifyReply, FastifyRequest } from "fastify";
import { parse } from "graphql";
import { v7 as uuidv7 } from "uuid";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createGateway, type Gateway } from "../src/app.js";
import { CatalogCache, catalogCacheOf } from "../src/catalog-cache.js";
import { gatewayConfigSchema } from "../src/config.js";
import { answerKey, graphqlAnswers, markAnswerPartial, readsOnlyCatalog } from "../src/graphql-answers.js";
import type { LiveEvent } from "../src/live-feed.js";
import type { StorefrontJson } from "../src/modules/catalog-json.js";
import { productsGatewayModule } from "../src/modules/products/index.js";
import type { ProductModel } from "../src/modules/products/schemas.js";
import { sellersGatewayModule } from "../src/modules/sellers/index.js";
import {
  callRecorder,
  issuerAuthenticator,
  type RecordedCall,
  signedIn,
  startFakeService,
} from "./module-harness.js";

const now = timestampNow();

function productMessage(
  id: string,
  storefrontId: string,
  title: string,
  status = ProductStatus.ACTIVE,
): Product {
  return create(ProductSchema, {
    id,
    storefrontId,
    title,
    description: "",
    categoryId: uuidv7(),
    status,
    variants: [
      {
        id: uuidv7(),
        productId: id,
        sku: `sku-${id.slice(-6)}`,
        price: { amountMinor: 1200n, currency: "EUR" },
        position: 0,
        createdAt: now,
        updatedAt: now,
      },
    ],
    createdAt: now,
    updatedAt: now,
  });
}

function storefrontMessage(id: string, status = StorefrontStatus.ACTIVE): Storefront {
  return create(StorefrontSchema, {
    id,
    ownerId: uuidv7(),
    name: `Shop ${id.slice(-4)}`,
    slug: `shop-${id.slice(-8)}`,
    status,
    createdAt: now,
    updatedAt: now,
  });
}

/** A bus the unit tests drive by hand: events and link changes go to whoever subscribed. */
class FakeSource {
  readonly handlers = new Map<string, (event: LiveEvent) => void | Promise<void>>();
  readonly links: ((up: boolean) => void)[] = [];
  async subscribeEphemeral(
    subject: string,
    handler: (event: LiveEvent) => void | Promise<void>,
    options?: { onLink?: ((up: boolean) => void) | undefined },
  ) {
    this.handlers.set(subject, handler);
    if (options?.onLink) this.links.push(options.onLink);
    return { stop: async () => void this.handlers.delete(subject) };
  }
  async emit(subject: string, payload: Uint8Array): Promise<void> {
    for (const [pattern, handler] of this.handlers)
      if (subject.startsWith(pattern.replace(/>$/, "")))
        await handler({ id: uuidv7(), subject, occurredAt: new Date(), payload });
  }
  link(up: boolean): void {
    for (const onLink of this.links) onLink(up);
  }
}

describe("CatalogCache", () => {
  const storefrontId = uuidv7();
  const productId = uuidv7();
  const product = (title = "Mug", status: ProductModel["status"] = "active") =>
    ({ id: productId, storefrontId, title, status }) as unknown as ProductModel;
  const storefront = (status = "active") =>
    ({ id: storefrontId, status, followedByMe: false }) as unknown as StorefrontJson;

  async function started(): Promise<{ cache: CatalogCache; source: FakeSource }> {
    const cache = new CatalogCache({ maxEntries: 100, ttlMs: 60_000 });
    const source = new FakeSource();
    await cache.start(source);
    return { cache, source };
  }

  it("keeps nothing before it has subscribed, and nothing with 0 entries", async () => {
    const cold = new CatalogCache({ maxEntries: 100, ttlMs: 60_000 });
    cold.keepStorefronts(cold.epoch(), [storefront()]);
    cold.keepProducts(cold.epoch(), [product()]);
    expect(cold.product(productId)).toBeUndefined();
    const off = new CatalogCache({ maxEntries: 0, ttlMs: 60_000 });
    const source = new FakeSource();
    await off.start(source);
    expect(source.handlers.size).toBe(0);
    off.keepStorefronts(off.epoch(), [storefront()]);
    off.keepProducts(off.epoch(), [product()]);
    expect(off.product(productId)).toBeUndefined();
  });

  it("serves a kept product only beside its storefront's kept document, and keeps only active ones", async () => {
    const { cache } = await started();
    cache.keepProducts(cache.epoch(), [product()]);
    expect(cache.product(productId)).toBeUndefined();
    cache.keepStorefronts(cache.epoch(), [storefront()]);
    expect(cache.product(productId)?.title).toBe("Mug");
    const draftId = uuidv7();
    cache.keepProducts(cache.epoch(), [{ ...product(), id: draftId, status: "draft" } as ProductModel]);
    expect(cache.product(draftId)).toBeUndefined();
    const hidden = uuidv7();
    cache.keepStorefronts(cache.epoch(), [{ ...storefront("suspended"), id: hidden }]);
    expect(cache.storefront(hidden)).toBeUndefined();
  });

  it("forgets a product on its event and its products' storefront on the storefront's event", async () => {
    const { cache, source } = await started();
    cache.keepStorefronts(cache.epoch(), [storefront()]);
    cache.keepProducts(cache.epoch(), [product()]);
    await source.emit(
      eventSubjects.products.productUpdated.subject,
      toBinary(ProductChangedSchema, {
        $typeName: "mercato.products.v1.ProductChanged",
        product: productMessage(productId, storefrontId, "Cup"),
      }),
    );
    expect(cache.product(productId)).toBeUndefined();
    cache.keepProducts(cache.epoch(), [product("Cup")]);
    expect(cache.product(productId)?.title).toBe("Cup");
    await source.emit(
      eventSubjects.sellers.storefrontUpdated.subject,
      toBinary(
        StorefrontChangedSchema,
        create(StorefrontChangedSchema, {
          storefront: storefrontMessage(storefrontId, StorefrontStatus.SUSPENDED),
        }),
      ),
    );
    expect(cache.storefront(storefrontId)).toBeUndefined();
    // The product is not served while its storefront is not known to be active.
    expect(cache.product(productId)).toBeUndefined();
  });

  it("does not keep what a read that began before an event returned", async () => {
    const { cache, source } = await started();
    cache.keepStorefronts(cache.epoch(), [storefront()]);
    const before = cache.epoch();
    await source.emit(
      eventSubjects.products.productUpdated.subject,
      toBinary(
        ProductChangedSchema,
        create(ProductChangedSchema, { product: productMessage(productId, storefrontId, "Cup") }),
      ),
    );
    cache.keepProducts(before, [product("Mug")]);
    expect(cache.product(productId)).toBeUndefined();
  });

  it("serves and keeps nothing while the bus is away, and forgets what it held", async () => {
    const { cache, source } = await started();
    cache.keepStorefronts(cache.epoch(), [storefront()]);
    cache.keepProducts(cache.epoch(), [product()]);
    source.link(false);
    expect(cache.live).toBe(false);
    expect(cache.product(productId)).toBeUndefined();
    cache.keepStorefronts(cache.epoch(), [storefront()]);
    cache.keepProducts(cache.epoch(), [product()]);
    source.link(true);
    expect(cache.live).toBe(true);
    expect(cache.product(productId)).toBeUndefined();
    cache.keepStorefronts(cache.epoch(), [storefront()]);
    cache.keepProducts(cache.epoch(), [product()]);
    expect(cache.product(productId)?.title).toBe("Mug");
  });
});

describe("CatalogCache's whole answers", () => {
  const answer = (payload: string) => ({
    payload: Buffer.from(payload),
    contentType: "application/json; charset=utf-8",
  });

  async function started(ttlMs = 60_000): Promise<{ cache: CatalogCache; source: FakeSource }> {
    const cache = new CatalogCache({
      maxEntries: 100,
      ttlMs: 60_000,
      answerBytes: 1 << 20,
      answerTtlMs: ttlMs,
    });
    const source = new FakeSource();
    await cache.start(source);
    return { cache, source };
  }

  it("keeps none without room for them, and none before it has subscribed", async () => {
    const off = new CatalogCache({ maxEntries: 100, ttlMs: 60_000, answerBytes: 0 });
    await off.start(new FakeSource());
    expect(off.keepsAnswers).toBe(false);
    off.keepAnswer(off.epoch(), "k", answer("{}"));
    expect(off.answer("k")).toBeUndefined();
    const cold = new CatalogCache({ maxEntries: 100, ttlMs: 60_000, answerBytes: 1 << 20 });
    cold.keepAnswer(cold.epoch(), "k", answer("{}"));
    expect(cold.answer("k")).toBeUndefined();
  });

  it("forgets every answer on any product, storefront or category event, and keeps none begun before one", async () => {
    const { cache, source } = await started();
    const events: [string, Uint8Array][] = [
      [
        eventSubjects.products.productUpdated.subject,
        toBinary(
          ProductChangedSchema,
          create(ProductChangedSchema, { product: productMessage(uuidv7(), uuidv7(), "A") }),
        ),
      ],
      [
        eventSubjects.sellers.storefrontUpdated.subject,
        toBinary(
          StorefrontChangedSchema,
          create(StorefrontChangedSchema, { storefront: storefrontMessage(uuidv7()) }),
        ),
      ],
      [eventSubjects.products.categoryChanged.subject, new Uint8Array()],
    ];
    for (const [subject, payload] of events) {
      cache.keepAnswer(cache.epoch(), "list", answer('{"data":{}}'));
      expect(cache.answer("list")?.payload.toString()).toBe('{"data":{}}');
      const before = cache.epoch();
      await source.emit(subject, payload);
      expect(cache.answer("list")).toBeUndefined();
      cache.keepAnswer(before, "list", answer('{"data":{"old":true}}'));
      expect(cache.answer("list")).toBeUndefined();
    }
  });

  it("after its lifetime, lets one request compute an answer again while the others are sent the kept one, for three lifetimes at most", async () => {
    let now = 1_000_000;
    const cache = new CatalogCache({
      maxEntries: 100,
      ttlMs: 60_000,
      answerBytes: 1 << 20,
      answerTtlMs: 1_000,
      now: () => now,
    });
    const source = new FakeSource();
    await cache.start(source);
    cache.keepAnswer(cache.epoch(), "list", answer("old"));
    now += 999;
    expect(cache.answer("list")?.payload.toString()).toBe("old");
    now += 1;
    // The first request past the lifetime computes it again; the others meanwhile get the kept one.
    expect(cache.answer("list")).toBeUndefined();
    expect(cache.answer("list")?.payload.toString()).toBe("old");
    expect(cache.answer("list")?.payload.toString()).toBe("old");
    cache.keepAnswer(cache.epoch(), "list", answer("new"));
    now += 500;
    expect(cache.answer("list")?.payload.toString()).toBe("new");
    // A refresh that kept nothing within a lifetime (it failed) is handed to the next request.
    now += 500;
    expect(cache.answer("list")).toBeUndefined();
    now += 999;
    expect(cache.answer("list")?.payload.toString()).toBe("new");
    now += 1;
    expect(cache.answer("list")).toBeUndefined();
    expect(cache.answer("list")?.payload.toString()).toBe("new");
    // Three lifetimes old, it is nobody's any more.
    now += 1_000;
    expect(cache.answer("list")).toBeUndefined();
    expect(cache.answer("list")).toBeUndefined();
    // An event forgets a stale answer too.
    cache.keepAnswer(cache.epoch(), "list", answer("newer"));
    now += 1_500;
    expect(cache.answer("list")).toBeUndefined();
    expect(cache.answer("list")?.payload.toString()).toBe("newer");
    await source.emit(eventSubjects.products.categoryChanged.subject, new Uint8Array());
    expect(cache.answer("list")).toBeUndefined();
    expect(cache.answer("list")).toBeUndefined();
  });

  it("serves nothing while the bus is away, and lets an answer go after its lifetime", async () => {
    const { cache, source } = await started(40);
    cache.keepAnswer(cache.epoch(), "list", answer("{}"));
    source.link(false);
    expect(cache.answer("list")).toBeUndefined();
    source.link(true);
    expect(cache.answer("list")).toBeUndefined();
    cache.keepAnswer(cache.epoch(), "list", answer("{}"));
    expect(cache.answer("list")).toBeDefined();
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(cache.answer("list")).toBeUndefined();
  });
});

describe("readsOnlyCatalog", () => {
  it("accepts a query whose every root field reads the public catalog, and nothing else", () => {
    expect(
      readsOnlyCatalog(parse('{ products(query: "mug") { edges { node { id } } } __typename }'), undefined),
    ).toBe(true);
    expect(
      readsOnlyCatalog(
        parse("query P($id: ID!) { product(id: $id) { id } storefront(id: $id) { id } }"),
        "P",
      ),
    ).toBe(true);
    expect(readsOnlyCatalog(parse("{ products { edges { cursor } } me { id } }"), undefined)).toBe(false);
    expect(readsOnlyCatalog(parse("{ cart { lines { quantity } } }"), undefined)).toBe(false);
    expect(readsOnlyCatalog(parse("mutation { logout }"), undefined)).toBe(false);
    expect(
      readsOnlyCatalog(parse("{ ...Q } fragment Q on Query { products { edges { cursor } } }"), undefined),
    ).toBe(false);
    const two = parse("query A { categories { id } } query B { orders { edges { cursor } } }");
    expect(readsOnlyCatalog(two, "A")).toBe(true);
    expect(readsOnlyCatalog(two, "B")).toBe(false);
    expect(readsOnlyCatalog(two, undefined)).toBe(false);
    expect(readsOnlyCatalog(two, "C")).toBe(false);
  });
});

describe("graphqlAnswers", () => {
  const query = "{ products { edges { cursor } } }";
  const request = (body: Record<string, unknown>, headers: Record<string, string> = {}) =>
    ({
      method: "POST",
      headers,
      body,
      ctx: { caller: undefined, signal: new AbortController().signal },
    }) as unknown as FastifyRequest;
  const reply = () =>
    ({
      statusCode: 200,
      getHeader: () => "application/json; charset=utf-8",
      header() {
        return this;
      },
      send() {
        return this;
      },
    }) as unknown as FastifyReply;

  async function answering() {
    const cache = new CatalogCache({ maxEntries: 10, ttlMs: 60_000, answerBytes: 1 << 20 });
    await cache.start(new FakeSource());
    return { cache, answers: graphqlAnswers(cache) };
  }

  /** Runs a request through the hooks as the route does; true when the answer was kept. */
  function through(
    answers: ReturnType<typeof graphqlAnswers>,
    cache: CatalogCache,
    sent: FastifyRequest,
  ): boolean {
    expect(answers.serve(sent, reply())).toBe(false);
    answers.executing(sent, parse(query), undefined);
    answers.sent(sent, reply(), '{"data":{"products":{"edges":[]}}}');
    const key = answerKey(sent);
    return key !== undefined && cache.answer(key) !== undefined;
  }

  it("keeps a complete answer, and serves it to the next anonymous request", async () => {
    const { cache, answers } = await answering();
    expect(through(answers, cache, request({ query }))).toBe(true);
    expect(answers.serve(request({ query }), reply())).toBe(true);
  });

  it("keeps no answer marked partial, none whose client went away, none sent with a token", async () => {
    const { cache, answers } = await answering();
    const partial = request({ query });
    markAnswerPartial(partial.ctx);
    expect(through(answers, cache, partial)).toBe(false);
    const gone = request({ query });
    const controller = new AbortController();
    (gone.ctx as { signal: AbortSignal }).signal = controller.signal;
    controller.abort();
    expect(through(answers, cache, gone)).toBe(false);
    expect(answerKey(request({ query }, { authorization: "Bearer x" }))).toBeUndefined();
  });

  it("leaves a persisted query's registration to mercurius, and variables too deep for a key uncached", () => {
    const hash = { persistedQuery: { version: 1, sha256Hash: "a".repeat(64) } };
    expect(answerKey(request({ query, extensions: hash }))).toBeUndefined();
    expect(answerKey(request({ extensions: hash }))).toBeDefined();
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(answerKey(request({ query, variables: { deep } }))).toBeUndefined();
  });
});

// Two gateway replicas, each with its own NATS connection, in front of fake products and sellers
// services whose answers the test changes; events come through NATS as a service's relay sends them.
describe("the catalog cache in two gateway replicas over NATS", () => {
  let nats: NatsServer;
  let issuer: TestIssuer;
  let publisher: NatsEventBus;
  let productsServer: Listening;
  let sellersServer: Listening;
  const buses: NatsEventBus[] = [];
  const replicas: Gateway[] = [];
  let answering: Gateway | undefined;
  /** What the fake search finds, in order: the projection as it is now. */
  const searchable: string[] = [];
  const calls: RecordedCall[] = [];
  const record = callRecorder(calls);
  const products = new Map<string, Product>();
  const storefronts = new Map<string, Storefront>();

  const productsHandlers = {
    async getProduct(request, context) {
      record("getProduct", request, context);
      const product = products.get(request.id);
      if (!product || product.status !== ProductStatus.ACTIVE)
        throw new NotFound(`product ${request.id} not found`);
      return { product };
    },
    async searchProducts(request, context) {
      record("searchProducts", request, context);
      if (request.query === "boom") throw new NotFound("the search index is away");
      const hits = searchable.flatMap((id) => {
        const product = products.get(id);
        const storefront = product && storefronts.get(product.storefrontId);
        if (!product || !storefront) return [];
        const price = product.variants[0]?.price;
        return [
          create(ProductHitSchema, {
            productId: id,
            storefrontId: storefront.id,
            storefrontName: storefront.name,
            title: product.title,
            categoryId: product.categoryId,
            minPrice: price,
            maxPrice: price,
            inStock: true,
            relevance: 1,
          }),
        ];
      });
      return { hits, nextCursor: "", correctedQuery: "" };
    },
    async batchGetProducts(request, context) {
      record("batchGetProducts", request, context);
      return { products: request.ids.flatMap((id) => products.get(id) ?? []) };
    },
  } satisfies Partial<ServiceImpl<typeof ProductsService>>;
  const sellersHandlers = {
    async batchGetStorefronts(request, context) {
      const caller = record("batchGetStorefronts", request, context);
      return {
        storefronts: request.ids.flatMap((id) => {
          const found = storefronts.get(id);
          if (!found || found.status !== StorefrontStatus.ACTIVE) return [];
          return [{ ...found, followedByMe: caller !== undefined }];
        }),
      };
    },
  } satisfies Partial<ServiceImpl<typeof SellersService>>;

  beforeAll(async () => {
    nats = await startNatsServer();
    issuer = await createTestIssuer();
    const authenticate = issuerAuthenticator(issuer);
    productsServer = await startFakeService(ProductsService, productsHandlers, authenticate);
    sellersServer = await startFakeService(SellersService, sellersHandlers, authenticate);
    publisher = await NatsEventBus.connect({ url: nats.url, name: "products" });
    const replica = async (name: string, env: Record<string, string>) => {
      const bus = await NatsEventBus.connect({ url: nats.url, name });
      buses.push(bus);
      const gateway = await createGateway({
        config: parseConfig(gatewayConfigSchema, { NODE_ENV: "test", SERVICE_TIMEOUT_MS: "2000", ...env }),
        services: [
          { name: "sellers", url: sellersServer.url },
          { name: "products", url: productsServer.url },
        ],
        modules: [sellersGatewayModule(), productsGatewayModule()],
        logger: createLogger({ service: "gateway", level: "silent" }),
        authenticate,
        events: bus,
      });
      await gateway.app.ready();
      return gateway;
    };
    // Two replicas test the document layer alone; a third keeps whole answers too (ADR 0052).
    for (let i = 0; i < 2; i++) replicas.push(await replica(`gateway-${i}`, { ANSWER_CACHE_BYTES: "0" }));
    answering = await replica("gateway-answers", { ANSWER_CACHE_TTL_MS: "60000" });
  });

  afterAll(async () => {
    for (const gateway of [...replicas, answering]) await gateway?.app.close();
    for (const bus of [...buses, publisher]) await bus?.close();
    await productsServer?.close();
    await sellersServer?.close();
    await issuer?.close();
    await nats?.dispose();
  });

  beforeEach(() => {
    calls.length = 0;
  });

  const page = `query Page($id: ID!) { product(id: $id) { id title storefront { id name followedByMe } } }`;
  const read = async (replica: Gateway, id: string, headers: Record<string, string> = {}) => {
    const answer = await replica.app.inject({
      method: "POST",
      url: "/graphql",
      payload: { query: page, variables: { id } },
      headers,
    });
    expect(answer.statusCode).toBe(200);
    return answer.json() as {
      data: { product: { title: string; storefront: { followedByMe: boolean } | null } | null };
    };
  };
  const callsTo = (method: string) => calls.filter((call) => call.method === method).length;
  const listed = (title: string) => {
    const storefront = storefrontMessage(uuidv7());
    storefronts.set(storefront.id, storefront);
    const product = productMessage(uuidv7(), storefront.id, title);
    products.set(product.id, product);
    return { product, storefront };
  };
  const publishProduct = (product: Product) =>
    publisher.publish(
      eventEnvelope(
        eventSubjects.products.productUpdated.subject,
        ProductChangedSchema,
        create(ProductChangedSchema, { product }),
      ),
    );

  it("answers a product page again from the cache: the services are asked once per replica", async () => {
    const { product } = listed("Teapot");
    for (const replica of replicas) {
      expect((await read(replica, product.id)).data.product?.title).toBe("Teapot");
      expect((await read(replica, product.id)).data.product?.title).toBe("Teapot");
    }
    expect(callsTo("getProduct")).toBe(2);
    expect(callsTo("batchGetStorefronts")).toBe(2);
    // Through REST as well.
    const rest = await replicas[0]?.app.inject({ method: "GET", url: `/api/v1/products/${product.id}` });
    expect(rest?.statusCode).toBe(200);
    expect(callsTo("getProduct")).toBe(2);
  });

  it("shows an edit on every replica once its event arrives, and never the old document after it", async () => {
    const { product } = listed("Kettle");
    for (const replica of replicas) await read(replica, product.id);
    const edited = { ...product, title: "Kettle, steel" } as Product;
    products.set(product.id, edited);
    await publishProduct(edited);
    for (const replica of replicas)
      await waitFor(async () => (await read(replica, product.id)).data.product?.title === "Kettle, steel", {
        timeoutMs: 5_000,
      });
    for (let i = 0; i < 10; i++)
      for (const replica of replicas)
        expect((await read(replica, product.id)).data.product?.title).toBe("Kettle, steel");
  });

  it("asks the services again once a storefront changed, and hides a product made a draft", async () => {
    const { product, storefront } = listed("Jug");
    await read(replicas[0] as Gateway, product.id);
    const suspended = { ...storefront, status: StorefrontStatus.SUSPENDED } as Storefront;
    storefronts.set(storefront.id, suspended);
    await publisher.publish(
      eventEnvelope(
        eventSubjects.sellers.storefrontUpdated.subject,
        StorefrontChangedSchema,
        create(StorefrontChangedSchema, { storefront: suspended }),
      ),
    );
    await waitFor(
      async () => (await read(replicas[0] as Gateway, product.id)).data.product?.storefront === null,
      { timeoutMs: 5_000 },
    );
    const asked = callsTo("getProduct");
    await read(replicas[0] as Gateway, product.id);
    expect(callsTo("getProduct")).toBe(asked + 1);

    const { product: other } = listed("Bowl");
    await read(replicas[1] as Gateway, other.id);
    const draft = { ...other, status: ProductStatus.DRAFT } as Product;
    products.set(other.id, draft);
    await publishProduct(draft);
    await waitFor(async () => (await read(replicas[1] as Gateway, other.id)).data.product === null, {
      timeoutMs: 5_000,
    });
  });

  it("answers a signed-in buyer's storefront from the sellers service (followedByMe is theirs), and keeps nothing a seller is answered", async () => {
    const { product } = listed("Plate");
    await read(replicas[0] as Gateway, product.id);
    const buyer = await signedIn(issuer, { roles: ["buyer"] });
    const before = callsTo("batchGetStorefronts");
    const answer = await read(replicas[0] as Gateway, product.id, buyer.headers);
    expect(answer.data.product?.storefront?.followedByMe).toBe(true);
    expect(callsTo("batchGetStorefronts")).toBe(before + 1);

    const { product: sellers } = listed("Saucer");
    const seller = await signedIn(issuer, { roles: ["seller"] });
    await read(replicas[1] as Gateway, sellers.id, seller.headers);
    await read(replicas[1] as Gateway, sellers.id, seller.headers);
    expect(
      calls.filter((call) => call.method === "getProduct" && call.request.id === sellers.id),
    ).toHaveLength(2);
  });

  const list = `query List($q: String) { products(query: $q) { edges { node { id title product { title variants { sku } } } } } }`;
  const readList = async (q: string, headers: Record<string, string> = {}) => {
    const answer = await (answering as Gateway).app.inject({
      method: "POST",
      url: "/graphql",
      payload: { query: list, variables: { q } },
      headers,
    });
    expect(answer.statusCode).toBe(200);
    return answer;
  };
  const titles = (answer: { json(): unknown }) =>
    (
      answer.json() as {
        data: { products: { edges: { node: { title: string; product: { title: string } } }[] } };
      }
    ).data.products.edges.map((edge) => `${edge.node.title}/${edge.node.product.title}`);

  it("answers the same anonymous list again as it was sent, without asking the services; a signed-in caller's every time", async () => {
    const { product } = listed("Vase");
    searchable.splice(0, searchable.length, product.id);
    const first = await readList("vase");
    expect(titles(first)).toEqual(["Vase/Vase"]);
    const again = await readList("vase");
    expect(again.body).toBe(first.body);
    expect(again.headers["content-type"]).toBe(first.headers["content-type"]);
    expect(callsTo("searchProducts")).toBe(1);
    // Other variables are another answer.
    await readList("vases");
    expect(callsTo("searchProducts")).toBe(2);

    const buyer = await signedIn(issuer, { roles: ["buyer"] });
    await readList("vase", buyer.headers);
    await readList("vase", buyer.headers);
    expect(callsTo("searchProducts")).toBe(4);
    // A refused token is answered as anonymous, but not from what anyone else was sent.
    await readList("vase", { authorization: "Bearer not-a-token" });
    expect(callsTo("searchProducts")).toBe(5);

    // By GET as well, where the HTTP cache's ETag still answers 304 to a client holding it.
    const url = `/graphql?query=${encodeURIComponent(list)}&variables=${encodeURIComponent('{"q":"vase"}')}`;
    const got = await (answering as Gateway).app.inject({ method: "GET", url });
    const kept = await (answering as Gateway).app.inject({ method: "GET", url });
    expect(kept.body).toBe(got.body);
    expect(kept.headers.etag).toBe(got.headers.etag);
    expect(callsTo("searchProducts")).toBe(6);
    const unchanged = await (answering as Gateway).app.inject({
      method: "GET",
      url,
      headers: { "if-none-match": String(got.headers.etag) },
    });
    expect(unchanged.statusCode).toBe(304);
    expect(callsTo("searchProducts")).toBe(6);
  });

  it("shows an edit in a kept list once its event arrives, and never the old answer after it", async () => {
    const { product } = listed("Lamp");
    searchable.splice(0, searchable.length, product.id);
    expect(titles(await readList("lamp"))).toEqual(["Lamp/Lamp"]);
    const edited = { ...product, title: "Lamp, brass" } as Product;
    products.set(product.id, edited);
    await publishProduct(edited);
    await waitFor(async () => titles(await readList("lamp"))[0] === "Lamp, brass/Lamp, brass", {
      timeoutMs: 5_000,
    });
    for (let i = 0; i < 10; i++) expect(titles(await readList("lamp"))).toEqual(["Lamp, brass/Lamp, brass"]);
  });

  it("keeps no answer with errors, and none of a query that reads more than the catalog", async () => {
    for (let i = 0; i < 2; i++) {
      const failed = await readList("boom");
      expect((failed.json() as { errors?: unknown[] }).errors).toHaveLength(1);
    }
    expect(callsTo("searchProducts")).toBe(2);
    const mixed = `{ products(query: "mixed") { edges { cursor } } health { status } }`;
    for (let i = 0; i < 2; i++) {
      const answer = await (answering as Gateway).app.inject({
        method: "POST",
        url: "/graphql",
        payload: { query: mixed },
      });
      expect(answer.statusCode).toBe(200);
    }
    expect(callsTo("searchProducts")).toBe(4);
  });

  // Last: it stops the private NATS server.
  it("while NATS is stopped, answers every read from the services, and caches again once it is back", async () => {
    const { product } = listed("Tray");
    const replica = replicas[0] as Gateway;
    const cache = catalogCacheOf(replica.services);
    await read(replica, product.id);
    await read(replica, product.id);
    const asked = () =>
      calls.filter((call) => call.method === "getProduct" && call.request.id === product.id).length;
    expect(asked()).toBe(1);
    await nats.stop();
    await waitFor(() => cache?.live === false, { timeoutMs: 10_000 });
    await read(replica, product.id);
    await read(replica, product.id);
    expect(asked()).toBe(3);
    await nats.start();
    await waitFor(() => cache?.live === true, { timeoutMs: 20_000 });
    await read(replica, product.id);
    await read(replica, product.id);
    expect(asked()).toBe(4);
  });
});
