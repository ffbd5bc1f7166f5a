import { randomBytes } from "node:crypto";
import { create, fromBinary, type MessageInitShape } from "@bufbuild/protobuf";
import { Code } from "@connectrpc/connect";
import { MediaKind, Purpose } from "@mercato/contracts/mercato/media/v1/media_pb";
import {
  type CreateStorefrontRequest,
  CreateStorefrontRequestSchema,
  SellersService,
  type Storefront,
  StorefrontChangedSchema,
  StorefrontFollowedSchema,
  StorefrontStatus,
  StorefrontUnfollowedSchema,
} from "@mercato/contracts/mercato/sellers/v1/sellers_pb";
import { createRpcClient, type EventBus, type RunningService, rowsOf } from "@mercato/platform";
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
import { type SeedStorefront, seedStorefronts, sellersService } from "../src/index.js";

type Client = ReturnType<typeof createRpcClient<typeof SellersService>>;

/** A signed-in account of the tests. */
interface Account {
  id: string;
  /** Call options carrying the account's bearer token. */
  as: { headers: { authorization: string } };
}

const cities = {
  berlin: { latitude: 52.52, longitude: 13.405 },
  potsdam: { latitude: 52.3906, longitude: 13.0645 },
  munich: { latitude: 48.1374, longitude: 11.5755 },
};

/** Fields of a CreateStorefrontRequest that a test sets differently. */
type CreateOverrides = Exclude<
  MessageInitShape<typeof CreateStorefrontRequestSchema>,
  CreateStorefrontRequest
>;

/** `bus` for publishing, with consumers that never receive anything (a replica that leaves consuming to another). */
function publishOnly(bus: EventBus): EventBus {
  return {
    publish: (event) => bus.publish(event),
    consume: async () => ({ stop: async () => {} }),
    ping: () => bus.ping(),
    close: async () => {},
  };
}

/** A word no other test uses, to find this test's storefronts by text. */
const token = () => `t${randomBytes(5).toString("hex")}`;

