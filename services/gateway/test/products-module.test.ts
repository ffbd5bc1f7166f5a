import { timestampNow } from "@bufbuild/protobuf/wkt";
import type { ServiceImpl } from "@connectrpc/connect";
import {
  type Category,
  CategoryStatus,
  type Product,
  ProductStatus,
  ProductsService,
  SearchSort,
  type Variant,
} from "@mercato/contracts/mercato/products/v1/products_pb";
import { SellersService, StorefrontStatus } from "@mercato/contracts/mercato/sellers/v1/sellers_pb";
import {
  InvalidArgument,
  type Listening,
  NotFound,
  PermissionDenied,
  Unauthenticated,
} from "@mercato/platform";
import { createTestIssuer, type TestIssuer } from "@mercato/platform/auth/test-keys";
import { v7 as uuidv7 } from "uuid";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Gateway } from "../src/app.js";
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
  type User,
} from "./module-harness.js";

const eur = (amountMinor: number) => ({ amountMinor, currency: "EUR" });

describe("products gateway module in front of products and sellers services", () => {
  let issuer: TestIssuer;
  let sellersServer: Listening;
  let productsServer: Listening;
  let gateway: Gateway;
  const calls: RecordedCall[] = [];
  const record = callRecorder(calls);
  const callsTo = (method: string) => calls.filter((c) => c.method === method);

  // Three storefronts, each owned by one seller; products spread over them.
  const sellerIds = [uuidv7(), uuidv7(), uuidv7()];
  const storefrontIds = [uuidv7(), uuidv7(), uuidv7()];
  const storefrontOf = (ownerId: string) => storefrontIds[sellerIds.indexOf(ownerId)];

  const now = timestampNow();
  const clothing = uuidv7();
  const shirts = uuidv7();
  const tees = uuidv7();
  const retired = uuidv7();
  const category = (id: string, name: string, ancestors: string[], status = CategoryStatus.ACTIVE) =>
    ({
      id,
      parentId: ancestors.at(-1) ?? "",
      name,
      slug: name.toLowerCase(),
      position: 0,
      status,
      depth: ancestors.length,
      ancestorIds: ancestors,
      createdAt: now,
      updatedAt: now,
    }) as unknown as Category;
  const categories = [
    category(clothing, "Clothing", []),
    category(shirts, "Shirts", [clothing]),
    category(tees, "Tees", [clothing, shirts]),
    category(retired, "Retired", [], CategoryStatus.ARCHIVED),
  ];
  const products = new Map<string, Product>();

  const sellersHandlers = {
    async batchGetStorefronts(request, context) {
      record("batchGetStorefronts", request, context);
      return {
        storefronts: request.ids
          .filter((id) => storefrontIds.includes(id))
          .map((id) => ({
            id,
            ownerId: sellerIds[storefrontIds.indexOf(id)] ?? "",
            name: `Shop ${storefrontIds.indexOf(id)}`,
            slug: `shop-${storefrontIds.indexOf(id)}`,
            status: StorefrontStatus.ACTIVE,
            followerCount: 2n,
            createdAt: now,
            updatedAt: now,
          })),
      };
    },
  } satisfies Partial<ServiceImpl<typeof SellersService>>;

  // Media the fake products service has seen become ready; like the real one (ADR 0041) it
  // refuses any other id a change adds, naming its index.
  const readyMedia = new Set<string>();
  const mediaReady = () => {
    const id = uuidv7();
    readyMedia.add(id);
    return id;
  };
  const checkMedia = (ids: readonly string[], kept: readonly string[] = []) => {
    const violations = ids.flatMap((id, i) =>
      readyMedia.has(id) || kept.includes(id)
        ? []
        : [
            {
              field: `media_ids[${i}]`,
              message: `media ${id} is not a ready product image or video of yours`,
            },
          ],
    );
    if (violations.length > 0) throw new InvalidArgument("media_ids: not ready", violations);
  };

  const findProduct = (id: string) => {
    const product = products.get(id);
    if (!product) throw new NotFound(`product ${id} not found`);
    return product;
  };
  const mayChange = (product: Product, callerId: string | undefined) => {
    if (!callerId) throw new Unauthenticated("sign in first");
    if (storefrontOf(callerId) !== product.storefrontId) throw new PermissionDenied("not your product");
  };
  const variantOf = (productId: string, input: Record<string, unknown>, position: number) =>
    ({ ...input, id: uuidv7(), productId, position, createdAt: now, updatedAt: now }) as unknown as Variant;
  const variantOwner = (variantId: string) => {
    for (const product of products.values()) {
      if (product.variants.some((v) => v.id === variantId)) return product;
    }
    throw new NotFound(`variant ${variantId} not found`);
  };

  const productsHandlers = {
    async listCategories(request, context) {
      record("listCategories", request, context);
      return {
        categories: categories.filter((c) => request.includeArchived || c.status === CategoryStatus.ACTIVE),
      };
    },
    async getCategory(request, context) {
      record("getCategory", request, context);
      const found = categories.find((c) =>
        request.key.case === "id" ? c.id === request.key.value : c.slug === request.key.value,
      );
      if (!found) throw new NotFound("category not found");
      return {
        category: found,
        breadcrumbs: categories.filter((c) => found.ancestorIds.includes(c.id)),
        children: categories.filter((c) => c.parentId === found.id),
      };
    },
    async createCategory(request, context) {
      const caller = record("createCategory", request, context);
      if (!caller?.roles.includes("admin")) throw new PermissionDenied("admins only");
      return { category: category(uuidv7(), request.name, request.parentId ? [request.parentId] : []) };
    },
    async updateCategory(request, context) {
      const caller = record("updateCategory", request, context);
      if (!caller?.roles.includes("admin")) throw new PermissionDenied("admins only");
      const current = categories.find((c) => c.id === request.id);
      if (!current) throw new NotFound("category not found");
      return {
        category: {
          ...current,
          name: request.name ?? current.name,
          parentId: request.parentId ?? current.parentId,
          status: request.status ?? current.status,
        },
      };
    },
    async createProduct(request, context) {
      const caller = record("createProduct", request, context);
      const storefrontId = caller ? storefrontOf(caller.id) : undefined;
      if (!storefrontId) throw new PermissionDenied("open a storefront first");
      checkMedia(request.mediaIds);
      const id = uuidv7();
      const product = {
        ...request,
        id,
        storefrontId,
        status: request.status || ProductStatus.DRAFT,
        variants: request.variants.map((v, i) => variantOf(id, v as unknown as Record<string, unknown>, i)),
        version: 1n,
        createdAt: now,
        updatedAt: now,
      } as unknown as Product;
      products.set(id, product);
      return { product };
    },
    async updateProduct(request, context) {
      const caller = record("updateProduct", request, context);
      const product = findProduct(request.id);
      mayChange(product, caller?.id);
      if (request.replaceMediaIds) checkMedia(request.mediaIds, product.mediaIds);
      const changed = {
        ...product,
        title: request.title ?? product.title,
        status: request.status ?? product.status,
        ...(request.replaceAttributes ? { attributes: request.attributes } : {}),
        ...(request.replaceMediaIds ? { mediaIds: request.mediaIds } : {}),
        ...(request.replaceOptionNames ? { optionNames: request.optionNames } : {}),
      } as Product;
      products.set(changed.id, changed);
      return { product: changed };
    },
    async getProduct(request, context) {
      record("getProduct", request, context);
      return { product: findProduct(request.id) };
    },
    async batchGetProducts(request, context) {
      record("batchGetProducts", request, context);
      return { products: request.ids.flatMap((id) => (products.has(id) ? [findProduct(id)] : [])) };
    },
    async listStorefrontProducts(request, context) {
      record("listStorefrontProducts", request, context);
      const mine = [...products.values()].filter((p) => p.storefrontId === request.storefrontId);
      return {
        products: mine.slice(0, request.limit || 20),
        nextCursor: mine.length > (request.limit || 20) ? "more" : "",
      };
    },
    async addVariant(request, context) {
      const caller = record("addVariant", request, context);
      const product = findProduct(request.productId);
      mayChange(product, caller?.id);
      const variant = variantOf(
        product.id,
        request.variant as unknown as Record<string, unknown>,
        product.variants.length,
      );
      const changed = { ...product, variants: [...product.variants, variant] } as Product;
      products.set(changed.id, changed);
      return { variant, product: changed };
    },
    async updateVariant(request, context) {
      const caller = record("updateVariant", request, context);
      const product = variantOwner(request.id);
      mayChange(product, caller?.id);
      const variants = product.variants.map((v) =>
        v.id === request.id
          ? ({
              ...v,
              sku: request.sku ?? v.sku,
              ...(request.price ? { price: request.price } : {}),
              ...(request.clearCompareAtPrice ? { compareAtPrice: undefined } : {}),
              ...(request.compareAtPrice ? { compareAtPrice: request.compareAtPrice } : {}),
            } as Variant)
          : v,
      );
      const changed = { ...product, variants } as Product;
      products.set(changed.id, changed);
      return { variant: variants.find((v) => v.id === request.id), product: changed };
    },
    async deleteVariant(request, context) {
      const caller = record("deleteVariant", request, context);
      const product = variantOwner(request.id);
      mayChange(product, caller?.id);
      const changed = {
        ...product,
        variants: product.variants.filter((v) => v.id !== request.id),
      } as Product;
      products.set(changed.id, changed);
      return { product: changed };
    },
    async searchProducts(request, context) {
      record("searchProducts", request, context);
      const hits = [...products.values()]
        .filter((p) => p.status === ProductStatus.ACTIVE)
        .map((p, index) => ({
          productId: p.id,
          storefrontId: p.storefrontId,
          storefrontName: "Shop",
          title: p.title,
          categoryId: p.categoryId,
          mediaId: p.mediaIds[0] ?? "",
          minPrice: p.variants[0]?.price,
          maxPrice: p.variants.at(-1)?.price,
          inStock: true,
          ...(request.near ? { distanceMeters: 100 * (index + 1) } : {}),
          relevance: request.query ? 0.5 : 0,
          publishedAt: now,
        }));
      return {
        hits,
        nextCursor: "",
        correctedQuery: request.query === "tshrit" ? "tshirt" : "",
      };
    },
    async batchGetVariants() {
      return { variants: [] };
    },
  } satisfies ServiceImpl<typeof ProductsService>;

  beforeAll(async () => {
    issuer = await createTestIssuer();
    const authenticate = issuerAuthenticator(issuer);
    sellersServer = await startFakeService(SellersService, sellersHandlers, authenticate);
    productsServer = await startFakeService(ProductsService, productsHandlers, authenticate);
    gateway = await moduleGateway({
      services: [
        { name: "sellers", url: sellersServer.url },
        { name: "products", url: productsServer.url },
      ],
      modules: [sellersGatewayModule(), productsGatewayModule()],
      authenticate,
    });
  });

  afterAll(async () => {
    await gateway?.app.close();
    await productsServer?.close();
    await sellersServer?.close();
    await issuer?.close();
  });

  beforeEach(() => {
    calls.length = 0;
  });

  const signIn = (id: string = uuidv7(), roles: string[] = ["seller"]): Promise<User> =>
    signedIn(issuer, { id, roles });
  const seller = (index: number) => signIn(sellerIds[index]);

  const { rest, graphql } = injectors(() => gateway);

  const tee = {
    title: "Organic tee",
    description: "Soft cotton",
    categoryId: tees,
    attributes: { material: "cotton" },
    optionNames: ["size"],
    status: "active",
    variants: [
      { sku: "TEE-S", price: eur(1999), compareAtPrice: eur(2499), options: { size: "S" } },
      { sku: "TEE-M", price: eur(2199), options: { size: "M" } },
    ],
  };

  /** Lists a product through REST as seller `index`. */
  const list = async (index: number, overrides: Record<string, unknown> = {}) => {
    const response = await rest("POST", "/products", await seller(index), { ...tee, ...overrides });
    expect(response.statusCode).toBe(201);
    return response.json();
  };

  describe("REST", () => {
    it.each([
      ["POST", "/products", { nonsense: true }],
      ["PATCH", `/products/${uuidv7()}`, { title: "x" }],
      ["POST", `/products/${uuidv7()}/variants`, {}],
      ["PATCH", `/products/${uuidv7()}/variants/${uuidv7()}`, {}],
      ["DELETE", `/products/${uuidv7()}/variants/${uuidv7()}`, undefined],
      ["POST", "/categories", {}],
      ["PATCH", `/categories/${uuidv7()}`, {}],
    ] as const)(
      "answers %s %s without a token with 401 before calling a service",
      async (method, url, payload) => {
        const response = await rest(method, url, undefined, payload);
        expect(response.statusCode).toBe(401);
        expect(response.json().error.code).toBe("UNAUTHENTICATED");
        expect(calls).toEqual([]);
      },
    );

    it("lists a product with variants, money as minor units and options as a map, forwarding the token", async () => {
      const owner = await seller(0);
      const response = await rest("POST", "/products", owner, { ...tee, currency: undefined });
      expect(response.statusCode).toBe(201);
      expect(response.json()).toMatchObject({
        storefrontId: storefrontIds[0],
        title: "Organic tee",
        attributes: { material: "cotton" },
        status: "active",
        variants: [
          {
            sku: "TEE-S",
            price: { amountMinor: 1999, currency: "EUR", formatted: "€19.99" },
            compareAtPrice: { amountMinor: 2499, currency: "EUR" },
            options: { size: "S" },
          },
          { sku: "TEE-M", compareAtPrice: null, options: { size: "M" } },
        ],
        priceRange: { min: { amountMinor: 1999 }, max: { amountMinor: 2199 } },
      });
      const call = callsTo("createProduct")[0];
      expect(call?.token).toBe(owner.token);
      expect(call?.request).toMatchObject({ status: ProductStatus.ACTIVE });
      expect(call?.request.variants).toMatchObject([
        { price: { amountMinor: 1999n } },
        { price: { amountMinor: 2199n } },
      ]);
    });

    it.each([
      [
        { variants: [{ sku: "A", price: { amountMinor: 2 ** 53, currency: "EUR" } }] },
        "body.variants.0.price.amountMinor",
      ],
      [
        { variants: [{ sku: "A", price: { amountMinor: 10_000_000_001, currency: "EUR" } }] },
        "body.variants.0.price.amountMinor",
      ],
      [
        {
          variants: [
            { sku: "A", price: eur(1), compareAtPrice: { amountMinor: 10_000_000_001, currency: "EUR" } },
          ],
        },
        "body.variants.0.compareAtPrice.amountMinor",
      ],
      [
        { variants: [{ sku: "A", price: { amountMinor: -1, currency: "EUR" } }] },
        "body.variants.0.price.amountMinor",
      ],
      [
        { variants: [{ sku: "A", price: { amountMinor: 1.5, currency: "EUR" } }] },
        "body.variants.0.price.amountMinor",
      ],
      [{ variants: [{ sku: "has space", price: eur(1) }] }, "body.variants.0.sku"],
      [{ categoryId: "shirts" }, "body.categoryId"],
      [{ status: "archived" }, "body.status"],
      [{ title: "x" }, "body.title"],
    ])("answers 400 for %j naming %s before calling the service", async (change, field) => {
      const response = await rest("POST", "/products", await seller(0), { ...tee, ...change });
      expect(response.statusCode).toBe(400);
      expect(response.json().error.details).toEqual(
        expect.arrayContaining([expect.objectContaining({ field })]),
      );
      expect(calls).toEqual([]);
    });

    it("upper-cases a currency and names a service violation inside a variant under body", async () => {
      const response = await rest("POST", "/products", await seller(0), {
        ...tee,
        variants: [{ sku: "A", price: { amountMinor: 100, currency: "eur" }, options: { size: "S" } }],
      });
      expect(response.statusCode).toBe(201);
      expect(response.json().variants[0].price.currency).toBe("EUR");
      const bad = await rest("POST", "/products", await seller(0), {
        ...tee,
        mediaIds: [uuidv7()],
        variants: [{ sku: "A", price: { amountMinor: 100, currency: "EU1" } }],
      });
      expect(bad.statusCode).toBe(400);
      expect(bad.json().error.details).toEqual([
        expect.objectContaining({ field: "body.variants.0.price.currency" }),
      ]);
    });

    it("names a media id the products service refuses by its index, in REST and GraphQL", async () => {
      const ready = mediaReady();
      const unknown = uuidv7();
      const response = await rest("POST", "/products", await seller(0), {
        ...tee,
        mediaIds: [ready, unknown],
      });
      expect(response.statusCode).toBe(400);
      expect(response.json().error.details).toEqual([
        {
          field: "body.mediaIds[1]",
          message: `media ${unknown} is not a ready product image or video of yours`,
        },
      ]);
      const body = (
        await graphql(
          `mutation($ids: [ID!]) { createProduct(input: { title: "Hat", categoryId: "${tees}", mediaIds: $ids }) { id } }`,
          { ids: [ready, unknown] },
          await seller(0),
        )
      ).json();
      expect(body.errors[0].extensions).toMatchObject({
        code: "INVALID_ARGUMENT",
        details: [expect.objectContaining({ field: "input.mediaIds[1]" })],
      });
    });

    it("reads a product anonymously and answers 404 for an unknown one", async () => {
      const product = await list(1);
      const read = await rest("GET", `/products/${product.id}`);
      expect(read.statusCode).toBe(200);
      expect(read.json()).toEqual(product);
      expect((await rest("GET", `/products/${uuidv7()}`)).statusCode).toBe(404);
    });

    it("patches a product, replacing attributes, media ids and option names, and answers 403 to another seller", async () => {
      const product = await list(0);
      const media = mediaReady();
      const patched = await rest("PATCH", `/products/${product.id}`, await seller(0), {
        title: "Organic tee v2",
        attributes: { fit: "slim" },
        mediaIds: [media],
        optionNames: ["Size"],
        status: "archived",
      });
      expect(patched.statusCode).toBe(200);
      expect(patched.json()).toMatchObject({
        title: "Organic tee v2",
        attributes: { fit: "slim" },
        mediaIds: [media],
        status: "archived",
      });
      expect(callsTo("updateProduct")[0]?.request).toMatchObject({
        replaceAttributes: true,
        replaceMediaIds: true,
        replaceOptionNames: true,
        optionNames: ["Size"],
      });
      const repeated = await rest("PATCH", `/products/${product.id}`, await seller(0), {
        optionNames: ["a", "a"],
      });
      expect(repeated.statusCode).toBe(400);
      expect(repeated.body).toContain("optionNames");
      const denied = await rest("PATCH", `/products/${product.id}`, await seller(1), { title: "Stolen" });
      expect(denied.statusCode).toBe(403);
    });

    it("adds, changes and deletes a variant, clearing the compare-at price sent as null", async () => {
      const product = await list(0);
      const owner = await seller(0);
      const added = await rest("POST", `/products/${product.id}/variants`, owner, {
        sku: "TEE-L",
        price: eur(2399),
        compareAtPrice: eur(2999),
        options: { size: "L" },
      });
      expect(added.statusCode).toBe(201);
      const { variant } = added.json();
      expect(added.json().product.variants).toHaveLength(3);
      const changed = await rest("PATCH", `/products/${product.id}/variants/${variant.id}`, owner, {
        price: eur(2299),
        compareAtPrice: null,
      });
      expect(changed.statusCode).toBe(200);
      expect(changed.json().variant).toMatchObject({ price: { amountMinor: 2299 }, compareAtPrice: null });
      expect(callsTo("updateVariant")[0]?.request).toMatchObject({ clearCompareAtPrice: true });
      const deleted = await rest("DELETE", `/products/${product.id}/variants/${variant.id}`, owner);
      expect(deleted.statusCode).toBe(204);
      expect((await rest("GET", `/products/${product.id}`)).json().variants).toHaveLength(2);
    });

    it("answers 400 naming the field for a variant's new price above 100,000,000.00, before calling the service", async () => {
      const product = await list(0);
      calls.length = 0;
      const response = await rest(
        "PATCH",
        `/products/${product.id}/variants/${product.variants[0].id}`,
        await seller(0),
        {
          price: eur(10_000_000_001),
        },
      );
      expect(response.statusCode).toBe(400);
      expect(response.json().error.details).toEqual([
        expect.objectContaining({ field: "body.price.amountMinor" }),
      ]);
      expect(callsTo("updateVariant")).toEqual([]);
    });

    it("answers 404 for a variant addressed under another product, changing nothing", async () => {
      const mine = await list(0);
      const other = await list(0);
      const variantId = other.variants[0].id;
      const owner = await seller(0);
      const patch = await rest("PATCH", `/products/${mine.id}/variants/${variantId}`, owner, { sku: "X" });
      expect(patch.statusCode).toBe(404);
      const del = await rest("DELETE", `/products/${mine.id}/variants/${variantId}`, owner);
      expect(del.statusCode).toBe(404);
      expect(callsTo("updateVariant")).toEqual([]);
      expect(callsTo("deleteVariant")).toEqual([]);
    });

    it("answers 403 when another seller changes or deletes a variant", async () => {
      const product = await list(0);
      const variantId = product.variants[0].id;
      const intruder = await seller(2);
      const patch = await rest("PATCH", `/products/${product.id}/variants/${variantId}`, intruder, {
        sku: "X",
      });
      expect(patch.statusCode).toBe(403);
      const del = await rest("DELETE", `/products/${product.id}/variants/${variantId}`, intruder);
      expect(del.statusCode).toBe(403);
    });

    it("searches with every filter converted for the service and hits in the client's shape", async () => {
      await list(0);
      const response = await rest(
        "GET",
        `/products?query=tshrit&categoryId=${shirts}&minPrice=1000&maxPrice=5000&currency=eur&storefrontId=${storefrontIds[0]}&option=size:M&option=color:red&inStock=true&near=52.52,13.405&radius=10000&sort=price_asc&limit=10`,
      );
      expect(response.statusCode).toBe(200);
      const page = response.json();
      expect(page.correctedQuery).toBe("tshirt");
      expect(page.nextCursor).toBeNull();
      expect(page.items[0]).toMatchObject({
        storefrontId: storefrontIds[0],
        priceRange: { min: { amountMinor: 1999, formatted: "€19.99" } },
        distanceMeters: expect.any(Number),
        inStock: true,
      });
      expect(callsTo("searchProducts")[0]?.request).toMatchObject({
        query: "tshrit",
        categoryId: shirts,
        minPrice: 1000n,
        maxPrice: 5000n,
        currency: "EUR",
        options: [
          { name: "size", value: "M" },
          { name: "color", value: "red" },
        ],
        inStock: true,
        near: { point: { latitude: 52.52, longitude: 13.405 }, radiusMeters: 10_000 },
        sort: SearchSort.PRICE_ASC,
        limit: 10,
      });
    });

    it.each([
      ["minPrice=9007199254740992", "querystring.minPrice"],
      ["minPrice=-1", "querystring.minPrice"],
      ["minPrice=500&maxPrice=100", "querystring.maxPrice"],
      ["sort=distance", "querystring.sort"],
      ["sort=cheapest", "querystring.sort"],
      ["option=size", "querystring.option.0"],
      ["radius=10", "querystring.radius"],
      ["categoryId=shirts", "querystring.categoryId"],
      ["limit=0", "querystring.limit"],
    ])("answers 400 for ?%s naming %s before calling the service", async (qs, field) => {
      const response = await rest("GET", `/products?${qs}`);
      expect(response.statusCode).toBe(400);
      expect(response.json().error.details).toEqual(
        expect.arrayContaining([expect.objectContaining({ field })]),
      );
      expect(calls).toEqual([]);
    });

    it("pages a storefront's products", async () => {
      await list(2);
      const response = await rest("GET", `/sellers/${storefrontIds[2]}/products?limit=1&status=active`);
      expect(response.statusCode).toBe(200);
      expect(response.json().items).toHaveLength(1);
      expect(callsTo("listStorefrontProducts")[0]?.request).toMatchObject({
        storefrontId: storefrontIds[2],
        limit: 1,
        status: ProductStatus.ACTIVE,
      });
    });

    it("lists categories flat, reads one by slug with breadcrumbs and children", async () => {
      const all = (await rest("GET", "/categories")).json();
      expect(all.items.map((c: { name: string }) => c.name)).toEqual(["Clothing", "Shirts", "Tees"]);
      expect(all.items[1]).toMatchObject({ parentId: clothing, depth: 1, status: "active" });
      const withArchived = (await rest("GET", "/categories?includeArchived=true")).json();
      expect(withArchived.items).toHaveLength(4);
      const shirtsDetail = await rest("GET", "/categories/shirts");
      expect(shirtsDetail.statusCode).toBe(200);
      expect(shirtsDetail.json()).toMatchObject({
        id: shirts,
        breadcrumbs: [{ id: clothing }],
        children: [{ id: tees }],
      });
      expect(callsTo("getCategory")[0]?.request.key).toEqual({ case: "slug", value: "shirts" });
      expect((await rest("GET", `/categories/${shirts}`)).json().id).toBe(shirts);
    });

    it("lets an admin create and move a category to the root and refuses a seller with 403", async () => {
      const admin = await signIn(uuidv7(), ["admin"]);
      const created = await rest("POST", "/categories", admin, { name: "Hats", parentId: clothing });
      expect(created.statusCode).toBe(201);
      expect(created.json()).toMatchObject({ name: "Hats", parentId: clothing });
      const moved = await rest("PATCH", `/categories/${tees}`, admin, { parentId: null, status: "archived" });
      expect(moved.statusCode).toBe(200);
      expect(callsTo("updateCategory")[0]?.request).toMatchObject({
        parentId: "",
        status: CategoryStatus.ARCHIVED,
      });
      expect((await rest("POST", "/categories", await seller(0), { name: "Mine" })).statusCode).toBe(403);
    });

    it("answers 400 naming body.slug for a bad category slug", async () => {
      const admin = await signIn(uuidv7(), ["admin"]);
      const response = await rest("POST", "/categories", admin, { name: "Hats", slug: "Bad Slug" });
      expect(response.statusCode).toBe(400);
      expect(response.json().error.details).toEqual([expect.objectContaining({ field: "body.slug" })]);
    });

    it("documents every route with its tag, security where a caller is needed, and the error envelope", async () => {
      const paths = (
        gateway.app.swagger() as unknown as { paths: Record<string, Record<string, Record<string, unknown>>> }
      ).paths;
      const routes = Object.entries(paths)
        .filter(([path]) => /^\/api\/v1\/(products|categories|sellers\/\{id\}\/products)/.test(path))
        .flatMap(([path, methods]) =>
          Object.entries(methods).map(([method, operation]) => ({ path, method, operation })),
        );
      expect(routes.map((r) => `${r.method} ${r.path}`).sort()).toEqual([
        "delete /api/v1/products/{id}/variants/{variantId}",
        "get /api/v1/categories",
        "get /api/v1/categories/{idOrSlug}",
        "get /api/v1/products",
        "get /api/v1/products/{id}",
        "get /api/v1/sellers/{id}/products",
        "patch /api/v1/categories/{id}",
        "patch /api/v1/products/{id}",
        "patch /api/v1/products/{id}/variants/{variantId}",
        "post /api/v1/categories",
        "post /api/v1/products",
        "post /api/v1/products/{id}/variants",
      ]);
      for (const { method, path, operation } of routes) {
        expect(operation.tags).toEqual([path.includes("categories") ? "categories" : "products"]);
        if (method === "get") expect(operation.security).toBeUndefined();
        else expect(operation.security).toEqual([{ bearer: [] }]);
        expect(Object.keys(operation.responses as object)).toEqual(expect.arrayContaining(["4XX", "5XX"]));
      }
    });
  });

  describe("GraphQL", () => {
    const hitFields = `id title distanceMeters priceRange { min { amountMinor currency formatted } max { amountMinor } }
      storefront { id name followerCount } category { id name breadcrumbs { name } } product { id variants { sku } }`;

    it("searches with storefronts, categories and products of every hit loaded in one call per service", async () => {
      products.clear();
      for (const index of [0, 1, 2, 0, 1, 2]) await list(index);
      calls.length = 0;
      const body = (
        await graphql(
          `{ products(query: "tee", near: { lat: 52.52, lng: 13.405 }, first: 10) {
               correctedQuery edges { cursor distanceMeters node { ${hitFields} } } pageInfo { hasNextPage endCursor } } }`,
        )
      ).json();
      expect(body.errors).toBeUndefined();
      const edges = body.data.products.edges;
      expect(edges).toHaveLength(6);
      expect(
        new Set(edges.map((e: { node: { storefront: { id: string } } }) => e.node.storefront.id)),
      ).toEqual(new Set(storefrontIds));
      expect(edges[0].node).toMatchObject({
        priceRange: { min: { amountMinor: 1999, currency: "EUR", formatted: "€19.99" } },
        category: { id: tees, name: "Tees", breadcrumbs: [{ name: "Clothing" }, { name: "Shirts" }] },
        storefront: { followerCount: 2 },
        distanceMeters: 100,
      });
      expect(edges[0].distanceMeters).toBe(100);
      expect(body.data.products.correctedQuery).toBeNull();
      const batches = callsTo("batchGetStorefronts");
      expect(batches).toHaveLength(1);
      expect(batches[0]?.request.ids).toEqual(expect.arrayContaining(storefrontIds));
      expect(batches[0]?.request.ids).toHaveLength(3);
      expect(callsTo("listCategories")).toHaveLength(1);
      expect(callsTo("batchGetProducts")).toHaveLength(1);
      expect(callsTo("searchProducts")[0]?.request).toMatchObject({ near: { radiusMeters: 50_000 } });
    });

    it("answers search as an alias of products with the corrected query", async () => {
      await list(0);
      const body = (
        await graphql(
          '{ search(query: "tshrit", sort: PRICE_DESC) { correctedQuery edges { node { id } } } }',
        )
      ).json();
      expect(body.data.search.correctedQuery).toBe("tshirt");
      expect(callsTo("searchProducts")[0]?.request).toMatchObject({ sort: SearchSort.PRICE_DESC });
    });

    it.each([
      ["minPrice: 9007199254740992", "minPrice"],
      ["minPrice: -5", "minPrice"],
      ['minPrice: "ten"', "minPrice"],
      ["minPrice: 10, maxPrice: 5", "maxPrice"],
      ["sort: DISTANCE", "sort"],
      ["first: 101", "first"],
      ["near: { lat: 0, lng: 200 }", "near.lng"],
    ])("refuses products(%s) naming %s before calling the service", async (args, field) => {
      const body = (await graphql(`{ products(${args}) { edges { cursor } } }`)).json();
      expect(body.errors[0].extensions).toMatchObject({
        code: "INVALID_ARGUMENT",
        details: expect.arrayContaining([expect.objectContaining({ field })]),
      });
      expect(callsTo("searchProducts")).toEqual([]);
    });

    it("reads a product with variants, options as pairs, storefront and category", async () => {
      const product = await list(1);
      const body = (
        await graphql(
          `query($id: ID!) { product(id: $id) { id status attributes { name value } optionNames
              variants { sku price { amountMinor } compareAtPrice { amountMinor } options { name value } }
              priceRange { min { amountMinor } max { amountMinor } }
              storefront { id name } category { slug parent { slug } } } }`,
          { id: product.id },
        )
      ).json();
      expect(body.errors).toBeUndefined();
      expect(body.data.product).toEqual({
        id: product.id,
        status: "ACTIVE",
        attributes: [{ name: "material", value: "cotton" }],
        optionNames: ["size"],
        variants: [
          {
            sku: "TEE-S",
            price: { amountMinor: 1999 },
            compareAtPrice: { amountMinor: 2499 },
            options: [{ name: "size", value: "S" }],
          },
          {
            sku: "TEE-M",
            price: { amountMinor: 2199 },
            compareAtPrice: null,
            options: [{ name: "size", value: "M" }],
          },
        ],
        priceRange: { min: { amountMinor: 1999 }, max: { amountMinor: 2199 } },
        storefront: { id: storefrontIds[1], name: "Shop 1" },
        category: { slug: "tees", parent: { slug: "shirts" } },
      });
    });

    it("lists categories with children and breadcrumbs, and one category by slug", async () => {
      const list_ = (
        await graphql("{ categories { name parentId children { name } breadcrumbs { name } } }")
      ).json();
      expect(list_.data.categories).toEqual([
        { name: "Clothing", parentId: null, children: [{ name: "Shirts" }], breadcrumbs: [] },
        {
          name: "Shirts",
          parentId: clothing,
          children: [{ name: "Tees" }],
          breadcrumbs: [{ name: "Clothing" }],
        },
        {
          name: "Tees",
          parentId: shirts,
          children: [],
          breadcrumbs: [{ name: "Clothing" }, { name: "Shirts" }],
        },
      ]);
      const one = (
        await graphql('{ category(slug: "shirts") { id status breadcrumbs { id } children { id } } }')
      ).json();
      expect(one.data.category).toEqual({
        id: shirts,
        status: "ACTIVE",
        breadcrumbs: [{ id: clothing }],
        children: [{ id: tees }],
      });
      const neither = (await graphql("{ category { id } }")).json();
      expect(neither.errors[0].extensions).toMatchObject({
        code: "INVALID_ARGUMENT",
        details: [{ field: "id" }],
      });
    });

    it("creates and updates categories as an admin", async () => {
      const admin = await signIn(uuidv7(), ["admin"]);
      const created = (
        await graphql(
          `mutation { createCategory(input: { name: "Hats", parentId: "${clothing}" }) { name parentId } }`,
          {},
          admin,
        )
      ).json();
      expect(created.data.createCategory).toEqual({ name: "Hats", parentId: clothing });
      const updated = (
        await graphql(
          `mutation { updateCategory(id: "${tees}", input: { name: "T-Shirts", parentId: null }) { name parentId } }`,
          {},
          admin,
        )
      ).json();
      expect(updated.data.updateCategory).toEqual({ name: "T-Shirts", parentId: null });
      expect(callsTo("updateCategory")[0]?.request).toMatchObject({ name: "T-Shirts", parentId: "" });
    });

    it("creates a product, updates it and manages its variants as its seller", async () => {
      const owner = await seller(0);
      const created = (
        await graphql(
          `mutation($input: CreateProductInput!) { createProduct(input: $input) { id status variants { id sku } } }`,
          {
            input: {
              title: "Linen shirt",
              categoryId: shirts,
              attributes: [{ name: "material", value: "linen" }],
              optionNames: ["size"],
              variants: [
                {
                  sku: "LIN-M",
                  price: { amountMinor: 4900, currency: "eur" },
                  options: [{ name: "size", value: "M" }],
                },
              ],
            },
          },
          owner,
        )
      ).json();
      expect(created.errors).toBeUndefined();
      const product = created.data.createProduct;
      expect(product.status).toBe("DRAFT");
      expect(callsTo("createProduct")[0]?.request).toMatchObject({
        attributes: { material: "linen" },
        variants: [{ price: { amountMinor: 4900n, currency: "EUR" }, options: { size: "M" } }],
      });
      const updated = (
        await graphql(
          `mutation($id: ID!) { updateProduct(id: $id, input: { status: ACTIVE, title: "Linen shirt II" }) { title status } }`,
          { id: product.id },
          owner,
        )
      ).json();
      expect(updated.data.updateProduct).toEqual({ title: "Linen shirt II", status: "ACTIVE" });
      const added = (
        await graphql(
          `mutation($id: ID!) { addVariant(productId: $id, input: { sku: "LIN-L", price: { amountMinor: 5100, currency: "EUR" }, options: [{ name: "size", value: "L" }] }) { variant { id sku } product { variants { sku } } } }`,
          { id: product.id },
          owner,
        )
      ).json();
      expect(added.data.addVariant.product.variants).toEqual([{ sku: "LIN-M" }, { sku: "LIN-L" }]);
      const variantId = added.data.addVariant.variant.id;
      const changed = (
        await graphql(
          `mutation($id: ID!) { updateVariant(id: $id, input: { price: { amountMinor: 5000, currency: "EUR" }, compareAtPrice: null }) { variant { price { amountMinor } } } }`,
          { id: variantId },
          owner,
        )
      ).json();
      expect(changed.data.updateVariant.variant.price.amountMinor).toBe(5000);
      expect(callsTo("updateVariant")[0]?.request).toMatchObject({ clearCompareAtPrice: true });
      const deleted = (
        await graphql(
          `mutation($id: ID!) { deleteVariant(id: $id) { variants { sku } } }`,
          { id: variantId },
          owner,
        )
      ).json();
      expect(deleted.data.deleteVariant.variants).toEqual([{ sku: "LIN-M" }]);
      expect(calls.filter((c) => c.method !== "getProduct").every((c) => c.token === owner.token)).toBe(true);
    });

    it.each([
      [
        'variants: [{ sku: "A", price: { amountMinor: 9007199254740992, currency: "EUR" } }]',
        "input.variants[0].price.amountMinor",
      ],
      [
        'variants: [{ sku: "A", price: { amountMinor: 10000000001, currency: "EUR" } }]',
        "input.variants[0].price.amountMinor",
      ],
      [
        'variants: [{ sku: "A", price: { amountMinor: 1, currency: "EUR" }, compareAtPrice: { amountMinor: -1, currency: "EUR" } }]',
        "input.variants[0].compareAtPrice.amountMinor",
      ],
      [
        'variants: [{ sku: "A", price: { amountMinor: 1, currency: "EUR" }, options: [{ name: "size", value: "S" }, { name: "size", value: "M" }] }]',
        "input.variants[0].options[1].name",
      ],
      ['attributes: [{ name: "a", value: "1" }, { name: "a", value: "2" }]', "input.attributes[1].name"],
    ])("refuses createProduct(%s) naming %s before calling the service", async (extra, field) => {
      const body = (
        await graphql(
          `mutation { createProduct(input: { title: "Hat", categoryId: "${tees}", ${extra} }) { id } }`,
          {},
          await seller(0),
        )
      ).json();
      expect(body.errors[0].extensions).toMatchObject({
        code: "INVALID_ARGUMENT",
        details: [expect.objectContaining({ field })],
      });
      expect(callsTo("createProduct")).toEqual([]);
    });

    it("names a service violation of a product under input and answers another seller PERMISSION_DENIED", async () => {
      const body = (
        await graphql(
          `mutation { createProduct(input: { title: "Hat", categoryId: "${tees}", mediaIds: ["nope"] }) { id } }`,
          {},
          await seller(0),
        )
      ).json();
      expect(body.errors[0].extensions.details).toEqual([
        expect.objectContaining({ field: "input.mediaIds[0]" }),
      ]);
      const product = await list(0);
      const denied = (
        await graphql(
          `mutation($id: ID!) { updateProduct(id: $id, input: { title: "Mine" }) { id } }`,
          { id: product.id },
          await seller(1),
        )
      ).json();
      expect(denied.errors[0].extensions.code).toBe("PERMISSION_DENIED");
    });

    it("refuses every mutation without a token with UNAUTHENTICATED and calls nothing", async () => {
      const id = uuidv7();
      for (const mutation of [
        `mutation { createCategory(input: { name: "x" }) { id } }`,
        `mutation { updateCategory(id: "${id}", input: { name: "x" }) { id } }`,
        `mutation { createProduct(input: { title: "xx", categoryId: "${id}" }) { id } }`,
        `mutation { updateProduct(id: "${id}", input: { title: "xx" }) { id } }`,
        `mutation { addVariant(productId: "${id}", input: { sku: "A", price: { amountMinor: 1, currency: "EUR" } }) { variant { id } } }`,
        `mutation { updateVariant(id: "${id}", input: { sku: "B" }) { variant { id } } }`,
        `mutation { deleteVariant(id: "${id}") { id } }`,
      ]) {
        expect((await graphql(mutation)).json().errors[0].extensions.code, mutation).toBe("UNAUTHENTICATED");
      }
      expect(calls).toEqual([]);
    });

    it("pages a storefront's products through Storefront.products", async () => {
      await list(2);
      const product = await list(2);
      const nested = (
        await graphql(
          `query($id: ID!) { product(id: $id) { storefront { products(first: 1, status: ACTIVE) { edges { cursor node { id } } pageInfo { hasNextPage endCursor } } } } }`,
          { id: product.id },
        )
      ).json();
      expect(nested.errors).toBeUndefined();
      expect(nested.data.product.storefront.products).toEqual({
        edges: [{ cursor: "more", node: { id: expect.any(String) } }],
        pageInfo: { hasNextPage: true, endCursor: "more" },
      });
      expect(callsTo("listStorefrontProducts")[0]?.request).toMatchObject({
        storefrontId: storefrontIds[2],
        limit: 1,
        status: ProductStatus.ACTIVE,
      });
    });
  });
});
