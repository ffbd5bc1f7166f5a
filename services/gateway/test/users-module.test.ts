import { Purpose } from "@mercato/contracts/mercato/media/v1/media_pb";
import {
  createLogger,
  MemoryEventBus,
  MemoryKeyValue,
  PgliteHost,
  type RunningService,
  startService,
} from "@mercato/platform";
import { createTestIssuer, type TestIssuer } from "@mercato/platform/auth/test-keys";
import { readyMedia, waitFor } from "@mercato/testing";
import { userRegisteredEvent } from "@mercato/testing/identity-events";
import { usersService } from "@mercato/users";
import { v7 as uuidv7 } from "uuid";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Gateway } from "../src/app.js";
import { usersGatewayModule } from "../src/modules/users/index.js";
import { injectors, issuerAuthenticator, moduleGateway, signedIn, type User } from "./module-harness.js";

const berlin = {
  label: "Home",
  recipientName: "Ada Lovelace",
  line1: "Unter den Linden 1",
  city: "Berlin",
  postalCode: "10117",
  countryCode: "DE",
};

describe("users gateway module in front of the users service", () => {
  let pglite: PgliteHost;
  let issuer: TestIssuer;
  let bus: MemoryEventBus;
  let kv: MemoryKeyValue;
  let users: RunningService;
  let gateway: Gateway;

  beforeAll(async () => {
    pglite = await PgliteHost.open({ postgis: false });
    issuer = await createTestIssuer();
    bus = new MemoryEventBus();
    kv = new MemoryKeyValue();
    const authenticate = issuerAuthenticator(issuer);
    users = await startService(
      usersService,
      {
        database: (name) => pglite.forService(name),
        bus,
        kv,
        logger: (name) => createLogger({ service: name, level: "silent" }),
        authenticate,
      },
      { host: "127.0.0.1", port: 0 },
    );
    gateway = await moduleGateway({
      services: [{ name: "users", url: users.url }],
      modules: [usersGatewayModule()],
      authenticate,
    });
  });

  afterAll(async () => {
    await gateway?.app.close();
    await users?.stop();
    await bus?.close();
    await kv?.close();
    await issuer?.close();
    await pglite?.close();
  });

  const { rest, graphql } = injectors(() => gateway);

  /** A user with a token; registered users also get their profile created through the event. */
  const signIn = async (options: { register?: boolean; emailVerified?: boolean } = {}): Promise<User> => {
    const user = await signedIn(issuer, { emailVerified: options.emailVerified ?? false });
    const { id } = user;
    if (options.register ?? true) {
      await bus.publish(userRegisteredEvent({ id, phone: "+4915112345678" }));
      await waitFor(async () => (await rest("GET", "/users/me", user)).json().profile, {
        message: "profile was not created",
      });
    }
    return user;
  };

  describe("REST", () => {
    it.each([
      ["GET", "/users/me", undefined],
      ["PATCH", "/users/me", { displayName: "Ada" }],
      ["GET", "/users/me/addresses", undefined],
      ["POST", "/users/me/addresses", { nonsense: true }],
      ["GET", `/users/me/addresses/${uuidv7()}`, undefined],
      ["DELETE", `/users/me/addresses/${uuidv7()}`, undefined],
    ] as const)("answers %s %s without a token with 401 in the envelope", async (method, url, payload) => {
      const response = await rest(method, url, undefined, payload);
      expect(response.statusCode).toBe(401);
      expect(response.json()).toMatchObject({ success: false, error: { code: "UNAUTHENTICATED" } });
    });

    it("returns the caller from the token with the profile from the service", async () => {
      const user = await signIn({ emailVerified: true });
      const response = await rest("GET", "/users/me", user);
      expect(response.statusCode).toBe(200);
      expect(response.json()).toMatchObject({
        id: user.id,
        roles: ["buyer"],
        emailVerified: true,
        profile: { userId: user.id, phone: "+4915112345678", email: null, locale: "en" },
      });
      expect(Date.parse(response.json().profile.createdAt)).not.toBeNaN();
    });

    it("returns a null profile while it is not created yet", async () => {
      const user = await signIn({ register: false });
      expect((await rest("GET", "/users/me", user)).json()).toMatchObject({ id: user.id, profile: null });
    });

    it("changes the fields sent and clears those sent as null", async () => {
      const user = await signIn();
      const response = await rest("PATCH", "/users/me", user, {
        displayName: "Ada",
        phone: null,
        locale: "de-de",
      });
      expect(response.statusCode).toBe(200);
      expect(response.json().profile).toMatchObject({ displayName: "Ada", phone: null, locale: "de-DE" });
    });

    it("sets an avatar the users service has seen ready, and answers 400 naming body.avatarMediaId for another", async () => {
      const user = await signIn();
      const avatar = await readyMedia(bus, users, { ownerId: user.id, purpose: Purpose.AVATAR });
      const set = await rest("PATCH", "/users/me", user, { avatarMediaId: avatar });
      expect(set.statusCode).toBe(200);
      expect(set.json().profile).toMatchObject({ avatarMediaId: avatar });
      const unknown = uuidv7();
      const refused = await rest("PATCH", "/users/me", user, { avatarMediaId: unknown });
      expect(refused.statusCode).toBe(400);
      expect(refused.json().error).toMatchObject({
        code: "INVALID_ARGUMENT",
        details: [
          { field: "body.avatarMediaId", message: `media ${unknown} is not a ready avatar image of yours` },
        ],
      });
    });

    it("answers 400 naming body.locale for an unknown language", async () => {
      const user = await signIn();
      const response = await rest("PATCH", "/users/me", user, { locale: "xx" });
      expect(response.statusCode).toBe(400);
      expect(response.json().error).toMatchObject({
        code: "INVALID_ARGUMENT",
        details: [{ field: "body.locale", message: expect.stringContaining("BCP 47") }],
      });
    });

    it("creates, reads, lists, patches and deletes an address", async () => {
      const user = await signIn();
      const created = await rest("POST", "/users/me/addresses", user, { ...berlin, countryCode: "de" });
      expect(created.statusCode).toBe(201);
      const address = created.json();
      expect(address).toMatchObject({
        ...berlin,
        company: null,
        line2: null,
        region: null,
        phone: null,
        defaultShipping: true,
        defaultBilling: true,
      });

      expect((await rest("GET", `/users/me/addresses/${address.id}`, user)).json()).toEqual(address);
      expect((await rest("GET", "/users/me/addresses", user)).json()).toEqual({
        items: [address],
        nextCursor: null,
      });

      const patched = await rest("PATCH", `/users/me/addresses/${address.id}`, user, {
        city: "Potsdam",
        postalCode: "14467",
        label: null,
      });
      expect(patched.statusCode).toBe(200);
      expect(patched.json()).toMatchObject({
        city: "Potsdam",
        postalCode: "14467",
        label: null,
        line1: berlin.line1,
        defaultShipping: true,
      });

      const deleted = await rest("DELETE", `/users/me/addresses/${address.id}`, user);
      expect(deleted.statusCode).toBe(204);
      expect(deleted.body).toBe("");
      expect((await rest("GET", `/users/me/addresses/${address.id}`, user)).statusCode).toBe(404);
    });

    it("answers 400 naming body.postalCode for a German postal code of 4 digits", async () => {
      const user = await signIn();
      const response = await rest("POST", "/users/me/addresses", user, { ...berlin, postalCode: "1234" });
      expect(response.statusCode).toBe(400);
      expect(response.json()).toEqual({
        success: false,
        error: {
          code: "INVALID_ARGUMENT",
          message: "body.postalCode: is not a valid postal code for DE (5 digits, e.g. 10115)",
          correlationId: response.headers["x-correlation-id"],
          details: [
            { field: "body.postalCode", message: "is not a valid postal code for DE (5 digits, e.g. 10115)" },
          ],
        },
      });
    });

    it("answers 400 naming the missing body field before calling the service", async () => {
      const user = await signIn();
      const { recipientName: _omitted, ...rest_ } = berlin;
      const response = await rest("POST", "/users/me/addresses", user, rest_);
      expect(response.statusCode).toBe(400);
      expect(response.json().error.details).toEqual([
        { field: "body.recipientName", message: expect.any(String) },
      ]);
    });

    it("answers 404 for another user's address on read, change and delete", async () => {
      const alice = await signIn();
      const bob = await signIn();
      const { id } = (await rest("POST", "/users/me/addresses", alice, berlin)).json();
      for (const method of ["GET", "PATCH", "DELETE"] as const) {
        const response = await rest(
          method,
          `/users/me/addresses/${id}`,
          bob,
          method === "PATCH" ? { city: "Bonn" } : undefined,
        );
        expect(response.statusCode, method).toBe(404);
        expect(response.json().error.code).toBe("NOT_FOUND");
      }
      expect((await rest("GET", `/users/me/addresses/${id}`, alice)).json().city).toBe("Berlin");
    });

    it("pages through addresses with nextCursor", async () => {
      const user = await signIn();
      for (let i = 0; i < 3; i++)
        await rest("POST", "/users/me/addresses", user, { ...berlin, label: `#${i}` });
      const first = (await rest("GET", "/users/me/addresses?limit=2", user)).json();
      expect(first.items.map((a: { label: string }) => a.label)).toEqual(["#0", "#2"]);
      const second = (
        await rest("GET", `/users/me/addresses?limit=2&cursor=${first.nextCursor}`, user)
      ).json();
      expect(second).toMatchObject({ items: [{ label: "#1" }], nextCursor: null });
    });

    it("answers 400 naming query.cursor for a malformed cursor", async () => {
      const user = await signIn();
      const response = await rest("GET", "/users/me/addresses?cursor=garbage", user);
      expect(response.statusCode).toBe(400);
      expect(response.json().error.details).toEqual([{ field: "query.cursor", message: expect.any(String) }]);
    });

    it("documents every route with its tag, bearer security and error envelope", async () => {
      const paths = (
        gateway.app.swagger() as unknown as { paths: Record<string, Record<string, Record<string, unknown>>> }
      ).paths;
      const routes = Object.entries(paths)
        .filter(([path]) => path.startsWith("/api/v1/users"))
        .flatMap(([path, methods]) =>
          Object.entries(methods).map(([method, operation]) => ({ path, method, operation })),
        );
      expect(routes.map((r) => `${r.method} ${r.path}`).sort()).toEqual([
        "delete /api/v1/users/me/addresses/{id}",
        "get /api/v1/users/me",
        "get /api/v1/users/me/addresses",
        "get /api/v1/users/me/addresses/{id}",
        "patch /api/v1/users/me",
        "patch /api/v1/users/me/addresses/{id}",
        "post /api/v1/users/me/addresses",
      ]);
      for (const { operation } of routes) {
        expect(operation).toMatchObject({ tags: ["users"], security: [{ bearer: [] }] });
        expect(Object.keys(operation.responses as object)).toEqual(expect.arrayContaining(["4XX", "5XX"]));
      }
    });
  });

  describe("GraphQL", () => {
    const addressFields =
      "id label recipientName line1 city postalCode countryCode defaultShipping defaultBilling createdAt";

    it("refuses me without a token with UNAUTHENTICATED", async () => {
      const body = (await graphql("{ me { id } }")).json();
      expect(body.data).toEqual({ me: null });
      expect(body.errors[0].extensions.code).toBe("UNAUTHENTICATED");
    });

    it("returns me from the token with the profile and the address book", async () => {
      const user = await signIn({ emailVerified: true });
      await rest("POST", "/users/me/addresses", user, berlin);
      const body = (
        await graphql(
          `{ me { id roles emailVerified profile { userId locale phone }
                  addresses(first: 10) { edges { cursor node { ${addressFields} } } pageInfo { hasNextPage endCursor } } } }`,
          {},
          user,
        )
      ).json();
      expect(body.errors).toBeUndefined();
      expect(body.data.me).toMatchObject({
        id: user.id,
        roles: ["buyer"],
        emailVerified: true,
        profile: { userId: user.id, locale: "en", phone: "+4915112345678" },
        addresses: {
          edges: [{ cursor: null, node: { ...berlin, defaultShipping: true, defaultBilling: true } }],
          pageInfo: { hasNextPage: false, endCursor: null },
        },
      });
    });

    it("returns a null profile while it is not created yet", async () => {
      const user = await signIn({ register: false });
      const body = (await graphql("{ me { id profile { userId } } }", {}, user)).json();
      expect(body).toEqual({ data: { me: { id: user.id, profile: null } } });
    });

    it("updates the profile", async () => {
      const user = await signIn();
      const body = (
        await graphql(
          "mutation($input: UpdateProfileInput!) { updateProfile(input: $input) { displayName phone locale } }",
          { input: { displayName: "Ada", phone: null, locale: "pt-br" } },
          user,
        )
      ).json();
      expect(body.data.updateProfile).toEqual({ displayName: "Ada", phone: null, locale: "pt-BR" });
    });

    it("creates, reads, replaces and deletes an address", async () => {
      const user = await signIn();
      const created = (
        await graphql(
          `mutation($input: AddressInput!) { createAddress(input: $input) { ${addressFields} } }`,
          { input: berlin },
          user,
        )
      ).json().data.createAddress;
      expect(created).toMatchObject({ ...berlin, defaultShipping: true });
      const read = (
        await graphql(`query($id: ID!) { address(id: $id) { ${addressFields} } }`, { id: created.id }, user)
      ).json();
      expect(read.data.address).toEqual(created);
      const replaced = (
        await graphql(
          `mutation($id: ID!, $input: AddressInput!) { updateAddress(id: $id, input: $input) { city label postalCode } }`,
          { id: created.id, input: { ...berlin, label: null, city: "Potsdam", postalCode: "14467" } },
          user,
        )
      ).json();
      expect(replaced.data.updateAddress).toEqual({ city: "Potsdam", label: null, postalCode: "14467" });
      const deleted = (
        await graphql("mutation($id: ID!) { deleteAddress(id: $id) }", { id: created.id }, user)
      ).json();
      expect(deleted.data.deleteAddress).toBe(true);
      const gone = (
        await graphql("query($id: ID!) { address(id: $id) { id } }", { id: created.id }, user)
      ).json();
      expect(gone.errors[0].extensions.code).toBe("NOT_FOUND");
    });

    it("answers NOT_FOUND for another user's address", async () => {
      const alice = await signIn();
      const bob = await signIn();
      const { id } = (await rest("POST", "/users/me/addresses", alice, berlin)).json();
      const body = (await graphql("query($id: ID!) { address(id: $id) { id city } }", { id }, bob)).json();
      expect(body.data).toEqual({ address: null });
      expect(body.errors[0].extensions.code).toBe("NOT_FOUND");
      const deleted = (await graphql("mutation($id: ID!) { deleteAddress(id: $id) }", { id }, bob)).json();
      expect(deleted.errors[0].extensions.code).toBe("NOT_FOUND");
    });

    it("answers INVALID_ARGUMENT naming input.postalCode for a bad postal code", async () => {
      const user = await signIn();
      const body = (
        await graphql(
          "mutation($input: AddressInput!) { createAddress(input: $input) { id } }",
          { input: { ...berlin, postalCode: "1234" } },
          user,
        )
      ).json();
      expect(body.errors[0].extensions).toMatchObject({
        code: "INVALID_ARGUMENT",
        details: [{ field: "input.postalCode", message: expect.stringContaining("for DE") }],
      });
    });

    it("pages through addresses with endCursor", async () => {
      const user = await signIn();
      for (let i = 0; i < 3; i++)
        await rest("POST", "/users/me/addresses", user, { ...berlin, label: `#${i}` });
      const page = async (after: string | null) =>
        (
          await graphql(
            "query($after: String) { me { addresses(first: 2, after: $after) { edges { node { label } } pageInfo { hasNextPage endCursor } } } }",
            { after },
            user,
          )
        ).json().data.me.addresses;
      const first = await page(null);
      expect(first.edges.map((e: { node: { label: string } }) => e.node.label)).toEqual(["#0", "#2"]);
      expect(first.pageInfo.hasNextPage).toBe(true);
      const second = await page(first.pageInfo.endCursor);
      expect(second).toEqual({
        edges: [{ node: { label: "#1" } }],
        pageInfo: { hasNextPage: false, endCursor: null },
      });
    });

    it("refuses a page size over 100 naming first", async () => {
      const user = await signIn();
      const body = (
        await graphql("{ me { addresses(first: 101) { pageInfo { hasNextPage } } } }", {}, user)
      ).json();
      expect(body.errors[0].extensions).toMatchObject({
        code: "INVALID_ARGUMENT",
        details: [{ field: "first" }],
      });
    });
  });
});