function describeSellersService(label: string, openFixture: () => Promise<DatabaseFixture>): void {
  describe(label, () => {
    let rig: ServiceRig;
    let service: RunningService;
    let manualService: RunningService;
    let client: Client;
    let manualClient: Client;

    beforeAll(async () => {
      rig = await openServiceRig(openFixture, "mercato.sellers.>");
      const infra = (approval: string) => ({ ...rig, env: { STOREFRONT_APPROVAL: approval } });
      service = await startTestService(sellersService, infra("auto"));
      // A second replica on the same schema, configured to hold new storefronts for approval. Its
      // events reach the rig's bus; its consumers are left to the first replica, since an
      // in-memory durable takes one subscriber per process.
      manualService = await startTestService(sellersService, {
        ...infra("manual"),
        bus: publishOnly(rig.bus),
      });
      client = createRpcClient(SellersService, { baseUrl: service.url, maxRetries: 0 });
      manualClient = createRpcClient(SellersService, { baseUrl: manualService.url, maxRetries: 0 });
      // PGlite's first open with PostGIS takes 6-16 s alone and far longer on a busy machine.
    }, 180_000);

    afterAll(async () => {
      await manualService?.stop();
      await service?.stop();
      await rig?.close();
    });

    const account = async (roles: string[], emailVerified = true): Promise<Account> => {
      const id = uuidv7();
      const jwt = await rig.issuer.sign({ sub: id, roles, email_verified: emailVerified });
      return { id, as: { headers: { authorization: `Bearer ${jwt}` } } };
    };
    const seller = (emailVerified = true) => account(["seller"], emailVerified);
    const buyer = () => account(["buyer"]);
    const admin = () => account(["admin"]);

    const request = (overrides: CreateOverrides = {}) => {
      const slug = `shop-${token()}`;
      return create(CreateStorefrontRequestSchema, {
        name: `Shop ${slug}`,
        slug,
        description: "Hand-made goods",
        contact: { email: "shop@example.com", phone: "+4930123456", website: "https://shop.example.com" },
        address: { line1: "Unter den Linden 1", city: "Berlin", postalCode: "10117", countryCode: "DE" },
        location: cities.berlin,
        ...overrides,
      });
    };

    /** A storefront opened by a new verified seller. */
    const opened = async (
      overrides: CreateOverrides = {},
      via: Client = client,
      owner?: Account,
    ): Promise<{ owner: Account; storefront: Storefront }> => {
      owner ??= await seller();
      const { storefront } = await via.createStorefront(request(overrides), owner.as);
      if (!storefront) throw new Error("no storefront returned");
      return { owner, storefront };
    };

    /** A media of `ownerId` the service has seen become ready (a storefront logo image unless told otherwise). */
    const media = (ownerId: string, purpose = Purpose.STOREFRONT_LOGO, kind = MediaKind.IMAGE) =>
      readyMedia(rig.bus, service, { ownerId, purpose, kind });

    const changes = (storefrontId: string) =>
      rig.published
        .filter(
          (e) =>
            e.subject === "mercato.sellers.storefront.created" ||
            e.subject === "mercato.sellers.storefront.updated",
        )
        .map((e) => ({
          subject: e.subject,
          storefront: fromBinary(StorefrontChangedSchema, e.payload).storefront,
        }))
        .filter((e) => e.storefront?.id === storefrontId);

    const followEvents = (storefrontId: string) =>
      rig.published
        .filter((e) => e.subject === "mercato.sellers.storefront.followed")
        .map((e) => fromBinary(StorefrontFollowedSchema, e.payload))
        .filter((e) => e.storefrontId === storefrontId);

    const unfollowEvents = (storefrontId: string) =>
      rig.published
        .filter((e) => e.subject === "mercato.sellers.storefront.unfollowed")
        .map((e) => fromBinary(StorefrontUnfollowedSchema, e.payload))
        .filter((e) => e.storefrontId === storefrontId);

    const outboxDrained = async () => {
      const [row] = rowsOf<{ n: number | string }>(
        await service.runtime.database.db.execute(sql`select count(*) as n from "sellers".outbox`),
      );
      return Number(row?.n) === 0;
    };

    describe("opening a storefront", () => {
      it("opens an active storefront for a verified seller and publishes StorefrontChanged on created", async () => {
        const owner = await seller();
        const req = request();
        const { storefront } = await client.createStorefront(req, owner.as);
        expect(storefront).toMatchObject({
          ownerId: owner.id,
          name: req.name,
          slug: req.slug,
          description: "Hand-made goods",
          logoMediaId: "",
          contact: { email: "shop@example.com", phone: "+4930123456", website: "https://shop.example.com" },
          address: { line1: "Unter den Linden 1", city: "Berlin", postalCode: "10117", countryCode: "DE" },
          location: cities.berlin,
          status: StorefrontStatus.ACTIVE,
          followerCount: 0n,
          followedByMe: false,
          version: 1n,
        });
        const id = storefront?.id ?? "";
        await waitFor(() => changes(id).length === 1, { message: "no StorefrontChanged" });
        expect(changes(id)[0]).toMatchObject({
          subject: "mercato.sellers.storefront.created",
          storefront: { slug: req.slug, version: 1n },
        });
        const mine = await client.getMyStorefront({}, owner.as);
        expect(mine.storefront?.id).toBe(id);
      });

      it("refuses an anonymous caller", async () => {
        expect((await failure(client.createStorefront(request()))).code).toBe(Code.Unauthenticated);
      });

      it("refuses a buyer account, telling it to register as a seller", async () => {
        const result = await failure(client.createStorefront(request(), (await buyer()).as));
        expect(result.code).toBe(Code.PermissionDenied);
        expect(result.message).toContain("register as a seller");
      });

      it("refuses a seller whose e-mail address is not verified", async () => {
        const result = await failure(client.createStorefront(request(), (await seller(false)).as));
        expect(result.code).toBe(Code.PermissionDenied);
        expect(result.message).toContain("verify your e-mail");
      });

      it("refuses a second storefront for the same account", async () => {
        const { owner } = await opened();
        const result = await failure(client.createStorefront(request(), owner.as));
        expect(result.code).toBe(Code.AlreadyExists);
        expect(result.message).toContain("already has a storefront");
      });

      it("refuses a slug another storefront uses, naming the slug", async () => {
        const { storefront } = await opened();
        const result = await failure(
          client.createStorefront(request({ slug: storefront.slug }), (await seller()).as),
        );
        expect(result.code).toBe(Code.AlreadyExists);
        expect(result.message).toMatch(/^slug: /);
      });

      it.each([
        ["a slug with capitals", { slug: "My-Shop" }, "slug"],
        ["a slug with a double dash", { slug: "my--shop" }, "slug"],
        ["a one-letter name", { name: "A" }, "name"],
        ["a name of spaces", { name: "    " }, "name"],
        ["a NUL in the name", { name: "Shop\u0000" }, "name"],
        ["a control character in the description", { description: "ok\u0007" }, "description"],
        ["a logo id that is not a UUID", { logoMediaId: "logo.png" }, "logo_media_id"],
        ["a malformed contact e-mail", { contact: { email: "nope" } }, "contact.email"],
        ["a blank city", { address: { line1: "Main 1", city: "  ", countryCode: "DE" } }, "address.city"],
        [
          "a lower-case country",
          { address: { line1: "Main 1", city: "Berlin", countryCode: "de" } },
          "address.country_code",
        ],
        ["a latitude beyond 90", { location: { latitude: 91, longitude: 0 } }, "location.latitude"],
      ] as const)("refuses %s naming the field", async (_label, overrides, field) => {
        const result = await failure(client.createStorefront(request(overrides), (await seller()).as));
        expect(result).toMatchObject({ code: Code.InvalidArgument, fields: [field] });
      });

      it("refuses a request without a location", async () => {
        const req = request();
        req.location = undefined;
        const result = await failure(client.createStorefront(req, (await seller()).as));
        expect(result).toMatchObject({ code: Code.InvalidArgument, fields: ["location"] });
      });

      it("holds a new storefront as pending when approval is manual, hidden until an admin activates it", async () => {
        const { owner, storefront } = await opened({}, manualClient);
        expect(storefront.status).toBe(StorefrontStatus.PENDING);
        const someone = await buyer();
        expect(
          (await failure(client.getStorefront({ key: { case: "id", value: storefront.id } }, someone.as)))
            .code,
        ).toBe(Code.NotFound);
        const own = await client.getStorefront({ key: { case: "id", value: storefront.id } }, owner.as);
        expect(own.storefront?.status).toBe(StorefrontStatus.PENDING);
        const activated = await client.setStorefrontStatus(
          { id: storefront.id, status: StorefrontStatus.ACTIVE },
          (await admin()).as,
        );
        expect(activated.storefront).toMatchObject({ status: StorefrontStatus.ACTIVE, version: 2n });
        const seen = await client.getStorefront(
          { key: { case: "slug", value: storefront.slug } },
          someone.as,
        );
        expect(seen.storefront?.id).toBe(storefront.id);
      });
    });

    describe("changing a storefront", () => {
      it("applies the owner's changes, bumps the version and publishes StorefrontChanged on updated", async () => {
        const { owner, storefront } = await opened();
        const slug = `renamed-${token()}`;
        const logo = await media(owner.id);
        const { storefront: updated } = await client.updateStorefront(
          { id: storefront.id, name: "  Renamed Shop ", slug, logoMediaId: logo, location: cities.potsdam },
          owner.as,
        );
        expect(updated).toMatchObject({
          name: "Renamed Shop",
          slug,
          logoMediaId: logo,
          description: "Hand-made goods",
          location: cities.potsdam,
          version: 2n,
        });
        expect(
          updated?.updatedAt &&
            storefront.updatedAt &&
            updated.updatedAt.seconds >= storefront.updatedAt.seconds,
        ).toBe(true);
        await waitFor(() => changes(storefront.id).length === 2, { message: "no update event" });
        expect(changes(storefront.id).map((e) => [e.subject, e.storefront?.version])).toEqual([
          ["mercato.sellers.storefront.created", 1n],
          ["mercato.sellers.storefront.updated", 2n],
        ]);
        expect(
          (await failure(client.getStorefront({ key: { case: "slug", value: storefront.slug } }))).code,
        ).toBe(Code.NotFound);
        const bySlug = await client.getStorefront({ key: { case: "slug", value: slug } });
        expect(bySlug.storefront?.id).toBe(storefront.id);
      });

      it("removes a logo set to an empty id", async () => {
        const owner = await seller();
        const { storefront } = await opened({ logoMediaId: await media(owner.id) }, client, owner);
        expect(storefront.logoMediaId).not.toBe("");
        const { storefront: updated } = await client.updateStorefront(
          { id: storefront.id, logoMediaId: "" },
          owner.as,
        );
        expect(updated?.logoMediaId).toBe("");
      });

      it("changes nothing and publishes nothing when the request repeats the stored values", async () => {
        const { owner, storefront } = await opened();
        const { storefront: same } = await client.updateStorefront(
          { id: storefront.id, name: storefront.name, location: cities.berlin },
          owner.as,
        );
        expect(same?.version).toBe(1n);
        await waitFor(outboxDrained);
        expect(changes(storefront.id)).toHaveLength(1);
      });

      it("refuses another seller with PermissionDenied", async () => {
        const { storefront } = await opened();
        const result = await failure(
          client.updateStorefront({ id: storefront.id, name: "Taken over" }, (await seller()).as),
        );
        expect(result.code).toBe(Code.PermissionDenied);
      });

      it("answers NotFound to another seller for a suspended storefront, as reading it does", async () => {
        const { owner, storefront } = await opened();
        await client.setStorefrontStatus(
          { id: storefront.id, status: StorefrontStatus.SUSPENDED, reason: "review" },
          (await admin()).as,
        );
        const result = await failure(
          client.updateStorefront({ id: storefront.id, name: "Taken over" }, (await seller()).as),
        );
        expect(result.code).toBe(Code.NotFound);
        const { storefront: own } = await client.updateStorefront(
          { id: storefront.id, name: "Still mine" },
          owner.as,
        );
        expect(own?.name).toBe("Still mine");
      });

      it("refuses a buyer with PermissionDenied and an anonymous caller with Unauthenticated", async () => {
        const { storefront } = await opened();
        expect(
          (await failure(client.updateStorefront({ id: storefront.id, name: "Mine" }, (await buyer()).as)))
            .code,
        ).toBe(Code.PermissionDenied);
        expect((await failure(client.updateStorefront({ id: storefront.id, name: "Mine" }))).code).toBe(
          Code.Unauthenticated,
        );
      });

      it("answers NotFound for an unknown storefront", async () => {
        const result = await failure(
          client.updateStorefront({ id: uuidv7(), name: "Ghost" }, (await seller()).as),
        );
        expect(result.code).toBe(Code.NotFound);
      });

      it("lets an admin change any storefront", async () => {
        const { storefront } = await opened();
        const { storefront: updated } = await client.updateStorefront(
          { id: storefront.id, description: "Checked by the team" },
          (await admin()).as,
        );
        expect(updated).toMatchObject({ description: "Checked by the team", version: 2n });
      });

      it("refuses a slug another storefront uses, naming the slug", async () => {
        const { storefront: other } = await opened();
        const { owner, storefront } = await opened();
        const result = await failure(
          client.updateStorefront({ id: storefront.id, slug: other.slug }, owner.as),
        );
        expect(result.code).toBe(Code.AlreadyExists);
        expect(result.message).toMatch(/^slug: /);
      });

      it("refuses a control character in the address, naming the field", async () => {
        const { owner, storefront } = await opened();
        const result = await failure(
          client.updateStorefront(
            { id: storefront.id, address: { line1: "Main\u0000 1", city: "Berlin", countryCode: "DE" } },
            owner.as,
          ),
        );
        expect(result).toMatchObject({ code: Code.InvalidArgument, fields: ["address.line1"] });
      });
    });

    describe("logo and banner media", () => {
      const openedWith = async (owner: Account, overrides: CreateOverrides) =>
        failure(client.createStorefront(request(overrides), owner.as));

      it("opens a storefront with a ready logo and banner of its owner", async () => {
        const owner = await seller();
        const logo = await media(owner.id);
        const banner = await media(owner.id, Purpose.STOREFRONT_BANNER);
        const { storefront } = await opened({ logoMediaId: logo, bannerMediaId: banner }, client, owner);
        expect(storefront).toMatchObject({ logoMediaId: logo, bannerMediaId: banner });
      });

      it("refuses another account's logo and an unknown banner, naming each field, and opens nothing", async () => {
        const owner = await seller();
        const foreign = await media((await seller()).id);
        const failed = await openedWith(owner, { logoMediaId: foreign, bannerMediaId: uuidv7() });
        expect(failed).toMatchObject({
          code: Code.InvalidArgument,
          fields: ["logo_media_id", "banner_media_id"],
        });
        expect(failed.message).toContain(`media ${foreign} is not a ready storefront logo image of yours`);
        // Nothing was opened: the seller may still open its one storefront.
        expect((await opened({}, client, owner)).storefront.ownerId).toBe(owner.id);
      });

      it("refuses a video as a logo and a banner image as a logo", async () => {
        const owner = await seller();
        const video = await media(owner.id, Purpose.STOREFRONT_LOGO, MediaKind.VIDEO);
        expect(await openedWith(owner, { logoMediaId: video })).toMatchObject({
          code: Code.InvalidArgument,
          fields: ["logo_media_id"],
        });
        const banner = await media(owner.id, Purpose.STOREFRONT_BANNER);
        expect(await openedWith(owner, { logoMediaId: banner })).toMatchObject({
          code: Code.InvalidArgument,
          fields: ["logo_media_id"],
        });
      });

      it("refuses a logo deleted after it was ready, and keeps one deleted after it was set", async () => {
        const { owner, storefront } = await opened();
        const gone = await media(owner.id);
        await publishMediaState(
          rig.bus,
          service,
          { mediaId: gone, ownerId: owner.id, purpose: Purpose.STOREFRONT_LOGO },
          "deleted",
        );
        expect(
          await failure(client.updateStorefront({ id: storefront.id, logoMediaId: gone }, owner.as)),
        ).toMatchObject({ code: Code.InvalidArgument, fields: ["logo_media_id"] });
        const logo = await media(owner.id);
        await client.updateStorefront({ id: storefront.id, logoMediaId: logo }, owner.as);
        await publishMediaState(
          rig.bus,
          service,
          { mediaId: logo, ownerId: owner.id, purpose: Purpose.STOREFRONT_LOGO },
          "deleted",
        );
        const { storefront: renamed } = await client.updateStorefront(
          { id: storefront.id, name: "Still my logo", logoMediaId: logo },
          owner.as,
        );
        expect(renamed).toMatchObject({ name: "Still my logo", logoMediaId: logo });
      });

      it("lets an admin set another account's banner on a storefront", async () => {
        const { storefront } = await opened();
        const banner = await media((await seller()).id, Purpose.STOREFRONT_BANNER);
        const { storefront: updated } = await client.updateStorefront(
          { id: storefront.id, bannerMediaId: banner },
          (await admin()).as,
        );
        expect(updated?.bannerMediaId).toBe(banner);
      });
    });

    describe("storefront status", () => {
      it("lets an admin suspend with a reason, hiding the storefront from buyers but not its owner", async () => {
        const { owner, storefront } = await opened();
        const someone = await buyer();
        const { storefront: suspended } = await client.setStorefrontStatus(
          { id: storefront.id, status: StorefrontStatus.SUSPENDED, reason: "  counterfeit goods " },
          (await admin()).as,
        );
        expect(suspended).toMatchObject({
          status: StorefrontStatus.SUSPENDED,
          statusReason: "counterfeit goods",
          version: 2n,
        });
        const byId = { key: { case: "id" as const, value: storefront.id } };
        expect((await failure(client.getStorefront(byId, someone.as))).code).toBe(Code.NotFound);
        expect((await failure(client.getStorefront(byId))).code).toBe(Code.NotFound);
        const batch = await client.batchGetStorefronts({ ids: [storefront.id] }, someone.as);
        expect(batch.storefronts).toHaveLength(0);
        const listed = await client.listStorefronts({ query: storefront.slug }, someone.as);
        expect(listed.hits).toHaveLength(0);
        const own = await client.getStorefront(byId, owner.as);
        expect(own.storefront?.statusReason).toBe("counterfeit goods");
        const mine = await client.batchGetStorefronts({ ids: [storefront.id] }, owner.as);
        expect(mine.storefronts).toHaveLength(1);

        const { storefront: active } = await client.setStorefrontStatus(
          { id: storefront.id, status: StorefrontStatus.ACTIVE },
          (await admin()).as,
        );
        expect(active).toMatchObject({ status: StorefrontStatus.ACTIVE, statusReason: "", version: 3n });
        await waitFor(() => changes(storefront.id).length === 3, { message: "missing status events" });
        expect(changes(storefront.id).map((e) => [e.storefront?.version, e.storefront?.status])).toEqual([
          [1n, StorefrontStatus.ACTIVE],
          [2n, StorefrontStatus.SUSPENDED],
          [3n, StorefrontStatus.ACTIVE],
        ]);
        expect((await client.getStorefront(byId, someone.as)).storefront?.id).toBe(storefront.id);
      });

      it("refuses the owner setting its own status", async () => {
        const { owner, storefront } = await opened();
        const result = await failure(
          client.setStorefrontStatus({ id: storefront.id, status: StorefrontStatus.ACTIVE }, owner.as),
        );
        expect(result.code).toBe(Code.PermissionDenied);
      });

      it("refuses a suspension without a reason, naming the reason", async () => {
        const { storefront } = await opened();
        const result = await failure(
          client.setStorefrontStatus(
            { id: storefront.id, status: StorefrontStatus.SUSPENDED, reason: "   " },
            (await admin()).as,
          ),
        );
        expect(result).toMatchObject({ code: Code.InvalidArgument, fields: ["reason"] });
      });

      it("refuses PENDING as a new status, naming the status", async () => {
        const { storefront } = await opened();
        const result = await failure(
          client.setStorefrontStatus(
            { id: storefront.id, status: StorefrontStatus.PENDING },
            (await admin()).as,
          ),
        );
        expect(result).toMatchObject({ code: Code.InvalidArgument, fields: ["status"] });
      });

      it("answers NotFound for an unknown storefront", async () => {
        const result = await failure(
          client.setStorefrontStatus(
            { id: uuidv7(), status: StorefrontStatus.SUSPENDED, reason: "spam" },
            (await admin()).as,
          ),
        );
        expect(result.code).toBe(Code.NotFound);
      });

      it("lists suspended storefronts for an admin only", async () => {
        const { storefront } = await opened();
        await client.setStorefrontStatus(
          { id: storefront.id, status: StorefrontStatus.SUSPENDED, reason: "spam" },
          (await admin()).as,
        );
        const forAdmin = await client.listStorefronts(
          { query: storefront.slug, status: StorefrontStatus.SUSPENDED },
          (await admin()).as,
        );
        expect(forAdmin.hits.map((h) => h.storefront?.id)).toEqual([storefront.id]);
        const anyStatus = await client.listStorefronts({ query: storefront.slug }, (await admin()).as);
        expect(anyStatus.hits).toHaveLength(1);
        const result = await failure(
          client.listStorefronts({ status: StorefrontStatus.SUSPENDED }, (await buyer()).as),
        );
        expect(result.code).toBe(Code.PermissionDenied);
      });
    });

    describe("reading storefronts", () => {
      it("answers anonymous callers by id, slug and in batches", async () => {
        const { storefront } = await opened();
        expect(
          (await client.getStorefront({ key: { case: "id", value: storefront.id } })).storefront?.slug,
        ).toBe(storefront.slug);
        expect(
          (await client.getStorefront({ key: { case: "slug", value: storefront.slug } })).storefront?.id,
        ).toBe(storefront.id);
        const batch = await client.batchGetStorefronts({ ids: [storefront.id, uuidv7()] });
        expect(batch.storefronts.map((s) => s.id)).toEqual([storefront.id]);
      });

      it("answers NotFound for an unknown id or slug, and InvalidArgument for a slug holding a NUL", async () => {
        expect((await failure(client.getStorefront({ key: { case: "id", value: uuidv7() } }))).code).toBe(
          Code.NotFound,
        );
        expect(
          (await failure(client.getStorefront({ key: { case: "slug", value: "no-such-shop" } }))).code,
        ).toBe(Code.NotFound);
        // A NUL could never be stored; every service refuses it before the handler, naming the field.
        expect(
          await failure(client.getStorefront({ key: { case: "slug", value: "Bad\u0000" } })),
        ).toMatchObject({
          code: Code.InvalidArgument,
          fields: ["slug"],
        });
      });

      it("refuses a request naming no storefront", async () => {
        expect((await failure(client.getStorefront({}))).code).toBe(Code.InvalidArgument);
      });

      it("answers GetMyStorefront with NotFound before the storefront is opened", async () => {
        const result = await failure(client.getMyStorefront({}, (await seller()).as));
        expect(result.code).toBe(Code.NotFound);
        expect((await failure(client.getMyStorefront({}))).code).toBe(Code.Unauthenticated);
      });
    });

    describe("following", () => {
      it("counts a follow once however often it is repeated, without bumping the version", async () => {
        const { storefront } = await opened();
        const fan = await buyer();
        const first = await client.followStorefront({ id: storefront.id }, fan.as);
        const second = await client.followStorefront({ id: storefront.id }, fan.as);
        expect(first.storefront).toMatchObject({ followerCount: 1n, followedByMe: true, version: 1n });
        expect(second.storefront).toMatchObject({ followerCount: 1n, followedByMe: true, version: 1n });
        await waitFor(() => followEvents(storefront.id).length === 1, { message: "no StorefrontFollowed" });
        await waitFor(outboxDrained);
        expect(followEvents(storefront.id)).toHaveLength(1);
        expect(followEvents(storefront.id)[0]?.userId).toBe(fan.id);
        expect(changes(storefront.id)).toHaveLength(1);
      });

      it("keeps an exact count when many follow at once", async () => {
        const { storefront } = await opened();
        const fans = await Promise.all(Array.from({ length: 8 }, () => buyer()));
        await Promise.all(
          fans.flatMap((fan) => [
            client.followStorefront({ id: storefront.id }, fan.as),
            client.followStorefront({ id: storefront.id }, fan.as),
          ]),
        );
        const { storefront: seen } = await client.getStorefront({
          key: { case: "id", value: storefront.id },
        });
        expect(seen?.followerCount).toBe(8n);
      });

      it("reports followed_by_me for the follower only, on get, batch get and list", async () => {
        const { storefront } = await opened();
        const fan = await buyer();
        const other = await buyer();
        await client.followStorefront({ id: storefront.id }, fan.as);
        const byId = { key: { case: "id" as const, value: storefront.id } };
        expect((await client.getStorefront(byId, fan.as)).storefront?.followedByMe).toBe(true);
        expect((await client.getStorefront(byId, other.as)).storefront?.followedByMe).toBe(false);
        expect((await client.getStorefront(byId)).storefront).toMatchObject({
          followedByMe: false,
          followerCount: 1n,
        });
        const batch = await client.batchGetStorefronts({ ids: [storefront.id] }, fan.as);
        expect(batch.storefronts[0]?.followedByMe).toBe(true);
        const listed = await client.listStorefronts({ query: storefront.slug }, fan.as);
        expect(listed.hits[0]?.storefront?.followedByMe).toBe(true);
        const listedForOther = await client.listStorefronts({ query: storefront.slug }, other.as);
        expect(listedForOther.hits[0]?.storefront?.followedByMe).toBe(false);
      });

      it("unfollows, never counting below zero, and a repeated unfollow is no error", async () => {
        const { storefront } = await opened();
        const fan = await buyer();
        await client.followStorefront({ id: storefront.id }, fan.as);
        const first = await client.unfollowStorefront({ id: storefront.id }, fan.as);
        const second = await client.unfollowStorefront({ id: storefront.id }, fan.as);
        expect(first.storefront).toMatchObject({ followerCount: 0n, followedByMe: false });
        await waitFor(() => unfollowEvents(storefront.id).length === 1, {
          message: "no StorefrontUnfollowed",
        });
        await waitFor(outboxDrained);
        expect(unfollowEvents(storefront.id).map((e) => e.userId)).toEqual([fan.id]);
        expect(second.storefront).toMatchObject({ followerCount: 0n, followedByMe: false });
        const { storefront: seen } = await client.getStorefront(
          { key: { case: "id", value: storefront.id } },
          fan.as,
        );
        expect(seen).toMatchObject({ followerCount: 0n, followedByMe: false });
      });

      it("lets a follower unfollow a storefront that was suspended since", async () => {
        const { storefront } = await opened();
        const fan = await buyer();
        await client.followStorefront({ id: storefront.id }, fan.as);
        await client.setStorefrontStatus(
          { id: storefront.id, status: StorefrontStatus.SUSPENDED, reason: "spam" },
          (await admin()).as,
        );
        const { storefront: after } = await client.unfollowStorefront({ id: storefront.id }, fan.as);
        expect(after?.followerCount).toBe(0n);
        expect((await failure(client.unfollowStorefront({ id: storefront.id }, fan.as))).code).toBe(
          Code.NotFound,
        );
      });

      it("follows only active storefronts: a suspended one is NotFound to buyers", async () => {
        const { storefront } = await opened();
        await client.setStorefrontStatus(
          { id: storefront.id, status: StorefrontStatus.SUSPENDED, reason: "spam" },
          (await admin()).as,
        );
        expect((await failure(client.followStorefront({ id: storefront.id }, (await buyer()).as))).code).toBe(
          Code.NotFound,
        );
      });

      it("tells the owner of a pending storefront that it cannot be followed yet", async () => {
        const { owner, storefront } = await opened({}, manualClient);
        const result = await failure(client.followStorefront({ id: storefront.id }, owner.as));
        expect(result.code).toBe(Code.FailedPrecondition);
      });

      it("refuses its owner's follow of an open storefront and counts nothing", async () => {
        const { owner, storefront } = await opened();
        const result = await failure(client.followStorefront({ id: storefront.id }, owner.as));
        expect(result.code).toBe(Code.FailedPrecondition);
        expect(result.message).toContain("its own owner");
        const after = await client.getStorefront({ key: { case: "id", value: storefront.id } }, owner.as);
        expect(after.storefront).toMatchObject({ followerCount: 0n, followedByMe: false });
      });

      it("refuses an anonymous follow and answers NotFound for an unknown storefront", async () => {
        const { storefront } = await opened();
        expect((await failure(client.followStorefront({ id: storefront.id }))).code).toBe(
          Code.Unauthenticated,
        );
        expect((await failure(client.unfollowStorefront({ id: storefront.id }))).code).toBe(
          Code.Unauthenticated,
        );
        expect((await failure(client.followStorefront({ id: uuidv7() }, (await buyer()).as))).code).toBe(
          Code.NotFound,
        );
        expect((await failure(client.unfollowStorefront({ id: uuidv7() }, (await buyer()).as))).code).toBe(
          Code.NotFound,
        );
      });

      it("lists the caller's follows newest first, page by page, leaving out suspended storefronts", async () => {
        const fan = await buyer();
        const shops = [];
        for (let i = 0; i < 4; i++) shops.push((await opened()).storefront);
        for (const shop of shops) await client.followStorefront({ id: shop.id }, fan.as);
        const [first, second, third, fourth] = shops;
        await client.setStorefrontStatus(
          { id: second?.id ?? "", status: StorefrontStatus.SUSPENDED, reason: "spam" },
          (await admin()).as,
        );
        const page1 = await client.listFollowedStorefronts({ limit: 2 }, fan.as);
        expect(page1.storefronts.map((s) => s.id)).toEqual([fourth?.id, third?.id]);
        expect(page1.storefronts.every((s) => s.followedByMe)).toBe(true);
        expect(page1.nextCursor).not.toBe("");
        const page2 = await client.listFollowedStorefronts({ limit: 2, cursor: page1.nextCursor }, fan.as);
        expect(page2.storefronts.map((s) => s.id)).toEqual([first?.id]);
        expect(page2.nextCursor).toBe("");
        const result = await failure(client.listFollowedStorefronts({ cursor: "not-a-cursor" }, fan.as));
        expect(result).toMatchObject({ code: Code.InvalidArgument, fields: ["cursor"] });
        expect((await failure(client.listFollowedStorefronts({}))).code).toBe(Code.Unauthenticated);
      });
    });

    describe("listing and distance search", () => {
      it("finds storefronts near a point nearest first with spheroid distances, leaving out those outside the radius", async () => {
        const tag = token();
        const { storefront: berlin } = await opened({
          description: `bakery ${tag}`,
          location: cities.berlin,
        });
        const { storefront: potsdam } = await opened({
          description: `bakery ${tag}`,
          location: cities.potsdam,
        });
        const { storefront: munich } = await opened({
          description: `bakery ${tag}`,
          location: cities.munich,
        });
        const near = await client.listStorefronts({
          query: tag,
          near: { point: cities.berlin, radiusMeters: 50_000 },
        });
        expect(near.hits.map((h) => h.storefront?.id)).toEqual([berlin.id, potsdam.id]);
        expect(near.hits[0]?.distanceMeters).toBeCloseTo(0, 3);
        expect(near.hits[1]?.distanceMeters).toBeGreaterThan(20_000);
        expect(near.hits[1]?.distanceMeters).toBeLessThan(30_000);
        expect(near.hits.some((h) => h.storefront?.id === munich.id)).toBe(false);

        const wide = await client.listStorefronts({
          query: tag,
          near: { point: cities.berlin, radiusMeters: 600_000 },
        });
        expect(wide.hits.map((h) => h.storefront?.id)).toEqual([berlin.id, potsdam.id, munich.id]);
        const toMunich = wide.hits[2]?.distanceMeters ?? 0;
        // Berlin to Munich on the WGS 84 spheroid is about 504 km; allow 1%.
        expect(Math.abs(toMunich - 504_000) / 504_000).toBeLessThan(0.01);
      });

      it("pages a distance search by distance then id, and refuses a cursor of another ordering", async () => {
        const tag = token();
        const ids = [];
        for (const point of [cities.munich, cities.potsdam, cities.berlin]) {
          ids.push((await opened({ description: tag, location: point })).storefront.id);
        }
        const near = { point: cities.berlin, radiusMeters: 1_000_000 };
        const seen: string[] = [];
        const distances: number[] = [];
        let cursor = "";
        do {
          const page = await client.listStorefronts({ query: tag, near, limit: 1, cursor });
          seen.push(...page.hits.map((h) => h.storefront?.id ?? ""));
          distances.push(...page.hits.map((h) => h.distanceMeters ?? -1));
          cursor = page.nextCursor;
        } while (cursor !== "");
        expect(seen).toEqual([ids[2], ids[1], ids[0]]);
        expect([...distances].sort((a, b) => a - b)).toEqual(distances);

        const newest = await client.listStorefronts({ query: tag, limit: 1 });
        const result = await failure(client.listStorefronts({ query: tag, near, cursor: newest.nextCursor }));
        expect(result).toMatchObject({ code: Code.InvalidArgument, fields: ["cursor"] });
      });

      it("lists newest first without a point, page by page, without distances", async () => {
        const tag = token();
        const ids = [];
        for (let i = 0; i < 5; i++) ids.push((await opened({ description: `${tag} shop` })).storefront.id);
        const seen: string[] = [];
        let cursor = "";
        let pages = 0;
        do {
          const page = await client.listStorefronts({ query: tag.toUpperCase(), limit: 2, cursor });
          expect(page.hits.every((h) => h.distanceMeters === undefined)).toBe(true);
          seen.push(...page.hits.map((h) => h.storefront?.id ?? ""));
          cursor = page.nextCursor;
          pages++;
        } while (cursor !== "");
        expect(pages).toBe(3);
        expect(seen).toEqual([...ids].reverse());
      });

      it("matches the query text literally, so % and _ are no wildcards", async () => {
        const tag = token();
        const { storefront: percent } = await opened({ name: `100% ${tag}` });
        await opened({ name: `1000 ${tag}` });
        const found = await client.listStorefronts({ query: `100% ${tag}` });
        expect(found.hits.map((h) => h.storefront?.id)).toEqual([percent.id]);
        const underscore = await client.listStorefronts({ query: `10_ ${tag}` });
        expect(underscore.hits).toHaveLength(0);
      });

      it("finds the query text in the name or the description, name matches first, page by page", async () => {
        const tag = token();
        const { storefront: namedOld } = await opened({ name: `Old ${tag} Bakery`, location: cities.munich });
        const { storefront: described } = await opened({
          description: `we bake ${tag}`,
          location: cities.berlin,
        });
        const { storefront: namedNew } = await opened({
          name: `New ${tag} Bakery`,
          location: cities.potsdam,
        });
        await opened({ description: "nothing to see" });

        const pages = async (req: {
          query: string;
          near?: { point: typeof cities.berlin; radiusMeters: number };
        }) => {
          const seen: string[] = [];
          let cursor = "";
          do {
            const page = await client.listStorefronts({ ...req, limit: 1, cursor });
            seen.push(...page.hits.map((h) => h.storefront?.id ?? ""));
            cursor = page.nextCursor;
          } while (cursor !== "");
          return seen;
        };
        // Newest first within each rank; the description match is the second newest.
        expect(await pages({ query: tag.toUpperCase() })).toEqual([namedNew.id, namedOld.id, described.id]);
        // Nearest first within each rank; the description match is the nearest to Berlin.
        const near = { point: cities.berlin, radiusMeters: 1_000_000 };
        expect(await pages({ query: tag, near })).toEqual([namedNew.id, namedOld.id, described.id]);

        const unranked = await client.listStorefronts({ limit: 1 });
        const result = await failure(client.listStorefronts({ query: tag, cursor: unranked.nextCursor }));
        expect(result).toMatchObject({ code: Code.InvalidArgument, fields: ["cursor"] });
      });

      it("filters by country", async () => {
        const tag = token();
        const { storefront: french } = await opened({
          description: tag,
          address: { line1: "1 Rue de Rivoli", city: "Paris", postalCode: "75001", countryCode: "FR" },
          location: { latitude: 48.8566, longitude: 2.3522 },
        });
        await opened({ description: tag });
        const found = await client.listStorefronts({ query: tag, countryCode: "FR" });
        expect(found.hits.map((h) => h.storefront?.id)).toEqual([french.id]);
      });

      it.each([
        ["a cursor that is not base64 JSON", { cursor: "%%%" }, "cursor"],
        [
          "a cursor with a foreign shape",
          { cursor: Buffer.from('["newest",1,"x"]').toString("base64url") },
          "cursor",
        ],
        ["a limit over 100", { limit: 101 }, "limit"],
        ["a radius of zero", { near: { point: cities.berlin, radiusMeters: 0 } }, "near.radius_meters"],
        ["a lower-case country", { countryCode: "de" }, "country_code"],
        ["a control character in the query", { query: "shop\u0000" }, "query"],
      ] as const)("refuses %s naming the field", async (_label, req, field) => {
        const result = await failure(client.listStorefronts(req));
        expect(result).toMatchObject({ code: Code.InvalidArgument, fields: [field] });
      });
    });

    describe("demo seed", () => {
      it("inserts storefronts in bulk without events, and a second run inserts nothing", async () => {
        const owner = uuidv7();
        const rows: SeedStorefront[] = Array.from({ length: 3 }, (_, i) => ({
          id: uuidv7(),
          ownerId: i === 0 ? owner : uuidv7(),
          name: `Seeded ${i}`,
          slug: `seeded-${token()}`,
          description: "From the demo seed",
          contactEmail: `seed${i}@example.com`,
          address: {
            line1: "Marienplatz 1",
            city: "Munich",
            region: "Bavaria",
            postalCode: "80331",
            countryCode: "DE",
          },
          location: { lat: cities.munich.latitude, lng: cities.munich.longitude },
          status: "active",
        }));
        const database = service.runtime.database;
        expect(await seedStorefronts(database, rows)).toBe(3);
        expect(await seedStorefronts(database, rows)).toBe(0);
        const first = rows[0];
        const { storefront } = await client.getStorefront({ key: { case: "id", value: first?.id ?? "" } });
        expect(storefront).toMatchObject({
          ownerId: owner,
          slug: first?.slug,
          status: StorefrontStatus.ACTIVE,
          location: cities.munich,
          address: { region: "Bavaria", countryCode: "DE" },
          contact: { email: "seed0@example.com", phone: "" },
          version: 1n,
        });
        await waitFor(outboxDrained);
        expect(changes(first?.id ?? "")).toHaveLength(0);
      });
    });
  });
}

describeSellersService("sellers service on PGlite", () => pgliteFixture());

describeWithInfra("DATABASE_URL", "sellers service on PostgreSQL", (url) => {
  // The migrations name the "sellers" schema, so each run gets a database of its own.
  describeSellersService("a fresh database", () =>
    postgresFixture(url, { prefix: "sellers_test", maxConnections: 8 }),
  );
});
