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
import { v7 as uuidv7 } from "uuid";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createGateway, type Gateway } from "../src/app.js";
import { CatalogCache, catalogCacheOf } from "../src/catalog-cache.js";
import { gatewayConfigSchema } from "../src/config.js";
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
    for (let i = 0; i < 2; i++) {
      const bus = await NatsEventBus.connect({ url: nats.url, name: `gateway-${i}` });
      buses.push(bus);
      const gateway = await createGateway({
        config: parseConfig(gatewayConfigSchema, { NODE_ENV: "test", SERVICE_TIMEOUT_MS: "2000" }),
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
      replicas.push(gateway);
    }
  });

  afterAll(async () => {
    for (const gateway of replicas) await gateway.app.close();
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
