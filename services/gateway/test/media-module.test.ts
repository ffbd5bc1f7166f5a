import type { MessageInitShape } from "@bufbuild/protobuf";
import { timestampFromMs, timestampNow } from "@bufbuild/protobuf/wkt";
import { InventoryService } from "@mercato/contracts/mercato/inventory/v1/inventory_pb";
import {
  ImageFormat,
  ImageSize,
  MediaKind,
  type MediaSchema,
  MediaService,
  MediaStatus,
  Purpose,
} from "@mercato/contracts/mercato/media/v1/media_pb";
import { OrdersService } from "@mercato/contracts/mercato/orders/v1/orders_pb";
import { ProductStatus, ProductsService } from "@mercato/contracts/mercato/products/v1/products_pb";
import { SellersService, StorefrontStatus } from "@mercato/contracts/mercato/sellers/v1/sellers_pb";
import { UsersService } from "@mercato/contracts/mercato/users/v1/users_pb";
import { FailedPrecondition, type Listening, NotFound } from "@mercato/platform";
import { createTestIssuer, type TestIssuer } from "@mercato/platform/auth/test-keys";
import { freePort } from "@mercato/testing";
import { v7 as uuidv7 } from "uuid";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Gateway } from "../src/app.js";
import { mediaGatewayModule } from "../src/modules/media/index.js";
import { mediaWaitMs } from "../src/modules/media/media-loaders.js";
import { ordersGatewayModule } from "../src/modules/orders/index.js";
import { productsGatewayModule } from "../src/modules/products/index.js";
import { sellersGatewayModule } from "../src/modules/sellers/index.js";
import { usersGatewayModule } from "../src/modules/users/index.js";
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

const eur = (amount: number) => ({ amountMinor: BigInt(amount), currency: "EUR" });
const sizes = [
  ImageSize.THUMBNAIL_SMALL,
  ImageSize.THUMBNAIL_LARGE,
  ImageSize.MAIN_MOBILE,
  ImageSize.MAIN_TABLET,
  ImageSize.MAIN_DESKTOP,
  ImageSize.MAIN_LARGE_RETINA,
];
const sizeName = (size: ImageSize) => ImageSize[size].toLowerCase();
const formatName = (format: ImageFormat) => ImageFormat[format].toLowerCase();
const urlOf = (id: string, size: string, format: string) => `https://cdn.test/${id}/${size}.${format}?sig=x`;

/** A ready image with its twelve renditions, as the media service answers it. */
function readyImage(id: string, ownerId = ""): MessageInitShape<typeof MediaSchema> {
  return {
    id,
    ownerId,
    purpose: Purpose.PRODUCT,
    kind: MediaKind.IMAGE,
    status: MediaStatus.READY,
    progress: 100,
    contentType: "image/jpeg",
    byteSize: 123_456n,
    width: 1600,
    height: 1200,
    placeholder: "LEHV6nWB2yk8pyo0adR*.7kCMdnj",
    dominantColor: "#a0b0c0",
    renditions: sizes.flatMap((size) =>
      [ImageFormat.AVIF, ImageFormat.WEBP].map((format) => ({
        size,
        format,
        width: 100 * size,
        height: 75 * size,
        byteSize: 1000n,
        url: urlOf(id, sizeName(size), formatName(format)),
      })),
    ),
    createdAt: timestampFromMs(Date.UTC(2026, 0, 1)),
    updatedAt: timestampFromMs(Date.UTC(2026, 0, 2)),
  };
}

