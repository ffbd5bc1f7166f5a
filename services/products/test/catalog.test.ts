import { randomBytes } from "node:crypto";
import { create, fromBinary, type MessageInitShape, toBinary } from "@bufbuild/protobuf";
import { timestampNow } from "@bufbuild/protobuf/wkt";
import { Code } from "@connectrpc/connect";
import { GeoPointSchema, MoneySchema } from "@mercato/contracts/mercato/common/v1/common_pb";
import { MediaKind, Purpose } from "@mercato/contracts/mercato/media/v1/media_pb";
import {
  CategoryChangedSchema,
  CategoryStatus,
  type CreateProductRequestSchema,
  ProductChangedSchema,
  ProductStatus,
  ProductsService,
  type VariantInputSchema,
} from "@mercato/contracts/mercato/products/v1/products_pb";
import {
  StorefrontChangedSchema,
  StorefrontSchema,
  StorefrontStatus,
} from "@mercato/contracts/mercato/sellers/v1/sellers_pb";
import { createRpcClient, type EventEnvelope, type RunningService, rowsOf } from "@mercato/platform";
import { describeWithInfra, publishMediaState, readyMedia, waitFor } from "@mercato/testing";
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
import { productsService, seedCatalog } from "../src/index.js";

type Client = ReturnType<typeof createRpcClient<typeof ProductsService>>;
type CallOptions = { headers: { authorization: string } };
type VariantInit = MessageInitShape<typeof VariantInputSchema>;

/** A signed-in account of the tests. */
interface Account {
  id: string;
  as: CallOptions;
}

/** A seller with a storefront in the projection. */
interface Seller extends Account {
  storefrontId: string;
}

const eur = (amount: number) => create(MoneySchema, { amountMinor: BigInt(amount), currency: "EUR" });
const usd = (amount: number) => create(MoneySchema, { amountMinor: BigInt(amount), currency: "USD" });

/** A StorefrontChanged envelope as the sellers service's outbox relay publishes it. */
function storefrontEvent(
  verb: "created" | "updated",
  storefront: {
    id: string;
    ownerId: string;
    status?: StorefrontStatus;
    version?: number;
    lat?: number;
    lng?: number;
    name?: string;
  },
): EventEnvelope {
  return {
    id: uuidv7(),
    subject: `mercato.sellers.storefront.${verb}`,
    type: StorefrontChangedSchema.typeName,
    occurredAt: new Date(),
    correlationId: uuidv7(),
    traceparent: undefined,
    payload: toBinary(
      StorefrontChangedSchema,
      create(StorefrontChangedSchema, {
        storefront: create(StorefrontSchema, {
          id: storefront.id,
          ownerId: storefront.ownerId,
          name: storefront.name ?? "Corner Shop",
          slug: `shop-${storefront.id.slice(-12)}`,
          location: create(GeoPointSchema, {
            latitude: storefront.lat ?? 52.52,
            longitude: storefront.lng ?? 13.405,
          }),
          status: storefront.status ?? StorefrontStatus.ACTIVE,
          version: BigInt(storefront.version ?? 1),
          createdAt: timestampNow(),
          updatedAt: timestampNow(),
        }),
      }),
    ),
  };
}

