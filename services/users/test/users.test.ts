import { create, fromBinary, type MessageInitShape } from "@bufbuild/protobuf";
import { Code } from "@connectrpc/connect";
import { MediaKind, Purpose } from "@mercato/contracts/mercato/media/v1/media_pb";
import {
  type AddressFields,
  AddressFieldsSchema,
  ProfileCreatedSchema,
  ProfileUpdatedSchema,
  UsersService,
} from "@mercato/contracts/mercato/users/v1/users_pb";
import { createRpcClient, type EventEnvelope, type RunningService, rowsOf } from "@mercato/platform";
import { createTestIssuer } from "@mercato/platform/auth/test-keys";
import { describeWithInfra, publishMediaState, readyMedia, waitFor } from "@mercato/testing";
import { userRegisteredEvent } from "@mercato/testing/identity-events";
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
import { usersService } from "../src/index.js";

type Client = ReturnType<typeof createRpcClient<typeof UsersService>>;

/** A signed-in user of the tests. */
interface User {
  id: string;
  email: string;
  phone: string;
  /** Call options carrying the user's bearer token. */
  as: { headers: { authorization: string } };
}

const berlin = (overrides: MessageInitShape<typeof AddressFieldsSchema> = {}): AddressFields =>
  create(AddressFieldsSchema, {
    recipientName: "Ada Lovelace",
    line1: "Unter den Linden 1",
    city: "Berlin",
    postalCode: "10117",
    countryCode: "DE",
    ...overrides,
  });