describe("media gateway module: uploads, the caller's media, and pictures hydrated into the catalog", () => {
  let issuer: TestIssuer;
  const servers: Listening[] = [];
  let gateway: Gateway;
  /** The same modules in front of a media service that is not there. */
  let withoutMedia: Gateway;
  /** The same modules in front of a media service that never answers. */
  let hungMedia: Gateway;
  const hung = new AbortController();
  const mediaCalls: RecordedCall[] = [];

  // Ready media: two of the product (a pending one between them), the hits', the storefront's
  // logo, the avatar, and the image an order line was bought with (no longer the product's).
  const [first, pending, second, hitImage, logo, avatar, asBought] = [
    uuidv7(),
    uuidv7(),
    uuidv7(),
    uuidv7(),
    uuidv7(),
    uuidv7(),
    uuidv7(),
  ];
  const ready = new Set([first, second, hitImage, logo, avatar, asBought]);
  /** A media a product still shows: deleting it is refused. */
  const shown = first;
  const productId = uuidv7();
  const shopId = uuidv7();
  const orderId = uuidv7();
  const unknown = uuidv7();
  const [cartVariant, otherVariant] = [uuidv7(), uuidv7()];
  const owner = uuidv7();

  const { rest, graphql } = injectors(() => gateway);
  const degraded = injectors(() => withoutMedia);
  const gql = async (query: string, variables: Record<string, unknown> = {}, user?: User) =>
    (await graphql(query, variables, user)).json();

  const product = () => ({
    id: productId,
    storefrontId: shopId,
    title: "Blue mug",
    description: "Stoneware",
    categoryId: uuidv7(),
    mediaIds: [first, pending, second],
    // A seller's attributes are text, whatever their names.
    attributes: { mediaId: second, coverMediaId: "blue" },
    status: ProductStatus.ACTIVE,
    variants: [{ id: uuidv7(), productId, sku: "MUG-1", price: eur(1200), position: 0 }],
    createdAt: timestampNow(),
    updatedAt: timestampNow(),
  });
  const hit = (mediaId: string) => ({
    productId: uuidv7(),
    storefrontId: shopId,
    storefrontName: "Blue Pottery",
    title: "A hit",
    categoryId: uuidv7(),
    mediaId,
    minPrice: eur(900),
    maxPrice: eur(1200),
    inStock: true,
    relevance: 0,
    publishedAt: timestampNow(),
  });

  beforeAll(async () => {
    issuer = await createTestIssuer();
    const authenticate = issuerAuthenticator(issuer);
    const record = callRecorder(mediaCalls);
    const pendingMedia = (id: string, ownerId: string) => ({
      id,
      ownerId,
      purpose: Purpose.PRODUCT,
      status: MediaStatus.PENDING_UPLOAD,
      byteSize: 0n,
      createdAt: timestampNow(),
      updatedAt: timestampNow(),
    });
    servers.push(
      await startFakeService(
        MediaService,
        {
          async createUpload(request, context) {
            const caller = record("createUpload", request, context);
            return {
              media: { ...pendingMedia(uuidv7(), caller?.id ?? ""), purpose: request.purpose },
              uploadUrl: "https://storage.test/uploads/abc?X-Signature=1",
              uploadHeaders: {
                "content-type": request.contentType,
                "content-length": String(request.byteSize),
              },
              expiresAt: timestampFromMs(Date.UTC(2026, 0, 1, 0, 15)),
            };
          },
          async completeUpload(request, context) {
            const caller = record("completeUpload", request, context);
            if (request.mediaId === unknown) throw new NotFound(`media ${request.mediaId} not found`);
            return {
              media: { ...pendingMedia(request.mediaId, caller?.id ?? ""), status: MediaStatus.PROCESSING },
            };
          },
          async getMedia(request, context) {
            const caller = record("getMedia", request, context);
            if (request.mediaId === unknown) throw new NotFound(`media ${request.mediaId} not found`);
            return { media: readyImage(request.mediaId, caller?.id ?? "") };
          },
          async listMyMedia(request, context) {
            const caller = record("listMyMedia", request, context);
            const mine = [readyImage(first, caller?.id), pendingMedia(pending, caller?.id ?? "")];
            return request.cursor === ""
              ? { media: mine.slice(0, request.limit), nextCursor: "page-2" }
              : { media: mine.slice(1), nextCursor: "" };
          },
          async batchGetMedia(request, context) {
            record("batchGetMedia", request, context);
            return { media: request.mediaIds.filter((id) => ready.has(id)).map((id) => readyImage(id)) };
          },
          async deleteMedia(request, context) {
            record("deleteMedia", request, context);
            if (request.mediaId === shown)
              throw new FailedPrecondition(`media ${shown} is shown by product ${productId}`);
            return {};
          },
        },
        authenticate,
      ),
      await startFakeService(
        ProductsService,
        {
          async getProduct() {
            return { product: product() };
          },
          async batchGetVariants(request) {
            return {
              variants: request.ids.map((id, index) => ({
                variant: { id, productId, sku: `MUG-${index}`, price: eur(1200) },
                productTitle: "Blue mug",
                storefrontId: shopId,
                mediaId: index === 0 ? second : "",
                productStatus: ProductStatus.ACTIVE,
              })),
            };
          },
          async searchProducts() {
            return { hits: [hit(hitImage), hit(first), hit("")], nextCursor: "", correctedQuery: "" };
          },
        },
        authenticate,
      ),
      await startFakeService(
        SellersService,
        {
          async batchGetStorefronts(request) {
            return {
              storefronts: request.ids.map((id) => ({
                id,
                name: "Blue Pottery",
                slug: "blue-pottery",
                status: StorefrontStatus.ACTIVE,
              })),
            };
          },
          async getStorefront() {
            return {
              storefront: {
                id: shopId,
                ownerId: owner,
                name: "Blue Pottery",
                slug: "blue-pottery",
                logoMediaId: logo,
                bannerMediaId: "",
                status: StorefrontStatus.ACTIVE,
                createdAt: timestampNow(),
                updatedAt: timestampNow(),
              },
            };
          },
        },
        authenticate,
      ),
      await startFakeService(
        UsersService,
        {
          async getMyProfile(_request, context) {
            const caller = callRecorder([])("getMyProfile", {}, context);
            return {
              profile: {
                userId: caller?.id ?? "",
                avatarMediaId: avatar,
                locale: "en",
                createdAt: timestampNow(),
                updatedAt: timestampNow(),
              },
            };
          },
        },
        authenticate,
      ),
      await startFakeService(
        OrdersService,
        {
          async getCart(_request, context) {
            return {
              cart: {
                buyerId: callRecorder([])("getCart", {}, context)?.id ?? "",
                lines: [cartVariant, otherVariant].map((variantId) => ({
                  variantId,
                  quantity: 1n,
                  priceWhenAdded: eur(1200),
                  addedAt: timestampNow(),
                })),
                updatedAt: timestampNow(),
              },
            };
          },
          async getOrder() {
            return {
              order: {
                id: orderId,
                checkoutId: uuidv7(),
                buyerId: uuidv7(),
                storefrontId: shopId,
                status: 1,
                snapshot: {
                  lines: [
                    {
                      variantId: uuidv7(),
                      productId,
                      title: "Blue mug (as bought)",
                      sku: "MUG-1",
                      mediaId: asBought,
                      unitPrice: eur(1200),
                      quantity: 1n,
                      lineTotal: eur(1200),
                    },
                    {
                      variantId: uuidv7(),
                      productId,
                      title: "No picture",
                      sku: "MUG-2",
                      unitPrice: eur(100),
                      quantity: 1n,
                      lineTotal: eur(100),
                    },
                  ],
                  seller: { storefrontId: shopId, name: "Blue Pottery" },
                  subtotal: eur(1300),
                  total: eur(1300),
                },
                version: 1n,
                createdAt: timestampNow(),
                updatedAt: timestampNow(),
              },
            };
          },
        },
        authenticate,
      ),
    );
    servers.push(
      await startFakeService(
        InventoryService,
        {
          async getStock(request) {
            return { levels: request.variantIds.map((variantId) => ({ variantId, available: 5n })) };
          },
        },
        authenticate,
      ),
    );
    servers.push(
      await startFakeService(
        MediaService,
        {
          batchGetMedia: (_request, context) =>
            new Promise((_resolve, reject) => {
              const stop = () => reject(new Error("stopped"));
              context.signal.addEventListener("abort", stop);
              hung.signal.addEventListener("abort", stop);
            }),
        },
        authenticate,
      ),
    );
    const [media, products, sellers, users, orders, inventory, hangs] = servers.map((s) => s.url);
    const modules = () => [
      sellersGatewayModule(),
      usersGatewayModule(),
      productsGatewayModule(),
      ordersGatewayModule(),
      mediaGatewayModule(),
    ];
    const others = [
      { name: "products", url: products ?? "" },
      { name: "sellers", url: sellers ?? "" },
      { name: "users", url: users ?? "" },
      { name: "orders", url: orders ?? "" },
      { name: "inventory", url: inventory ?? "" },
    ];
    gateway = await moduleGateway({
      services: [...others, { name: "media", url: media ?? "" }],
      modules: modules(),
      authenticate,
    });
    hungMedia = await moduleGateway({
      services: [...others, { name: "media", url: hangs ?? "" }],
      modules: modules(),
      authenticate,
    });
    withoutMedia = await moduleGateway({
      services: [...others, { name: "media", url: `http://127.0.0.1:${await freePort()}` }],
      modules: modules(),
      authenticate,
    });
  });

  afterAll(async () => {
    await gateway?.app.close();
    await withoutMedia?.app.close();
    await hungMedia?.app.close();
    hung.abort();
    await Promise.all(servers.map((s) => s.close()));
  });

  beforeEach(() => {
    mediaCalls.length = 0;
  });

  const batches = () => mediaCalls.filter((call) => call.method === "batchGetMedia");
  const signIn = (roles = ["seller"]) => signedIn(issuer, { roles });

  describe("REST under /api/v1/media", () => {
    const id = uuidv7();
    it.each([
      ["POST", "/media/uploads", { purpose: "product", contentType: "image/jpeg", byteSize: 10 }],
      ["POST", `/media/${id}/complete`, undefined],
      ["GET", `/media/${id}`, undefined],
      ["GET", "/media", undefined],
      ["DELETE", `/media/${id}`, undefined],
    ] as const)("answers %s %s without a token with 401 in the envelope", async (method, url, payload) => {
      const response = await rest(method, url, undefined, payload);
      expect(response.statusCode).toBe(401);
      expect(response.json()).toMatchObject({ success: false, error: { code: "UNAUTHENTICATED" } });
      expect(mediaCalls).toEqual([]);
    });

    it("creates an upload: 201 with the pending media and where to PUT its bytes, for the caller", async () => {
      const user = await signIn();
      const response = await rest("POST", "/media/uploads", user, {
        purpose: "storefront_logo",
        contentType: "image/png",
        byteSize: 2_000_000,
      });
      expect(response.statusCode).toBe(201);
      expect(response.json()).toEqual({
        media: expect.objectContaining({
          id: expect.any(String),
          kind: null,
          status: "pending_upload",
          purpose: "storefront_logo",
          failureReason: null,
          progress: 0,
          contentType: null,
          byteSize: 0,
          width: null,
          renditions: [],
          video: null,
        }),
        upload: {
          url: "https://storage.test/uploads/abc?X-Signature=1",
          method: "PUT",
          headers: { "content-type": "image/png", "content-length": "2000000" },
          expiresAt: "2026-01-01T00:15:00.000Z",
        },
      });
      expect(mediaCalls).toEqual([
        {
          method: "createUpload",
          request: expect.objectContaining({
            purpose: Purpose.STOREFRONT_LOGO,
            contentType: "image/png",
            byteSize: 2_000_000n,
          }),
          token: user.token,
          callerId: user.id,
        },
      ]);
    });

    it("completes an upload, reads a media with its renditions, and answers 404 for an unknown one", async () => {
      const user = await signIn();
      const completed = await rest("POST", `/media/${id}/complete`, user);
      expect(completed.statusCode).toBe(200);
      expect(completed.json()).toMatchObject({ id, status: "processing" });

      const read = await rest("GET", `/media/${first}`, user);
      expect(read.statusCode).toBe(200);
      const media = read.json();
      expect(media).toMatchObject({
        id: first,
        kind: "image",
        status: "ready",
        purpose: "product",
        progress: 100,
        contentType: "image/jpeg",
        byteSize: 123_456,
        width: 1600,
        height: 1200,
        dominantColor: "#a0b0c0",
        createdAt: "2026-01-01T00:00:00.000Z",
      });
      expect(media.renditions).toHaveLength(12);
      expect(media.renditions).toContainEqual({
        size: "main_desktop",
        format: "webp",
        width: 500,
        height: 375,
        url: urlOf(first, "main_desktop", "webp"),
      });

      const missing = await rest("GET", `/media/${unknown}`, user);
      expect(missing.statusCode).toBe(404);
      expect(missing.json().error.code).toBe("NOT_FOUND");
    });

    it("lists the caller's media one page after another, of one purpose", async () => {
      const user = await signIn();
      const page = await rest("GET", "/media?limit=1&purpose=avatar", user);
      expect(page.statusCode).toBe(200);
      expect(page.json()).toMatchObject({ items: [{ id: first }], nextCursor: "page-2" });
      expect(mediaCalls[0]?.request).toMatchObject({ limit: 1, cursor: "", purpose: Purpose.AVATAR });
      const next = (await rest("GET", "/media?cursor=page-2", user)).json();
      expect(next).toMatchObject({ items: [{ id: pending, status: "pending_upload" }], nextCursor: null });
    });

    it("deletes a media with 204, and refuses one a product still shows with 422", async () => {
      const user = await signIn();
      const deleted = await rest("DELETE", `/media/${second}`, user);
      expect(deleted.statusCode).toBe(204);
      expect(mediaCalls.map((c) => c.request.mediaId)).toEqual([second]);
      const refused = await rest("DELETE", `/media/${shown}`, user);
      expect(refused.statusCode).toBe(422);
      expect(refused.json().error).toMatchObject({
        code: "FAILED_PRECONDITION",
        message: expect.stringContaining(productId),
      });
    });

    const upload = { purpose: "product", contentType: "image/jpeg", byteSize: 1000 };
    it.each([
      ["an unknown purpose", "POST", "/media/uploads", { ...upload, purpose: "banner" }, "body.purpose"],
      ["no purpose", "POST", "/media/uploads", { contentType: "image/jpeg", byteSize: 1 }, "body.purpose"],
      ["a byteSize of 0", "POST", "/media/uploads", { ...upload, byteSize: 0 }, "body.byteSize"],
      ["a negative byteSize", "POST", "/media/uploads", { ...upload, byteSize: -5 }, "body.byteSize"],
      [
        "a byteSize over 10 GiB",
        "POST",
        "/media/uploads",
        { ...upload, byteSize: 10_737_418_241 },
        "body.byteSize",
      ],
      ["a fractional byteSize", "POST", "/media/uploads", { ...upload, byteSize: 1.5 }, "body.byteSize"],
      [
        "a content type no image or video",
        "POST",
        "/media/uploads",
        { ...upload, contentType: "text/html" },
        "body.contentType",
      ],
      ["an unknown field", "POST", "/media/uploads", { ...upload, ownerId: uuidv7() }, "body.ownerId"],
      ["a non-UUID id to complete", "POST", "/media/not-a-uuid/complete", undefined, "params.id"],
      ["a non-UUID id to read", "GET", "/media/not-a-uuid", undefined, "params.id"],
      ["a non-UUID id to delete", "DELETE", "/media/not-a-uuid", undefined, "params.id"],
      ["a page of 101", "GET", "/media?limit=101", undefined, "querystring.limit"],
      ["an unknown purpose to list", "GET", "/media?purpose=banner", undefined, "querystring.purpose"],
    ] as const)("refuses %s with 400 naming the field", async (_case, method, url, payload, field) => {
      const response = await rest(method, url, await signIn(), payload);
      expect(response.statusCode).toBe(400);
      expect(response.json().error.code).toBe("INVALID_ARGUMENT");
      expect(response.json().error.details.map((d: { field: string }) => d.field)).toContain(field);
      expect(mediaCalls).toEqual([]);
    });
  });

  describe("GraphQL", () => {
    const mediaFields = "id kind status purpose progress byteSize width height placeholder dominantColor url";
    const create = `mutation ($input: CreateUploadInput!) {
      createUpload(input: $input) { media { id status purpose kind } uploadUrl uploadHeaders { name value } expiresAt }
    }`;
    const complete = "mutation ($id: ID!) { completeUpload(id: $id) { id status } }";
    const remove = "mutation ($id: ID!) { deleteMedia(id: $id) }";
    const one = `query ($id: ID!) { media(id: $id) { ${mediaFields} avif: url(size: THUMBNAIL_SMALL, format: AVIF) renditions { size format width height url } createdAt } }`;
    const mine = `query ($first: Int, $after: String, $purpose: MediaPurpose) {
      myMedia(first: $first, after: $after, purpose: $purpose) { edges { cursor node { id status } } pageInfo { hasNextPage endCursor } }
    }`;
    const upload = { purpose: "PRODUCT", contentType: "video/mp4", byteSize: 50_000_000 };

    it.each([
      ["createUpload", create, { input: upload }],
      ["completeUpload", complete, { id: uuidv7() }],
      ["deleteMedia", remove, { id: uuidv7() }],
      ["media", one, { id: uuidv7() }],
      ["myMedia", mine, {}],
    ])("refuses %s without a token with UNAUTHENTICATED", async (_field, query, variables) => {
      const body = await gql(query, variables);
      expect(body.errors[0].extensions.code).toBe("UNAUTHENTICATED");
      expect(mediaCalls).toEqual([]);
    });

    it("creates an upload with the headers as pairs, completes it and deletes a media", async () => {
      const user = await signIn(["buyer"]);
      const created = await gql(create, { input: upload }, user);
      expect(created.errors).toBeUndefined();
      expect(created.data.createUpload).toEqual({
        media: { id: expect.any(String), status: "PENDING_UPLOAD", purpose: "PRODUCT", kind: null },
        uploadUrl: "https://storage.test/uploads/abc?X-Signature=1",
        uploadHeaders: [
          { name: "content-length", value: "50000000" },
          { name: "content-type", value: "video/mp4" },
        ],
        expiresAt: "2026-01-01T00:15:00.000Z",
      });
      expect(mediaCalls[0]).toMatchObject({
        method: "createUpload",
        request: { purpose: Purpose.PRODUCT, byteSize: 50_000_000n },
        callerId: user.id,
      });
      const id = created.data.createUpload.media.id;
      expect((await gql(complete, { id }, user)).data.completeUpload).toEqual({ id, status: "PROCESSING" });
      expect((await gql(remove, { id }, user)).data.deleteMedia).toBe(true);
      const refused = await gql(remove, { id: shown }, user);
      expect(refused.errors[0].extensions.code).toBe("FAILED_PRECONDITION");
    });

    it("reads a media with a URL of the asked size and format (MAIN_DESKTOP WebP by default); null when unknown", async () => {
      const user = await signIn();
      const body = await gql(one, { id: second }, user);
      expect(body.errors).toBeUndefined();
      expect(body.data.media).toMatchObject({
        id: second,
        kind: "IMAGE",
        status: "READY",
        purpose: "PRODUCT",
        progress: 100,
        byteSize: 123_456,
        width: 1600,
        url: urlOf(second, "main_desktop", "webp"),
        avif: urlOf(second, "thumbnail_small", "avif"),
        createdAt: "2026-01-01T00:00:00.000Z",
      });
      expect(body.data.media.renditions).toContainEqual({
        size: "MAIN_LARGE_RETINA",
        format: "AVIF",
        width: 600,
        height: 450,
        url: urlOf(second, "main_large_retina", "avif"),
      });
      expect((await gql(one, { id: unknown }, user)).data.media).toBeNull();
    });

    it("pages the caller's media as a connection, of one purpose", async () => {
      const user = await signIn();
      const body = await gql(mine, { first: 1, purpose: "AVATAR" }, user);
      expect(body.data.myMedia).toEqual({
        edges: [{ cursor: "page-2", node: { id: first, status: "READY" } }],
        pageInfo: { hasNextPage: true, endCursor: "page-2" },
      });
      expect(mediaCalls[0]?.request).toMatchObject({ limit: 1, purpose: Purpose.AVATAR });
    });

    it.each([
      ["a byteSize of 0", create, { input: { ...upload, byteSize: 0 } }, "input.byteSize"],
      ["a negative byteSize", create, { input: { ...upload, byteSize: -1 } }, "input.byteSize"],
      [
        "a byteSize over 10 GiB",
        create,
        { input: { ...upload, byteSize: 10_737_418_241 } },
        "input.byteSize",
      ],
      [
        "a content type no image or video",
        create,
        { input: { ...upload, contentType: "x" } },
        "input.contentType",
      ],
      ["a non-UUID id to complete", complete, { id: "not-a-uuid" }, "id"],
      ["a non-UUID id to delete", remove, { id: "not-a-uuid" }, "id"],
      ["a non-UUID id to read", one, { id: "not-a-uuid" }, "id"],
      ["first over 100", mine, { first: 101 }, "first"],
    ])("refuses %s with INVALID_ARGUMENT naming the field", async (_case, query, variables, field) => {
      const body = await gql(query, variables, await signIn());
      expect(body.errors[0].extensions).toMatchObject({ code: "INVALID_ARGUMENT" });
      expect(body.errors[0].extensions.details.map((d: { field: string }) => d.field)).toContain(field);
    });

    it("refuses an unknown purpose with INVALID_ARGUMENT naming input.purpose", async () => {
      const body = await gql(create, { input: { ...upload, purpose: "BANNER" } }, await signIn());
      expect(body.errors[0].extensions.code).toBe("INVALID_ARGUMENT");
      expect(body.errors[0].message).toContain('"input.purpose"');
      expect(mediaCalls).toEqual([]);
    });
  });

  describe("pictures hydrated into the catalog, one BatchGetMedia per request", () => {
    const image = (id: string) => ({
      id,
      kind: "image",
      width: 1600,
      height: 1200,
      placeholder: "LEHV6nWB2yk8pyo0adR*.7kCMdnj",
      dominantColor: "#a0b0c0",
      renditions: expect.arrayContaining([
        {
          size: "thumbnail_small",
          format: "avif",
          width: 100,
          height: 75,
          url: urlOf(id, "thumbnail_small", "avif"),
        },
      ]),
    });

    it("REST: a product carries its ready media in order and the first as image, from one call", async () => {
      const response = await rest("GET", `/products/${productId}`);
      expect(response.statusCode).toBe(200);
      const body = response.json();
      expect(body.mediaIds).toEqual([first, pending, second]);
      expect(body.media).toEqual([image(first), image(second)]);
      expect(body.media[0].renditions).toHaveLength(12);
      expect(body.image).toEqual(image(first));
      expect(body.attributes).toEqual({ mediaId: second, coverMediaId: "blue" });
      expect(batches()).toHaveLength(1);
      expect(batches()[0]?.request.mediaIds).toEqual([first, pending, second]);
    });

    it("REST: search hits carry their image (null without one), all from one call", async () => {
      const body = (await rest("GET", "/products?query=mug")).json();
      expect(body.items.map((h: { image: unknown }) => h.image)).toEqual([
        image(hitImage),
        image(first),
        null,
      ]);
      expect(batches()).toHaveLength(1);
    });

    it("REST: an order line shows the image it was bought with, from the snapshot", async () => {
      const body = (await rest("GET", `/orders/${orderId}`, await signIn(["buyer"]))).json();
      expect(body.snapshot.lines.map((l: { image: unknown }) => l.image)).toEqual([image(asBought), null]);
      expect(batches()).toHaveLength(1);
    });

    it("REST and GraphQL: a cart line shows the product's image now", async () => {
      const buyer = await signIn(["buyer"]);
      const cart = (await rest("GET", "/cart", buyer)).json();
      expect(cart.lines.map((l: { image: unknown }) => l.image)).toEqual([image(second), null]);
      expect(batches()).toHaveLength(1);
      const body = await gql("{ cart { lines { variantId image { id } } } }", {}, buyer);
      expect(body.data.cart.lines).toEqual([
        { variantId: cartVariant, image: { id: second } },
        { variantId: otherVariant, image: null },
      ]);
    });

    it("REST: a storefront carries its logo (and a null banner), a profile its avatar", async () => {
      const shop = (await rest("GET", `/sellers/${shopId}`)).json();
      expect(shop.logo).toEqual(image(logo));
      expect(shop.banner).toBeNull();
      const me = (await rest("GET", "/users/me", await signIn(["buyer"]))).json();
      expect(me.profile.avatar).toEqual(image(avatar));
      expect(batches()).toHaveLength(2);
    });

    it("GraphQL: a product's media, image and URLs, search hits' images, from one call per request", async () => {
      const body = await gql(
        `query ($id: ID!) {
        product(id: $id) { title image { id url } media { id url(size: THUMBNAIL_LARGE, format: AVIF) } }
      }`,
        { id: productId },
      );
      expect(body.errors).toBeUndefined();
      expect(body.data.product).toEqual({
        title: "Blue mug",
        image: { id: first, url: urlOf(first, "main_desktop", "webp") },
        media: [
          { id: first, url: urlOf(first, "thumbnail_large", "avif") },
          { id: second, url: urlOf(second, "thumbnail_large", "avif") },
        ],
      });
      expect(batches()).toHaveLength(1);

      mediaCalls.length = 0;
      const search = await gql('{ search(query: "mug") { edges { node { title image { id url } } } } }');
      expect(search.data.search.edges.map((e: { node: { image: unknown } }) => e.node.image)).toEqual([
        { id: hitImage, url: urlOf(hitImage, "main_desktop", "webp") },
        { id: first, url: urlOf(first, "main_desktop", "webp") },
        null,
      ]);
      expect(batches()).toHaveLength(1);
      expect(batches()[0]?.request.mediaIds).toEqual([hitImage, first]);
    });

    it("GraphQL: an order line's image as bought, a storefront's logo and a profile's avatar", async () => {
      const buyer = await signIn(["buyer"]);
      const order = await gql(
        "query ($id: ID!) { order(id: $id) { snapshot { lines { title image { id } } } } }",
        { id: orderId },
        buyer,
      );
      expect(order.data.order.snapshot.lines).toEqual([
        { title: "Blue mug (as bought)", image: { id: asBought } },
        { title: "No picture", image: null },
      ]);
      const shop = await gql("query ($id: ID) { storefront(id: $id) { logo { id } banner { id } } }", {
        id: shopId,
      });
      expect(shop.data.storefront).toEqual({ logo: { id: logo }, banner: null });
      const me = await gql("{ me { profile { avatar { url(size: THUMBNAIL_SMALL) } } } }", {}, buyer);
      expect(me.data.me.profile.avatar.url).toBe(urlOf(avatar, "thumbnail_small", "webp"));
    });

    it("REST: with the media service down, a product, search and order answer 200 without pictures", async () => {
      const product = await degraded.rest("GET", `/products/${productId}`);
      expect(product.statusCode).toBe(200);
      expect(product.json()).toMatchObject({
        id: productId,
        title: "Blue mug",
        mediaIds: [first, pending, second],
      });
      expect(product.json()).not.toHaveProperty("image");
      expect(product.json()).not.toHaveProperty("media");
      const search = await degraded.rest("GET", "/products");
      expect(search.statusCode).toBe(200);
      expect(search.json().items).toHaveLength(3);
      expect(search.json().items[0]).not.toHaveProperty("image");
      const order = await degraded.rest("GET", `/orders/${orderId}`, await signIn(["buyer"]));
      expect(order.statusCode).toBe(200);
      expect(order.json().snapshot.lines[0]).not.toHaveProperty("image");
    });

    it("REST: with a media service that hangs, a product answers without pictures after mediaWaitMs, within the service deadline", async () => {
      const started = performance.now();
      const response = await hungMedia.app.inject({ method: "GET", url: `/api/v1/products/${productId}` });
      const elapsed = performance.now() - started;
      expect(response.statusCode).toBe(200);
      expect(response.json()).toMatchObject({ id: productId, title: "Blue mug" });
      expect(response.json()).not.toHaveProperty("image");
      // The gateway's service deadline here is 2 000 ms; the pictures are waited for 1 000 ms.
      expect(elapsed).toBeGreaterThanOrEqual(mediaWaitMs - 50);
      expect(elapsed).toBeLessThan(1_800);
    });

    it("GraphQL: with the media service down, pictures are null and the rest of the answer is there", async () => {
      const response = await degraded.graphql(
        `query ($id: ID!) {
          product(id: $id) { title image { id } media { id } }
          search { edges { node { title image { id } } } }
        }`,
        { id: productId },
      );
      expect(response.statusCode).toBe(200);
      const body = response.json();
      expect(body.errors).toBeUndefined();
      expect(body.data.product).toEqual({ title: "Blue mug", image: null, media: [] });
      expect(body.data.search.edges.map((e: { node: { image: unknown } }) => e.node.image)).toEqual([
        null,
        null,
        null,
      ]);
    });
  });
});