function describeProductsService(label: string, openFixture: () => Promise<DatabaseFixture>): void {
  describe(label, () => {
    let rig: ServiceRig;
    let service: RunningService;
    let client: Client;
    let admin: Account;
    let buyer: Account;
    let categoryId: string;

    beforeAll(async () => {
      rig = await openServiceRig(openFixture, "mercato.products.>");
      service = await startTestService(productsService, rig);
      client = createRpcClient(ProductsService, { baseUrl: service.url, maxRetries: 0 });
      admin = await account(["admin"]);
      buyer = await account(["buyer"]);
      categoryId = (await client.createCategory({ name: `Shoes ${uuidv7()}` }, admin.as)).category?.id ?? "";
    }, 120_000);

    afterAll(async () => {
      await service?.stop();
      await rig?.close();
    });

    async function account(roles: string[]): Promise<Account> {
      const id = uuidv7();
      const token = await rig.issuer.sign({ sub: id, roles, email_verified: true });
      return { id, as: { headers: { authorization: `Bearer ${token}` } } };
    }

    const storefrontRow = async (id: string) => {
      const [row] = rowsOf<{ status: string; version: string | number; lat: number; lng: number }>(
        await service.runtime.database.db.execute(sql`
          select status, version, ST_Y(location::geometry) as lat, ST_X(location::geometry) as lng
          from products.storefronts where id = ${id}`),
      );
      return row;
    };

    /** Publishes a storefront event and waits until the projection holds at least that version. */
    async function announce(event: Parameters<typeof storefrontEvent>[1], verb: "created" | "updated") {
      await rig.bus.publish(storefrontEvent(verb, event));
      await waitFor(
        async () => Number((await storefrontRow(event.id))?.version ?? 0) >= (event.version ?? 1),
        {
          message: "storefront projection not updated",
        },
      );
    }

    async function seller(status = StorefrontStatus.ACTIVE): Promise<Seller> {
      const owner = await account(["seller"]);
      const storefrontId = uuidv7();
      await announce({ id: storefrontId, ownerId: owner.id, status }, "created");
      return { ...owner, storefrontId };
    }

    /** A media of `ownerId` the service has seen become ready (a product image unless told otherwise). */
    const media = (ownerId: string, purpose = Purpose.PRODUCT, kind = MediaKind.IMAGE) =>
      readyMedia(rig.bus, service, { ownerId, purpose, kind });

    let skuCounter = 0;
    const sku = () => `SKU-${Date.now().toString(36)}-${++skuCounter}`;
    const variant = (overrides: Partial<VariantInit> = {}): VariantInit => ({
      sku: sku(),
      price: eur(1999),
      options: {},
      ...overrides,
    });

    async function product(
      owner: Seller,
      overrides: Omit<
        Exclude<MessageInitShape<typeof CreateProductRequestSchema>, { $typeName: string }>,
        "$typeName"
      > = {},
    ) {
      const { product: created } = await client.createProduct(
        {
          title: "Leather boots",
          description: "Sturdy and warm",
          categoryId,
          variants: [variant()],
          status: ProductStatus.ACTIVE,
          ...overrides,
        },
        owner.as,
      );
      if (!created) throw new Error("no product");
      return created;
    }

    const productEvents = (productId: string) =>
      rig.published
        .filter((e) => e.subject.startsWith("mercato.products.product."))
        .map((e) => ({ subject: e.subject, product: fromBinary(ProductChangedSchema, e.payload).product }))
        .filter((e) => e.product?.id === productId);

    const categoryEvents = (id: string) =>
      rig.published
        .filter((e) => e.subject === "mercato.products.category.changed")
        .map((e) => fromBinary(CategoryChangedSchema, e.payload).category)
        .filter((c) => c?.id === id);

    describe("categories", () => {
      const unique = () => randomBytes(4).toString("hex");

      it("creates roots and children with ancestor ids, depth and a slug derived from the name", async () => {
        const tag = unique();
        const { category: root } = await client.createCategory({ name: `Élan Wear ${tag}` }, admin.as);
        expect(root).toMatchObject({ slug: `elan-wear-${tag}`, depth: 0, parentId: "", ancestorIds: [] });
        const { category: child } = await client.createCategory(
          { name: "Coats", slug: `coats-${tag}`, parentId: root?.id ?? "" },
          admin.as,
        );
        expect(child).toMatchObject({
          parentId: root?.id,
          depth: 1,
          ancestorIds: [root?.id],
          status: CategoryStatus.ACTIVE,
        });
        await waitFor(() => categoryEvents(child?.id ?? "").length === 1, { message: "no CategoryChanged" });
      });

      it("lets only admins create and change categories", async () => {
        expect(await failure(client.createCategory({ name: "Hats" }))).toMatchObject({
          code: Code.Unauthenticated,
        });
        const owner = await seller();
        expect(await failure(client.createCategory({ name: "Hats" }, owner.as))).toMatchObject({
          code: Code.PermissionDenied,
        });
        expect(
          await failure(client.updateCategory({ id: categoryId, name: "Hats" }, buyer.as)),
        ).toMatchObject({ code: Code.PermissionDenied });
      });

      it("refuses a slug that another category has, naming the slug", async () => {
        const slug = `taken-${unique()}`;
        await client.createCategory({ name: "First", slug }, admin.as);
        const created = await failure(client.createCategory({ name: "Second", slug }, admin.as));
        expect(created.code).toBe(Code.AlreadyExists);
        expect(created.message).toMatch(/^slug: /);
        const { category: other } = await client.createCategory({ name: `Other ${unique()}` }, admin.as);
        const renamed = await failure(client.updateCategory({ id: other?.id ?? "", slug }, admin.as));
        expect(renamed.code).toBe(Code.AlreadyExists);
        expect(renamed.message).toMatch(/^slug: /);
      });

      it("refuses a parent that does not exist or is archived, naming parent_id", async () => {
        expect(
          await failure(client.createCategory({ name: "Orphan", parentId: uuidv7() }, admin.as)),
        ).toMatchObject({
          code: Code.InvalidArgument,
          fields: ["parent_id"],
        });
        const { category: archived } = await client.createCategory({ name: `Old ${unique()}` }, admin.as);
        await client.updateCategory({ id: archived?.id ?? "", status: CategoryStatus.ARCHIVED }, admin.as);
        const under = await failure(
          client.createCategory({ name: "Under", parentId: archived?.id ?? "" }, admin.as),
        );
        expect(under.code).toBe(Code.FailedPrecondition);
        expect(under.message).toMatch(/^parent_id: /);
      });

      it("moves a subtree in one go, rewriting every descendant's ancestor ids and publishing each", async () => {
        const tag = unique();
        const make = async (name: string, parentId = "") =>
          (await client.createCategory({ name: `${name} ${tag}`, parentId }, admin.as)).category?.id ?? "";
        const a = await make("A");
        const b = await make("B", a);
        const c = await make("C", b);
        const d = await make("D", c);
        const target = await make("Target");
        const { category: moved } = await client.updateCategory({ id: b, parentId: target }, admin.as);
        expect(moved).toMatchObject({ parentId: target, ancestorIds: [target], depth: 1 });
        const { category: grandchild } = await client.getCategory({ key: { case: "id", value: d } });
        expect(grandchild?.ancestorIds).toEqual([target, b, c]);
        expect(grandchild?.depth).toBe(3);
        await waitFor(() => categoryEvents(d).some((cat) => cat?.ancestorIds[0] === target), {
          message: "descendant's CategoryChanged not published",
        });

        const { category: root } = await client.updateCategory({ id: b, parentId: "" }, admin.as);
        expect(root).toMatchObject({ parentId: "", depth: 0, ancestorIds: [] });
        expect((await client.getCategory({ key: { case: "id", value: d } })).category?.ancestorIds).toEqual([
          b,
          c,
        ]);
      });

      it("refuses to move a category under itself or a descendant, naming parent_id", async () => {
        const tag = unique();
        const a = (await client.createCategory({ name: `Top ${tag}` }, admin.as)).category?.id ?? "";
        const b =
          (await client.createCategory({ name: `Mid ${tag}`, parentId: a }, admin.as)).category?.id ?? "";
        const c =
          (await client.createCategory({ name: `Low ${tag}`, parentId: b }, admin.as)).category?.id ?? "";
        for (const parentId of [a, b, c]) {
          expect(await failure(client.updateCategory({ id: a, parentId }, admin.as))).toMatchObject({
            code: Code.InvalidArgument,
            fields: ["parent_id"],
          });
        }
        expect((await client.getCategory({ key: { case: "id", value: c } })).category?.ancestorIds).toEqual([
          a,
          b,
        ]);
      });

      it("returns breadcrumbs root first and the active children, by id or slug", async () => {
        const tag = unique();
        const a = (await client.createCategory({ name: `Home ${tag}` }, admin.as)).category;
        const b = (await client.createCategory({ name: `Kitchen ${tag}`, parentId: a?.id ?? "" }, admin.as))
          .category;
        const c = (await client.createCategory({ name: `Knives ${tag}`, parentId: b?.id ?? "" }, admin.as))
          .category;
        const gone = (await client.createCategory({ name: `Gone ${tag}`, parentId: b?.id ?? "" }, admin.as))
          .category;
        await client.updateCategory({ id: gone?.id ?? "", status: CategoryStatus.ARCHIVED }, admin.as);
        const view = await client.getCategory({ key: { case: "slug", value: c?.slug ?? "" } });
        expect(view.breadcrumbs.map((x) => x.id)).toEqual([a?.id, b?.id]);
        const middle = await client.getCategory({ key: { case: "id", value: b?.id ?? "" } });
        expect(middle.breadcrumbs.map((x) => x.id)).toEqual([a?.id]);
        expect(middle.children.map((x) => x.id)).toEqual([c?.id]);
        expect((await client.getCategory({ key: { case: "id", value: a?.id ?? "" } })).breadcrumbs).toEqual(
          [],
        );
      });

      it("answers NotFound for an unknown category", async () => {
        expect(await failure(client.getCategory({ key: { case: "id", value: uuidv7() } }))).toMatchObject({
          code: Code.NotFound,
        });
        expect(
          await failure(client.getCategory({ key: { case: "slug", value: "no-such-thing" } })),
        ).toMatchObject({
          code: Code.NotFound,
        });
      });

      it("archives a subtree, hiding it from the list unless an admin asks for archived ones", async () => {
        const tag = unique();
        const a = (await client.createCategory({ name: `Toys ${tag}` }, admin.as)).category?.id ?? "";
        const b =
          (await client.createCategory({ name: `Dolls ${tag}`, parentId: a }, admin.as)).category?.id ?? "";
        const { category } = await client.updateCategory(
          { id: a, status: CategoryStatus.ARCHIVED },
          admin.as,
        );
        expect(category?.status).toBe(CategoryStatus.ARCHIVED);
        const visible = (await client.listCategories({})).categories.map((x) => x.id);
        expect(visible).not.toContain(a);
        expect(visible).not.toContain(b);
        const all = (await client.listCategories({ includeArchived: true }, admin.as)).categories;
        expect(all.find((x) => x.id === b)?.status).toBe(CategoryStatus.ARCHIVED);
        expect(await failure(client.listCategories({ includeArchived: true }, buyer.as))).toMatchObject({
          code: Code.PermissionDenied,
        });
        expect(
          await failure(client.updateCategory({ id: b, status: CategoryStatus.ACTIVE }, admin.as)),
        ).toMatchObject({ code: Code.FailedPrecondition });
        await client.updateCategory({ id: a, status: CategoryStatus.ACTIVE }, admin.as);
        expect((await client.listCategories({})).categories.map((x) => x.id)).toContain(a);
      });

      it("lists parents before children and siblings by position then name", async () => {
        const tag = unique();
        const root = (await client.createCategory({ name: `Garden ${tag}`, position: -1000 }, admin.as))
          .category?.id as string;
        const make = async (name: string, position: number) =>
          (await client.createCategory({ name: `${name} ${tag}`, parentId: root, position }, admin.as))
            .category?.id as string;
        const zeta = await make("Zeta", 1);
        const beta = await make("Beta", 2);
        const alpha = await make("Alpha", 2);
        const leaf = (await client.createCategory({ name: `Leaf ${tag}`, parentId: zeta }, admin.as)).category
          ?.id as string;
        const order = (await client.listCategories({})).categories.map((x) => x.id);
        const mine = order.filter((id) => [root, zeta, beta, alpha, leaf].includes(id));
        expect(mine).toEqual([root, zeta, leaf, alpha, beta]);
      });

      it("publishes nothing when an update changes nothing", async () => {
        const { category } = await client.createCategory({ name: `Still ${unique()}` }, admin.as);
        await waitFor(() => categoryEvents(category?.id ?? "").length === 1);
        await client.updateCategory({ id: category?.id ?? "", name: category?.name ?? "" }, admin.as);
        await client.updateCategory({ id: category?.id ?? "", name: "Renamed" }, admin.as);
        await waitFor(() => categoryEvents(category?.id ?? "").length === 2);
        expect(categoryEvents(category?.id ?? "").map((c) => c?.name)).toEqual([category?.name, "Renamed"]);
      });
    });

    describe("storefronts projection", () => {
      it("keeps the highest version and stores the location as a geography point", async () => {
        const owner = await account(["seller"]);
        const id = uuidv7();
        await announce({ id, ownerId: owner.id, version: 1, lat: 48.8566, lng: 2.3522 }, "created");
        await announce({ id, ownerId: owner.id, version: 3, status: StorefrontStatus.SUSPENDED }, "updated");
        const late = storefrontEvent("updated", { id, ownerId: owner.id, version: 2 });
        expect(await service.consumers.get("storefront-projection-updated")?.handle(late, 1)).toBe("applied");
        const row = await storefrontRow(id);
        expect(row).toMatchObject({ status: "suspended" });
        expect(Number(row?.version)).toBe(3);
        expect(row?.lat).toBeCloseTo(52.52, 6);
        expect(row?.lng).toBeCloseTo(13.405, 6);
      });
    });

    describe("products", () => {
      it("refuses a seller without a storefront, and a buyer", async () => {
        const newcomer = await account(["seller"]);
        expect(
          await failure(
            client.createProduct({ title: "Hat", categoryId, variants: [variant()] }, newcomer.as),
          ),
        ).toMatchObject({ code: Code.FailedPrecondition, message: "open a storefront first" });
        expect(
          await failure(client.createProduct({ title: "Hat", categoryId, variants: [variant()] }, buyer.as)),
        ).toMatchObject({ code: Code.PermissionDenied });
        expect(await failure(client.createProduct({ title: "Hat", categoryId }))).toMatchObject({
          code: Code.Unauthenticated,
        });
      });

      it("refuses a product in a suspended storefront", async () => {
        const owner = await seller(StorefrontStatus.SUSPENDED);
        const result = await failure(client.createProduct({ title: "Hat", categoryId }, owner.as));
        expect(result.code).toBe(Code.FailedPrecondition);
        expect(result.message).toMatch(/suspended/);
      });

      it("freezes the products of a storefront suspended later for its owner, not for an admin", async () => {
        const owner = await seller();
        const listed = await product(owner);
        await announce(
          { id: owner.storefrontId, ownerId: owner.id, version: 2, status: StorefrontStatus.SUSPENDED },
          "updated",
        );
        const variantId = listed.variants[0]?.id ?? "";
        const attempts = [
          () => client.updateProduct({ id: listed.id, title: "Renamed" }, owner.as),
          () => client.addVariant({ productId: listed.id, variant: variant() }, owner.as),
          () => client.updateVariant({ id: variantId, sku: sku() }, owner.as),
          () => client.deleteVariant({ id: variantId }, owner.as),
        ];
        for (const attempt of attempts) {
          const result = await failure(attempt());
          expect(result.code).toBe(Code.FailedPrecondition);
          expect(result.message).toMatch(/suspended/);
        }
        expect((await client.getProduct({ id: listed.id }, owner.as)).product?.title).toBe(listed.title);
        const { product: fixed } = await client.updateProduct(
          { id: listed.id, title: "Fixed by an admin" },
          admin.as,
        );
        expect(fixed?.title).toBe("Fixed by an admin");
      });

      it("creates a draft by default, at version 1, unpublished, and publishes it on .created", async () => {
        const owner = await seller();
        const mediaIds = [
          await media(owner.id),
          await media(owner.id, Purpose.PRODUCT, MediaKind.VIDEO),
          await media(owner.id),
        ];
        const { product: created } = await client.createProduct(
          {
            title: "  Wool scarf ",
            categoryId,
            attributes: { material: "wool" },
            optionNames: ["color"],
            mediaIds,
            variants: [variant({ options: { color: "red" } }), variant({ options: { color: "blue" } })],
          },
          owner.as,
        );
        expect(created).toMatchObject({
          title: "Wool scarf",
          status: ProductStatus.DRAFT,
          version: 1n,
          storefrontId: owner.storefrontId,
          mediaIds,
          attributes: { material: "wool" },
        });
        expect(created?.publishedAt).toBeUndefined();
        expect(created?.variants.map((v) => v.options.color)).toEqual(["red", "blue"]);
        await waitFor(() => productEvents(created?.id ?? "").length === 1, { message: "no ProductChanged" });
        const [event] = productEvents(created?.id ?? "");
        expect(event?.subject).toBe("mercato.products.product.created");
        expect(event?.product?.variants).toHaveLength(2);
      });

      it("needs a variant to be active and sets published_at the first time only", async () => {
        const owner = await seller();
        expect(
          await failure(
            client.createProduct({ title: "Empty", categoryId, status: ProductStatus.ACTIVE }, owner.as),
          ),
        ).toMatchObject({ code: Code.FailedPrecondition });
        const { product: draft } = await client.createProduct({ title: "Empty", categoryId }, owner.as);
        expect(
          await failure(
            client.updateProduct({ id: draft?.id ?? "", status: ProductStatus.ACTIVE }, owner.as),
          ),
        ).toMatchObject({ code: Code.FailedPrecondition });
        const active = await product(owner);
        expect(active.publishedAt).toBeDefined();
        await client.updateProduct({ id: active.id, status: ProductStatus.DRAFT }, owner.as);
        const { product: again } = await client.updateProduct(
          { id: active.id, status: ProductStatus.ACTIVE },
          owner.as,
        );
        expect(again?.publishedAt).toEqual(active.publishedAt);
        expect(again?.version).toBe(3n);
      });

      it("refuses an unknown category on category_id and an archived one", async () => {
        const owner = await seller();
        expect(
          await failure(client.createProduct({ title: "Hat", categoryId: uuidv7() }, owner.as)),
        ).toMatchObject({ code: Code.InvalidArgument, fields: ["category_id"] });
        const { category } = await client.createCategory({ name: `Retired ${uuidv7()}` }, admin.as);
        await client.updateCategory({ id: category?.id ?? "", status: CategoryStatus.ARCHIVED }, admin.as);
        const archived = await failure(
          client.createProduct({ title: "Hat", categoryId: category?.id ?? "" }, owner.as),
        );
        expect(archived.code).toBe(Code.FailedPrecondition);
        expect(archived.message).toMatch(/^category_id: /);
        const existing = await product(owner);
        const moved = await failure(
          client.updateProduct({ id: existing.id, categoryId: category?.id ?? "" }, owner.as),
        );
        expect(moved.code).toBe(Code.FailedPrecondition);
      });

      it("keeps drafts and archived products from buyers, showing them to the owner and admins", async () => {
        const owner = await seller();
        const { product: draft } = await client.createProduct({ title: "Secret", categoryId }, owner.as);
        const listed = await product(owner);
        const archived = await product(owner);
        await client.updateProduct({ id: archived.id, status: ProductStatus.ARCHIVED }, owner.as);
        const id = draft?.id ?? "";
        for (const as of [buyer.as, undefined]) {
          expect(await failure(client.getProduct({ id }, as))).toMatchObject({ code: Code.NotFound });
          const batch = await client.batchGetProducts({ ids: [id, listed.id, archived.id] }, as);
          expect(batch.products.map((p) => p.id)).toEqual([listed.id]);
          const page = await client.listStorefrontProducts({ storefrontId: owner.storefrontId }, as);
          expect(page.products.map((p) => p.id)).toEqual([listed.id]);
          const asked = await client.listStorefrontProducts(
            { storefrontId: owner.storefrontId, status: ProductStatus.DRAFT },
            as,
          );
          expect(asked.products.map((p) => p.id)).toEqual([listed.id]);
        }
        for (const as of [owner.as, admin.as]) {
          expect((await client.getProduct({ id }, as)).product?.status).toBe(ProductStatus.DRAFT);
          const page = await client.listStorefrontProducts({ storefrontId: owner.storefrontId }, as);
          expect(page.products.map((p) => p.id)).toEqual([archived.id, listed.id, id]);
          const drafts = await client.listStorefrontProducts(
            { storefrontId: owner.storefrontId, status: ProductStatus.DRAFT },
            as,
          );
          expect(drafts.products.map((p) => p.id)).toEqual([id]);
        }
      });

      it("hides active products of a storefront that is pending or suspended", async () => {
        const owner = await seller();
        const listed = await product(owner);
        expect((await client.getProduct({ id: listed.id }, buyer.as)).product?.id).toBe(listed.id);
        await announce(
          { id: owner.storefrontId, ownerId: owner.id, version: 2, status: StorefrontStatus.SUSPENDED },
          "updated",
        );
        expect(await failure(client.getProduct({ id: listed.id }, buyer.as))).toMatchObject({
          code: Code.NotFound,
        });
        expect(
          (await client.listStorefrontProducts({ storefrontId: owner.storefrontId }, buyer.as)).products,
        ).toEqual([]);
        expect((await client.getProduct({ id: listed.id }, owner.as)).product?.id).toBe(listed.id);
        const pending = await seller(StorefrontStatus.PENDING);
        const early = await product(pending);
        expect(await failure(client.getProduct({ id: early.id }, buyer.as))).toMatchObject({
          code: Code.NotFound,
        });
      });

      it("refuses another seller: PermissionDenied on a public product, NotFound on a hidden one", async () => {
        const owner = await seller();
        const intruder = await seller();
        const listed = await product(owner, {
          optionNames: ["size"],
          variants: [variant({ options: { size: "M" } })],
        });
        const { product: draft } = await client.createProduct(
          {
            title: "Hidden",
            categoryId,
            optionNames: ["size"],
            variants: [variant({ options: { size: "M" } })],
          },
          owner.as,
        );
        const cases: [string, Code][] = [
          [listed.id, Code.PermissionDenied],
          [draft?.id ?? "", Code.NotFound],
        ];
        for (const [id, code] of cases) {
          const target = (await client.getProduct({ id }, owner.as)).product;
          const variantId = target?.variants[0]?.id ?? "";
          expect(await failure(client.updateProduct({ id, title: "Mine now" }, intruder.as))).toMatchObject({
            code,
          });
          expect(
            await failure(
              client.addVariant({ productId: id, variant: variant({ options: { size: "L" } }) }, intruder.as),
            ),
          ).toMatchObject({ code });
          expect(
            await failure(client.updateVariant({ id: variantId, price: eur(1) }, intruder.as)),
          ).toMatchObject({
            code,
          });
          expect(await failure(client.deleteVariant({ id: variantId }, intruder.as))).toMatchObject({ code });
          expect((await client.getProduct({ id }, owner.as)).product?.version).toBe(target?.version);
        }
        expect(await failure(client.updateProduct({ id: listed.id, title: "Anon" }))).toMatchObject({
          code: Code.Unauthenticated,
        });
      });

      it("lets an admin change any seller's product", async () => {
        const owner = await seller();
        const listed = await product(owner);
        const { product: changed } = await client.updateProduct(
          { id: listed.id, title: "Moderated" },
          admin.as,
        );
        expect(changed).toMatchObject({ title: "Moderated", version: 2n });
      });

      it("bumps the version and publishes .updated on a change, and nothing when nothing changes", async () => {
        const owner = await seller();
        const listed = await product(owner, { mediaIds: [await media(owner.id)] });
        const { product: same } = await client.updateProduct(
          { id: listed.id, title: listed.title, replaceMediaIds: true, mediaIds: listed.mediaIds },
          owner.as,
        );
        expect(same?.version).toBe(1n);
        const mediaIds = [await media(owner.id), await media(owner.id), await media(owner.id)];
        const { product: changed } = await client.updateProduct(
          {
            id: listed.id,
            description: "New text",
            replaceMediaIds: true,
            mediaIds,
            replaceAttributes: true,
            attributes: { origin: "Italy" },
          },
          owner.as,
        );
        expect(changed).toMatchObject({
          version: 2n,
          description: "New text",
          mediaIds,
          attributes: { origin: "Italy" },
        });
        await waitFor(() => productEvents(listed.id).length === 2, { message: "no ProductChanged" });
        expect(productEvents(listed.id).map((e) => [e.subject, e.product?.version])).toEqual([
          ["mercato.products.product.created", 1n],
          ["mercato.products.product.updated", 2n],
        ]);
      });

      it("answers NotFound for an unknown product", async () => {
        const owner = await seller();
        expect(await failure(client.getProduct({ id: uuidv7() }, owner.as))).toMatchObject({
          code: Code.NotFound,
        });
        expect(await failure(client.updateProduct({ id: uuidv7(), title: "x y" }, owner.as))).toMatchObject({
          code: Code.NotFound,
        });
      });

      it("pages a storefront's products newest first and refuses a malformed cursor", async () => {
        const owner = await seller();
        const ids: string[] = [];
        for (let i = 0; i < 5; i++) ids.push((await product(owner)).id);
        const seen: string[] = [];
        let cursor = "";
        let pages = 0;
        do {
          const page = await client.listStorefrontProducts(
            { storefrontId: owner.storefrontId, limit: 2, cursor },
            buyer.as,
          );
          seen.push(...page.products.map((p) => p.id));
          cursor = page.nextCursor;
          pages++;
        } while (cursor !== "");
        expect(pages).toBe(3);
        expect(seen).toEqual([...ids].reverse());
        expect(
          await failure(client.listStorefrontProducts({ storefrontId: owner.storefrontId, cursor: "nope" })),
        ).toMatchObject({ code: Code.InvalidArgument, fields: ["cursor"] });
        expect((await client.listStorefrontProducts({ storefrontId: uuidv7() })).products).toEqual([]);
      });
    });

    describe("media ids", () => {
      const refused = async (owner: Seller, mediaIds: string[]) =>
        failure(client.createProduct({ title: "Framed print", categoryId, mediaIds }, owner.as));

      it("refuses another account's media, naming its index and saying why", async () => {
        const owner = await seller();
        const stranger = await seller();
        const foreign = await media(stranger.id);
        expect(await refused(owner, [await media(owner.id), foreign])).toEqual({
          code: Code.InvalidArgument,
          fields: ["media_ids[1]"],
          message: `media_ids[1]: media ${foreign} is not a ready product image or video of yours`,
        });
      });

      it("refuses an unknown media id", async () => {
        const owner = await seller();
        expect(await refused(owner, [uuidv7()])).toMatchObject({
          code: Code.InvalidArgument,
          fields: ["media_ids[0]"],
        });
      });

      it("refuses a media of the caller uploaded for another purpose", async () => {
        const owner = await seller();
        const logo = await media(owner.id, Purpose.STOREFRONT_LOGO);
        expect(await refused(owner, [logo])).toMatchObject({
          code: Code.InvalidArgument,
          fields: ["media_ids[0]"],
        });
      });

      it("refuses a media whose processing failed and one deleted after it was ready", async () => {
        const owner = await seller();
        const failed = await publishMediaState(
          rig.bus,
          service,
          { ownerId: owner.id, purpose: Purpose.PRODUCT },
          "failed",
        );
        const deleted = await media(owner.id);
        await publishMediaState(
          rig.bus,
          service,
          { mediaId: deleted, ownerId: owner.id, purpose: Purpose.PRODUCT },
          "deleted",
        );
        expect(await refused(owner, [failed, deleted])).toMatchObject({
          code: Code.InvalidArgument,
          fields: ["media_ids[0]", "media_ids[1]"],
        });
      });

      it("lets an admin attach any seller's media to a product", async () => {
        const owner = await seller();
        const listed = await product(owner);
        const stranger = await seller();
        const theirs = await media(stranger.id);
        const { product: changed } = await client.updateProduct(
          { id: listed.id, replaceMediaIds: true, mediaIds: [theirs] },
          admin.as,
        );
        expect(changed?.mediaIds).toEqual([theirs]);
      });

      it("checks only the ids an update adds: a media deleted since it was attached stays", async () => {
        const owner = await seller();
        const kept = await media(owner.id);
        const listed = await product(owner, { mediaIds: [kept] });
        await publishMediaState(
          rig.bus,
          service,
          { mediaId: kept, ownerId: owner.id, purpose: Purpose.PRODUCT },
          "deleted",
        );
        const { product: retitled } = await client.updateProduct(
          { id: listed.id, title: "Retitled boots", replaceMediaIds: true, mediaIds: [kept] },
          owner.as,
        );
        expect(retitled).toMatchObject({ title: "Retitled boots", mediaIds: [kept] });
        const added = await media(owner.id);
        const { product: extended } = await client.updateProduct(
          { id: listed.id, replaceMediaIds: true, mediaIds: [added, kept] },
          owner.as,
        );
        expect(extended?.mediaIds).toEqual([added, kept]);
        const unknown = uuidv7();
        expect(
          await failure(
            client.updateProduct(
              { id: listed.id, replaceMediaIds: true, mediaIds: [added, kept, unknown] },
              owner.as,
            ),
          ),
        ).toMatchObject({ code: Code.InvalidArgument, fields: ["media_ids[2]"] });
      });
    });

    describe("variants", () => {
      it("refuses a compare-at price not above the price, or in another currency, naming the field", async () => {
        const owner = await seller();
        expect(
          await failure(
            client.createProduct(
              {
                title: "Boots",
                categoryId,
                variants: [variant({ price: eur(1000), compareAtPrice: eur(1000) })],
              },
              owner.as,
            ),
          ),
        ).toMatchObject({ code: Code.InvalidArgument, fields: ["variants[0].compare_at_price"] });
        const listed = await product(owner);
        expect(
          await failure(
            client.addVariant(
              { productId: listed.id, variant: variant({ price: eur(1000), compareAtPrice: usd(2000) }) },
              owner.as,
            ),
          ),
        ).toMatchObject({ code: Code.InvalidArgument, fields: ["variant.compare_at_price.currency"] });
        const variantId = listed.variants[0]?.id ?? "";
        expect(
          await failure(client.updateVariant({ id: variantId, compareAtPrice: eur(500) }, owner.as)),
        ).toMatchObject({ code: Code.InvalidArgument, fields: ["compare_at_price"] });
        const { variant: discounted } = await client.updateVariant(
          { id: variantId, compareAtPrice: eur(2500) },
          owner.as,
        );
        expect(discounted?.compareAtPrice?.amountMinor).toBe(2500n);
        expect(
          await failure(client.updateVariant({ id: variantId, price: eur(3000) }, owner.as)),
        ).toMatchObject({ code: Code.InvalidArgument, fields: ["compare_at_price"] });
        const { variant: cleared } = await client.updateVariant(
          { id: variantId, clearCompareAtPrice: true, price: eur(3000) },
          owner.as,
        );
        expect(cleared?.compareAtPrice).toBeUndefined();
        expect(cleared?.price?.amountMinor).toBe(3000n);
      });

      it("refuses a negative price", async () => {
        const owner = await seller();
        expect(
          await failure(
            client.createProduct(
              { title: "Boots", categoryId, variants: [variant({ price: eur(-1) })] },
              owner.as,
            ),
          ),
        ).toMatchObject({ code: Code.InvalidArgument, fields: ["variants[0].price.amount_minor"] });
      });

      it("refuses a price or compare-at price above 100,000,000.00, so every order total stays exact", async () => {
        const owner = await seller();
        expect(
          await failure(
            client.createProduct(
              { title: "Yacht", categoryId, variants: [variant({ price: eur(10_000_000_001) })] },
              owner.as,
            ),
          ),
        ).toMatchObject({ code: Code.InvalidArgument, fields: ["variants[0].price.amount_minor"] });
        const listed = await product(owner, { variants: [variant({ price: eur(10_000_000_000) })] });
        expect(listed.variants[0]?.price?.amountMinor).toBe(10_000_000_000n);
        const variantId = listed.variants[0]?.id ?? "";
        expect(
          await failure(
            client.updateVariant({ id: variantId, price: eur(Number.MAX_SAFE_INTEGER) }, owner.as),
          ),
        ).toMatchObject({ code: Code.InvalidArgument, fields: ["price.amount_minor"] });
        expect(
          await failure(
            client.updateVariant(
              { id: variantId, price: eur(1), compareAtPrice: eur(10_000_000_001) },
              owner.as,
            ),
          ),
        ).toMatchObject({
          code: Code.InvalidArgument,
          fields: expect.arrayContaining(["compare_at_price.amount_minor"]),
        });
      });

      it("keeps one currency per product", async () => {
        const owner = await seller();
        expect(
          await failure(
            client.createProduct(
              {
                title: "Boots",
                categoryId,
                optionNames: ["size"],
                variants: [
                  variant({ options: { size: "S" } }),
                  variant({ price: usd(100), options: { size: "M" } }),
                ],
              },
              owner.as,
            ),
          ),
        ).toMatchObject({ code: Code.InvalidArgument, fields: ["variants[1].price.currency"] });
        const listed = await product(owner, {
          optionNames: ["size"],
          variants: [variant({ options: { size: "S" } }), variant({ options: { size: "M" } })],
        });
        expect(
          await failure(
            client.addVariant(
              { productId: listed.id, variant: variant({ price: usd(100), options: { size: "L" } }) },
              owner.as,
            ),
          ),
        ).toMatchObject({ code: Code.InvalidArgument, fields: ["variant.price.currency"] });
        expect(
          await failure(
            client.updateVariant({ id: listed.variants[0]?.id ?? "", price: usd(100) }, owner.as),
          ),
        ).toMatchObject({ code: Code.InvalidArgument, fields: ["price.currency"] });
      });

      it("refuses a SKU used elsewhere in the storefront or twice in one request, naming sku", async () => {
        const owner = await seller();
        const taken = sku();
        await product(owner, { variants: [variant({ sku: taken })] });
        const again = await failure(
          client.createProduct({ title: "Copy", categoryId, variants: [variant({ sku: taken })] }, owner.as),
        );
        expect(again.code).toBe(Code.AlreadyExists);
        expect(again.message).toMatch(/^sku: /);
        const twice = sku();
        const inRequest = await failure(
          client.createProduct(
            {
              title: "Twice",
              categoryId,
              optionNames: ["size"],
              variants: [
                variant({ sku: twice, options: { size: "S" } }),
                variant({ sku: twice, options: { size: "M" } }),
              ],
            },
            owner.as,
          ),
        );
        expect(inRequest.code).toBe(Code.AlreadyExists);
        expect(inRequest.message).toMatch(/^variants\[1\]\.sku: /);
        const other = await product(owner, {
          optionNames: ["size"],
          variants: [variant({ options: { size: "S" } })],
        });
        const added = await failure(
          client.addVariant(
            { productId: other.id, variant: variant({ sku: taken, options: { size: "M" } }) },
            owner.as,
          ),
        );
        expect(added.code).toBe(Code.AlreadyExists);
        expect(added.message).toMatch(/sku: /);
        const renamed = await failure(
          client.updateVariant({ id: other.variants[0]?.id ?? "", sku: taken }, owner.as),
        );
        expect(renamed.code).toBe(Code.AlreadyExists);
        expect(renamed.message).toMatch(/^sku: /);
        const neighbour = await seller();
        expect((await product(neighbour, { variants: [variant({ sku: taken })] })).variants[0]?.sku).toBe(
          taken,
        );
      });

      it("refuses a combination of options that another variant has, naming options", async () => {
        const owner = await seller();
        const combo = { size: "M", color: "red" };
        const inRequest = await failure(
          client.createProduct(
            {
              title: "Tee",
              categoryId,
              optionNames: ["size", "color"],
              variants: [variant({ options: combo }), variant({ options: { color: "red", size: "M" } })],
            },
            owner.as,
          ),
        );
        expect(inRequest.code).toBe(Code.AlreadyExists);
        expect(inRequest.message).toMatch(/^variants\[1\]\.options: /);
        const listed = await product(owner, {
          optionNames: ["size", "color"],
          variants: [variant({ options: combo }), variant({ options: { size: "L", color: "red" } })],
        });
        const added = await failure(
          client.addVariant({ productId: listed.id, variant: variant({ options: combo }) }, owner.as),
        );
        expect(added.code).toBe(Code.AlreadyExists);
        expect(added.message).toMatch(/^variant\.options: /);
        const changed = await failure(
          client.updateVariant({ id: listed.variants[1]?.id ?? "", options: combo }, owner.as),
        );
        expect(changed.code).toBe(Code.AlreadyExists);
        expect(changed.message).toMatch(/^options: /);
      });

      it("needs exactly the product's option names, each with a value", async () => {
        const owner = await seller();
        const base = { title: "Tee", categoryId, optionNames: ["size", "color"] };
        expect(
          await failure(
            client.createProduct({ ...base, variants: [variant({ options: { size: "M" } })] }, owner.as),
          ),
        ).toMatchObject({ code: Code.InvalidArgument, fields: ["variants[0].options"] });
        expect(
          await failure(
            client.createProduct(
              { ...base, variants: [variant({ options: { size: "M", color: "red", fit: "slim" } })] },
              owner.as,
            ),
          ),
        ).toMatchObject({ code: Code.InvalidArgument, fields: ["variants[0].options[fit]"] });
        expect(
          await failure(
            client.createProduct(
              { ...base, variants: [variant({ options: { size: "M", color: "  " } })] },
              owner.as,
            ),
          ),
        ).toMatchObject({ code: Code.InvalidArgument, fields: ["variants[0].options[color]"] });
        const plain = await product(owner);
        expect(
          await failure(
            client.addVariant(
              { productId: plain.id, variant: variant({ options: { size: "M" } }) },
              owner.as,
            ),
          ),
        ).toMatchObject({ code: Code.InvalidArgument, fields: ["variant.options[size]"] });
      });

      it("renames a product's options with its variants' values, sets them freely without variants, and refuses adding or removing one under variants", async () => {
        const owner = await seller();
        const tee = await product(owner, {
          title: "Tee",
          optionNames: ["size", "colour"],
          variants: [
            variant({ options: { size: "M", colour: "red" } }),
            variant({ options: { size: "L", colour: "blue" } }),
          ],
        });
        const { product: renamed } = await client.updateProduct(
          { id: tee.id, replaceOptionNames: true, optionNames: ["Size", "Color"] },
          owner.as,
        );
        expect(renamed?.optionNames).toEqual(["Size", "Color"]);
        expect(renamed?.variants.map((v) => v.options)).toEqual([
          { Size: "M", Color: "red" },
          { Size: "L", Color: "blue" },
        ]);
        expect(renamed?.version).toBe(tee.version + 1n);
        await waitFor(() => productEvents(tee.id).some((e) => e.product?.optionNames.includes("Color")));
        const added = await failure(
          client.updateProduct(
            { id: tee.id, replaceOptionNames: true, optionNames: ["Size", "Color", "Fit"] },
            owner.as,
          ),
        );
        expect(added.code).toBe(Code.FailedPrecondition);
        expect(added.message).toContain("option_names");
        expect(
          (
            await failure(
              client.updateProduct(
                { id: tee.id, replaceOptionNames: true, optionNames: ["Size", " "] },
                owner.as,
              ),
            )
          ).fields,
        ).toEqual(["option_names[1]"]);
        const { product: draft } = await client.createProduct(
          { title: "Blank", categoryId, optionNames: ["a"] },
          owner.as,
        );
        const { product: reshaped } = await client.updateProduct(
          { id: draft?.id ?? "", replaceOptionNames: true, optionNames: ["width", "length"] },
          owner.as,
        );
        expect(reshaped?.optionNames).toEqual(["width", "length"]);
        const stranger = await seller();
        expect(
          (
            await failure(
              client.updateProduct(
                { id: tee.id, replaceOptionNames: true, optionNames: ["X", "Y"] },
                stranger.as,
              ),
            )
          ).code,
        ).toBe(Code.PermissionDenied);
      });

      it("refuses to delete the last variant of an active product, and deletes it from a draft", async () => {
        const owner = await seller();
        const listed = await product(owner);
        const only = listed.variants[0]?.id ?? "";
        expect(await failure(client.deleteVariant({ id: only }, owner.as))).toMatchObject({
          code: Code.FailedPrecondition,
        });
        await client.updateProduct({ id: listed.id, status: ProductStatus.DRAFT }, owner.as);
        const { product: empty } = await client.deleteVariant({ id: only }, owner.as);
        expect(empty?.variants).toEqual([]);
        expect(await failure(client.deleteVariant({ id: only }, owner.as))).toMatchObject({
          code: Code.NotFound,
        });
      });

      it("bumps the product's version and publishes the whole product on every variant change", async () => {
        const owner = await seller();
        const listed = await product(owner, {
          optionNames: ["size"],
          variants: [variant({ options: { size: "S" } })],
        });
        const { variant: added, product: afterAdd } = await client.addVariant(
          { productId: listed.id, variant: variant({ options: { size: "M" } }) },
          owner.as,
        );
        expect(afterAdd?.version).toBe(2n);
        expect(afterAdd?.variants.map((v) => v.id)).toEqual([listed.variants[0]?.id, added?.id]);
        const { product: afterUpdate } = await client.updateVariant(
          { id: added?.id ?? "", options: { size: "L" }, position: -1 },
          owner.as,
        );
        expect(afterUpdate?.version).toBe(3n);
        expect(afterUpdate?.variants.map((v) => v.options.size)).toEqual(["L", "S"]);
        const { product: afterDelete } = await client.deleteVariant({ id: added?.id ?? "" }, owner.as);
        expect(afterDelete?.version).toBe(4n);
        await waitFor(() => productEvents(listed.id).length === 4, { message: "missing ProductChanged" });
        const events = productEvents(listed.id);
        expect(events.map((e) => e.product?.version)).toEqual([1n, 2n, 3n, 4n]);
        expect(events.map((e) => e.product?.variants.length)).toEqual([1, 2, 2, 1]);
      });

      it("returns variants of visible products to buyers and the owner's hidden ones to the owner", async () => {
        const owner = await seller();
        const listed = await product(owner);
        const { product: draft } = await client.createProduct(
          { title: "Draft", categoryId, variants: [variant()] },
          owner.as,
        );
        const ids = [listed.variants[0]?.id ?? "", draft?.variants[0]?.id ?? "", uuidv7()];
        const forBuyer = await client.batchGetVariants({ ids }, buyer.as);
        expect(forBuyer.variants.map((v) => v.variant?.id)).toEqual([ids[0]]);
        expect(forBuyer.variants[0]).toMatchObject({
          productTitle: listed.title,
          storefrontId: owner.storefrontId,
          productStatus: ProductStatus.ACTIVE,
        });
        const forOwner = await client.batchGetVariants({ ids }, owner.as);
        expect(forOwner.variants.map((v) => v.variant?.id).sort()).toEqual([ids[0], ids[1]].sort());
      });
    });

    describe("seed", () => {
      it("writes storefronts, a category tree and products with variants once, however often it runs", async () => {
        const storefrontId = uuidv7();
        const ownerId = uuidv7();
        const root = uuidv7();
        const leaf = uuidv7();
        const tag = randomBytes(4).toString("hex");
        const products = Array.from({ length: 1203 }, (_, i) => ({
          id: uuidv7(),
          storefrontId,
          title: `Seeded ${i}`,
          description: "From the seed",
          categoryId: leaf,
          attributes: { batch: tag },
          optionNames: ["size"],
          mediaIds: [uuidv7()],
          status: "active" as const,
          publishedAt: new Date(),
          variants: ["S", "M"].map((size, position) => ({
            id: uuidv7(),
            sku: `SEED-${i}-${size}`,
            priceMinor: 1000 + i,
            currency: "EUR",
            compareAtMinor: position === 0 ? null : 5000,
            options: { size },
            position,
          })),
        }));
        const input = {
          storefronts: [
            {
              id: storefrontId,
              ownerId,
              name: "Seeded",
              slug: `seeded-${tag}`,
              status: "active",
              location: { lat: 41.9, lng: 12.5 },
              version: 1,
            },
          ],
          categories: [
            { id: root, parentId: null, name: "Seed root", slug: `seed-root-${tag}`, position: 0 },
            { id: leaf, parentId: root, name: "Seed leaf", slug: `seed-leaf-${tag}`, position: 0 },
          ],
          products,
        };
        expect(await seedCatalog(service.runtime.database, input)).toEqual({ products: 1203 });
        expect(await seedCatalog(service.runtime.database, input)).toEqual({ products: 0 });
        const { category } = await client.getCategory({ key: { case: "id", value: leaf } });
        expect(category?.ancestorIds).toEqual([root]);
        const last = products.at(-1);
        const { product: seeded } = await client.getProduct({ id: last?.id ?? "" }, buyer.as);
        expect(seeded).toMatchObject({ title: "Seeded 1202", status: ProductStatus.ACTIVE, version: 1n });
        expect(seeded?.variants.map((v) => [v.sku, v.compareAtPrice?.amountMinor])).toEqual([
          ["SEED-1202-S", undefined],
          ["SEED-1202-M", 5000n],
        ]);
        expect((await storefrontRow(storefrontId))?.lat).toBeCloseTo(41.9, 6);
      });
    });
  });
}

describeProductsService("products service on PGlite", () => pgliteFixture());

describeWithInfra("DATABASE_URL", "products service on PostgreSQL", (url) => {
  // The migrations name the "products" schema, so each run gets a database of its own.
  describeProductsService("a fresh database", () => postgresFixture(url, { prefix: "products_test" }));
});