function describeUsersService(label: string, openFixture: () => Promise<DatabaseFixture>): void {
  describe(label, () => {
    let rig: ServiceRig;
    let service: RunningService;
    let client: Client;

    beforeAll(async () => {
      rig = await openServiceRig(openFixture, "mercato.users.>");
      service = await startTestService(usersService, rig);
      client = createRpcClient(UsersService, { baseUrl: service.url, maxRetries: 0 });
    });

    afterAll(async () => {
      await service?.stop();
      await rig?.close();
    });

    const registration = (account: { id: string; email?: string; phone?: string }): EventEnvelope =>
      userRegisteredEvent(account);

    const tokenFor = async (id: string, roles: string[] = ["buyer"]) => ({
      headers: {
        authorization: `Bearer ${await rig.issuer.sign({ sub: id, roles, email_verified: false })}`,
      },
    });

    /** A user with a token but no registration (so no profile). */
    const unregistered = async (roles: string[] = ["buyer"]): Promise<User> => {
      const id = uuidv7();
      return { id, email: `${id}@example.com`, phone: "+4915112345678", as: await tokenFor(id, roles) };
    };

    /** A registered user whose profile exists. */
    const registered = async (roles: string[] = ["buyer"]): Promise<User> => {
      const user = await unregistered(roles);
      await rig.bus.publish(registration(user));
      await waitFor(() => client.getMyProfile({}, user.as), { message: "profile was not created" });
      return user;
    };

    /** A media of `ownerId` the service has seen become ready (an avatar image unless told otherwise). */
    const media = (ownerId: string, purpose = Purpose.AVATAR, kind = MediaKind.IMAGE) =>
      readyMedia(rig.bus, service, { ownerId, purpose, kind });

    const eventsFor = (userId: string) => ({
      created: rig.published
        .filter((e) => e.subject === "mercato.users.profile.created")
        .map((e) => fromBinary(ProfileCreatedSchema, e.payload).profile)
        .filter((p) => p?.userId === userId),
      updated: rig.published
        .filter((e) => e.subject === "mercato.users.profile.updated")
        .map((e) => fromBinary(ProfileUpdatedSchema, e.payload).profile)
        .filter((p) => p?.userId === userId),
    });

    const outboxDrained = async () => {
      const [row] = rowsOf<{ n: number | string }>(
        await service.runtime.database.db.execute(sql`select count(*) as n from "users".outbox`),
      );
      return Number(row?.n) === 0;
    };

    describe("authentication", () => {
      it.each([
        ["GetMyProfile", () => client.getMyProfile({})],
        ["UpdateMyProfile", () => client.updateMyProfile({ displayName: "x" })],
        ["GetProfile", () => client.getProfile({ userId: uuidv7() })],
        ["ListAddresses", () => client.listAddresses({})],
        ["GetAddress", () => client.getAddress({ id: uuidv7() })],
        ["CreateAddress", () => client.createAddress({ fields: berlin() })],
        ["UpdateAddress", () => client.updateAddress({ id: uuidv7(), fields: berlin() })],
        ["DeleteAddress", () => client.deleteAddress({ id: uuidv7() })],
      ])("refuses %s without a bearer token", async (_name, call) => {
        expect(await failure(call())).toMatchObject({ code: Code.Unauthenticated, message: "sign in first" });
      });

      it("refuses a token the issuer did not sign", async () => {
        const other = await createTestIssuer();
        try {
          const token = await other.sign({ sub: uuidv7() });
          const result = await failure(
            client.getMyProfile({}, { headers: { authorization: `Bearer ${token}` } }),
          );
          expect(result.code).toBe(Code.Unauthenticated);
        } finally {
          await other.close();
        }
      });
    });

    describe("profiles", () => {
      it("creates the profile from UserRegistered, seeded with the account's e-mail and phone", async () => {
        const user = await unregistered();
        await rig.bus.publish(registration(user));
        const { profile } = await waitFor(() => client.getMyProfile({}, user.as));
        expect(profile).toMatchObject({
          userId: user.id,
          email: user.email,
          phone: user.phone,
          displayName: "",
          avatarMediaId: "",
          locale: "en",
        });
        await waitFor(() => eventsFor(user.id).created.length === 1, { message: "no ProfileCreated" });
        expect(eventsFor(user.id).created[0]?.email).toBe(user.email);
      });

      it("answers NotFound with a hint while the profile is not created yet", async () => {
        const user = await unregistered();
        expect(await failure(client.getMyProfile({}, user.as))).toMatchObject({
          code: Code.NotFound,
          message: "profile not found; it is created shortly after registration",
        });
      });

      it("creates one profile and one ProfileCreated however often the registration arrives", async () => {
        const user = await unregistered();
        const first = registration(user);
        await rig.bus.publish(first);
        const before = await waitFor(() => client.getMyProfile({}, user.as));
        await rig.bus.publish(first);
        const consumer = service.consumers.get("user-registered");
        expect(await consumer?.handle(first, 1)).toBe("duplicate");
        // A new event id for the same account passes the inbox and meets the existing profile.
        expect(await consumer?.handle(registration({ ...user, email: "other@example.com" }), 1)).toBe(
          "applied",
        );
        await waitFor(outboxDrained, { message: "outbox not drained" });
        expect(eventsFor(user.id).created).toHaveLength(1);
        const after = await client.getMyProfile({}, user.as);
        expect(after.profile).toEqual(before.profile);
      });

      it("changes only the fields sent and publishes ProfileUpdated", async () => {
        const user = await registered();
        const { profile } = await client.updateMyProfile(
          { displayName: "  Ada  Lovelace ", locale: "pt-br" },
          user.as,
        );
        expect(profile).toMatchObject({
          displayName: "Ada Lovelace",
          locale: "pt-BR",
          email: user.email,
          phone: user.phone,
        });
        await waitFor(() => eventsFor(user.id).updated.length === 1, { message: "no ProfileUpdated" });
        expect(eventsFor(user.id).updated[0]?.displayName).toBe("Ada Lovelace");
        expect((await client.getMyProfile({}, user.as)).profile?.locale).toBe("pt-BR");
      });

      it("clears optional fields sent as empty strings", async () => {
        const user = await registered();
        const avatar = await media(user.id);
        const { profile: set } = await client.updateMyProfile(
          { displayName: "Ada", avatarMediaId: avatar },
          user.as,
        );
        expect(set?.avatarMediaId).toBe(avatar);
        const { profile } = await client.updateMyProfile(
          { email: "", phone: "", avatarMediaId: "" },
          user.as,
        );
        expect(profile).toMatchObject({ displayName: "Ada", email: "", phone: "", avatarMediaId: "" });
      });

      it("publishes nothing when an update changes nothing", async () => {
        const user = await registered();
        await client.updateMyProfile({ locale: "en", email: user.email }, user.as);
        await waitFor(outboxDrained);
        expect(eventsFor(user.id).updated).toHaveLength(0);
      });

      it("refuses to update a profile that does not exist yet", async () => {
        const user = await unregistered();
        expect((await failure(client.updateMyProfile({ displayName: "Ada" }, user.as))).code).toBe(
          Code.NotFound,
        );
      });

      it.each([
        ["an unknown language", { locale: "xx" }, "locale"],
        ["a locale that is not a tag", { locale: "English" }, "locale"],
        ["a malformed e-mail", { email: "ada.example.com" }, "email"],
        ["a phone number not in E.164", { phone: "0151 1234567" }, "phone"],
        ["an avatar id that is not a UUID", { avatarMediaId: "avatar.png" }, "avatar_media_id"],
        ["a display name over 100 characters", { displayName: "a".repeat(101) }, "display_name"],
        ["a NUL character in the display name", { displayName: "Ada\u0000" }, "display_name"],
        ["a NUL character in the e-mail", { email: "ada\u0000@example.com" }, "email"],
      ])("refuses %s naming the field", async (_label, request, field) => {
        const user = await registered();
        expect(await failure(client.updateMyProfile(request, user.as))).toMatchObject({
          code: Code.InvalidArgument,
          fields: [field],
        });
      });

      it("lets a user read their own profile by id", async () => {
        const user = await registered();
        expect((await client.getProfile({ userId: user.id }, user.as)).profile?.userId).toBe(user.id);
      });

      it("answers NotFound for another user's profile, as for one that does not exist", async () => {
        const alice = await registered();
        const bob = await registered();
        const other = await failure(client.getProfile({ userId: alice.id }, bob.as));
        const missing = await failure(client.getProfile({ userId: uuidv7() }, bob.as));
        expect(other).toMatchObject({ code: Code.NotFound });
        expect(other).toEqual(missing);
      });

      it("lets an admin read any profile", async () => {
        const alice = await registered();
        const admin = await unregistered(["admin"]);
        expect((await client.getProfile({ userId: alice.id }, admin.as)).profile?.userId).toBe(alice.id);
      });

      it("refuses a caller whose id is not a user account", async () => {
        const as = await tokenFor("service:orders", []);
        expect((await failure(client.getMyProfile({}, as))).code).toBe(Code.PermissionDenied);
      });
    });

    describe("avatar media", () => {
      const refused = async (user: User, avatarMediaId: string) =>
        failure(client.updateMyProfile({ avatarMediaId }, user.as));

      it("refuses another account's avatar, naming the field and saying why", async () => {
        const user = await registered();
        const foreign = await media((await registered()).id);
        expect(await refused(user, foreign)).toEqual({
          code: Code.InvalidArgument,
          fields: ["avatar_media_id"],
          message: `avatar_media_id: media ${foreign} is not a ready avatar image of yours`,
        });
      });

      it.each([
        ["an unknown media id", async () => uuidv7()],
        ["a product image", async (user: User) => media(user.id, Purpose.PRODUCT)],
        ["a video", async (user: User) => media(user.id, Purpose.AVATAR, MediaKind.VIDEO)],
        [
          "a media whose processing failed",
          (user: User) =>
            publishMediaState(rig.bus, service, { ownerId: user.id, purpose: Purpose.AVATAR }, "failed"),
        ],
        [
          "a media deleted after it was ready",
          async (user: User) =>
            publishMediaState(
              rig.bus,
              service,
              { mediaId: await media(user.id), ownerId: user.id, purpose: Purpose.AVATAR },
              "deleted",
            ),
        ],
      ])("refuses %s as an avatar", async (_label, avatar) => {
        const user = await registered();
        expect(await refused(user, await avatar(user))).toMatchObject({
          code: Code.InvalidArgument,
          fields: ["avatar_media_id"],
        });
      });

      it("keeps an avatar deleted since it was set when other fields change", async () => {
        const user = await registered();
        const avatar = await media(user.id);
        await client.updateMyProfile({ avatarMediaId: avatar }, user.as);
        await publishMediaState(
          rig.bus,
          service,
          { mediaId: avatar, ownerId: user.id, purpose: Purpose.AVATAR },
          "deleted",
        );
        const { profile } = await client.updateMyProfile(
          { displayName: "Ada", avatarMediaId: avatar },
          user.as,
        );
        expect(profile).toMatchObject({ displayName: "Ada", avatarMediaId: avatar });
      });

      it("lets an admin use another account's avatar image", async () => {
        const admin = await registered(["admin"]);
        const theirs = await media((await registered()).id);
        const { profile } = await client.updateMyProfile({ avatarMediaId: theirs }, admin.as);
        expect(profile?.avatarMediaId).toBe(theirs);
      });
    });

    describe("addresses", () => {
      it("stores an address normalised and reads it back", async () => {
        const user = await registered();
        const { address } = await client.createAddress(
          {
            fields: berlin({ label: " Home ", countryCode: "NL", postalCode: "1012ab", city: " Amsterdam " }),
          },
          user.as,
        );
        expect(address?.fields).toMatchObject({ label: "Home", postalCode: "1012 AB", city: "Amsterdam" });
        const read = await client.getAddress({ id: address?.id ?? "" }, user.as);
        expect(read.address).toEqual(address);
      });

      it("replaces an address's fields on update", async () => {
        const user = await registered();
        const { address } = await client.createAddress({ fields: berlin() }, user.as);
        const { address: updated } = await client.updateAddress(
          { id: address?.id ?? "", fields: berlin({ line1: "Friedrichstraße 10", postalCode: "10969" }) },
          user.as,
        );
        expect(updated?.fields).toMatchObject({
          line1: "Friedrichstraße 10",
          postalCode: "10969",
          label: "",
        });
        expect(updated?.defaultShipping).toBe(true);
      });

      it("deletes an address", async () => {
        const user = await registered();
        const { address } = await client.createAddress({ fields: berlin() }, user.as);
        await client.deleteAddress({ id: address?.id ?? "" }, user.as);
        expect((await failure(client.getAddress({ id: address?.id ?? "" }, user.as))).code).toBe(
          Code.NotFound,
        );
        expect((await failure(client.deleteAddress({ id: address?.id ?? "" }, user.as))).code).toBe(
          Code.NotFound,
        );
      });

      it("keeps addresses of users whose profile is not created yet", async () => {
        const user = await unregistered();
        const { address } = await client.createAddress({ fields: berlin() }, user.as);
        expect(address?.defaultShipping).toBe(true);
      });

      it.each([
        ["a country that does not exist", berlin({ countryCode: "XX" }), "fields.country_code"],
        ["a German postal code of 4 digits", berlin({ postalCode: "1234" }), "fields.postal_code"],
        [
          "a US address without a state",
          berlin({ countryCode: "US", city: "New York", postalCode: "10001" }),
          "fields.region",
        ],
        [
          "a Canadian address with an unknown province",
          berlin({ countryCode: "CA", city: "Ottawa", region: "XX", postalCode: "K1A 0B1" }),
          "fields.region",
        ],
        ["a lower-case country code", berlin({ countryCode: "de" }), "fields.country_code"],
        ["a blank recipient", berlin({ recipientName: "   " }), "fields.recipient_name"],
        ["a NUL character in a street", berlin({ line1: "Unter den Linden\u00001" }), "fields.line1"],
      ])("refuses %s naming the field", async (_label, fields, field) => {
        const user = await registered();
        expect(await failure(client.createAddress({ fields }, user.as))).toMatchObject({
          code: Code.InvalidArgument,
          fields: [field],
        });
      });

      it("refuses an update with an invalid postal code and keeps the address", async () => {
        const user = await registered();
        const { address } = await client.createAddress({ fields: berlin() }, user.as);
        const result = await failure(
          client.updateAddress({ id: address?.id ?? "", fields: berlin({ postalCode: "1234" }) }, user.as),
        );
        expect(result).toMatchObject({ code: Code.InvalidArgument, fields: ["fields.postal_code"] });
        expect((await client.getAddress({ id: address?.id ?? "" }, user.as)).address).toEqual(address);
      });

      it("makes the first address the default shipping and billing address, and no later one", async () => {
        const user = await registered();
        const first = (await client.createAddress({ fields: berlin() }, user.as)).address;
        const second = (await client.createAddress({ fields: berlin() }, user.as)).address;
        expect(first).toMatchObject({ defaultShipping: true, defaultBilling: true });
        expect(second).toMatchObject({ defaultShipping: false, defaultBilling: false });
      });

      it("moves the default shipping address to a new address asked to be it, keeping billing", async () => {
        const user = await registered();
        const first = (await client.createAddress({ fields: berlin() }, user.as)).address;
        const second = (await client.createAddress({ fields: berlin(), defaultShipping: true }, user.as))
          .address;
        expect(second).toMatchObject({ defaultShipping: true, defaultBilling: false });
        const firstNow = (await client.getAddress({ id: first?.id ?? "" }, user.as)).address;
        expect(firstNow).toMatchObject({ defaultShipping: false, defaultBilling: true });
      });

      it("moves the default billing address on update and unsets it when asked", async () => {
        const user = await registered();
        const first = (await client.createAddress({ fields: berlin() }, user.as)).address;
        const second = (await client.createAddress({ fields: berlin() }, user.as)).address;
        const moved = await client.updateAddress(
          { id: second?.id ?? "", fields: berlin(), defaultBilling: true },
          user.as,
        );
        expect(moved.address).toMatchObject({ defaultBilling: true, defaultShipping: false });
        expect((await client.getAddress({ id: first?.id ?? "" }, user.as)).address?.defaultBilling).toBe(
          false,
        );
        const unset = await client.updateAddress(
          { id: second?.id ?? "", fields: berlin(), defaultBilling: false },
          user.as,
        );
        expect(unset.address?.defaultBilling).toBe(false);
      });

      it("promotes the newest remaining address when the default is deleted", async () => {
        const user = await registered();
        const first = (await client.createAddress({ fields: berlin() }, user.as)).address;
        const second = (await client.createAddress({ fields: berlin() }, user.as)).address;
        const third = (await client.createAddress({ fields: berlin() }, user.as)).address;
        await client.deleteAddress({ id: first?.id ?? "" }, user.as);
        const { addresses } = await client.listAddresses({}, user.as);
        expect(addresses.map((a) => [a.id, a.defaultShipping, a.defaultBilling])).toEqual([
          [third?.id, true, true],
          [second?.id, false, false],
        ]);
      });

      it("never shows one user's address to another: get, update and delete are NotFound", async () => {
        const alice = await registered();
        const bob = await registered();
        const { address } = await client.createAddress({ fields: berlin() }, alice.as);
        const id = address?.id ?? "";
        const missing = await failure(client.getAddress({ id: uuidv7() }, bob.as));
        expect(await failure(client.getAddress({ id }, bob.as))).toEqual({
          ...missing,
          message: `address ${id} not found`,
        });
        expect(
          (await failure(client.updateAddress({ id, fields: berlin({ city: "Bonn" }) }, bob.as))).code,
        ).toBe(Code.NotFound);
        expect((await failure(client.deleteAddress({ id }, bob.as))).code).toBe(Code.NotFound);
        expect((await client.getAddress({ id }, alice.as)).address).toEqual(address);
        expect((await client.listAddresses({}, bob.as)).addresses).toEqual([]);
      });

      it("pages through the book with a cursor: defaults first, then newest", async () => {
        const user = await registered();
        const ids: string[] = [];
        for (let i = 0; i < 5; i++) {
          ids.push(
            (await client.createAddress({ fields: berlin({ label: `#${i}` }) }, user.as)).address?.id ?? "",
          );
        }
        const seen: string[] = [];
        let cursor = "";
        let pages = 0;
        do {
          const page = await client.listAddresses({ limit: 2, cursor }, user.as);
          expect(page.addresses.length).toBeLessThanOrEqual(2);
          seen.push(...page.addresses.map((a) => a.id));
          cursor = page.nextCursor;
          pages++;
        } while (cursor !== "");
        expect(pages).toBe(3);
        expect(seen).toEqual([ids[0], ids[4], ids[3], ids[2], ids[1]]);
      });

      it("refuses a malformed cursor naming the cursor field", async () => {
        const user = await registered();
        expect(await failure(client.listAddresses({ cursor: "not-a-cursor" }, user.as))).toMatchObject({
          code: Code.InvalidArgument,
          fields: ["cursor"],
        });
      });

      it("refuses the 51st address", async () => {
        const user = await unregistered();
        for (let i = 0; i < 50; i++) await client.createAddress({ fields: berlin() }, user.as);
        expect(await failure(client.createAddress({ fields: berlin() }, user.as))).toMatchObject({
          code: Code.FailedPrecondition,
          message: "an address book holds at most 50 addresses; delete one before adding another",
        });
        expect((await client.listAddresses({ limit: 100 }, user.as)).addresses).toHaveLength(50);
      });

      it("keeps one default each when addresses are created concurrently", async () => {
        const user = await unregistered();
        await Promise.all(
          Array.from({ length: 6 }, () =>
            client.createAddress({ fields: berlin(), defaultShipping: true, defaultBilling: true }, user.as),
          ),
        );
        const { addresses } = await client.listAddresses({}, user.as);
        expect(addresses).toHaveLength(6);
        expect(addresses.filter((a) => a.defaultShipping)).toHaveLength(1);
        expect(addresses.filter((a) => a.defaultBilling)).toHaveLength(1);
      });
    });
  });
}

describeUsersService("users service on PGlite", () => pgliteFixture({ postgis: false }));

describeWithInfra("DATABASE_URL", "users service on PostgreSQL", (url) => {
  // The migrations name the "users" schema, so each run gets a database of its own.
  describeUsersService("a fresh database", () => postgresFixture(url, { prefix: "users_test" }));
});
