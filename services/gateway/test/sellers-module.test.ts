import { timestampNow } from "@bufbuild/protobuf/wkt";
import type { ServiceImpl } from "@connectrpc/connect";
import {
  SellersService,
  type Storefront,
  StorefrontStatus,
} from "@mercato/contracts/mercato/sellers/v1/sellers_pb";
import {
  type Caller,
  Conflict,
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

const berlin = {
  name: "Kiez Kaffee",
  slug: "kiez-kaffee",
  description: "Coffee roasted in Neukölln",
  contact: { email: "hallo@kiez.example", phone: "+4930123456", website: "https://kiez.example" },
  address: { line1: "Weserstraße 1", city: "Berlin", postalCode: "12047", countryCode: "de" },
  location: { lat: 52.4875, lng: 13.4326 },
};

/** Media the fake sellers service has seen become ready; like the real one (ADR 0041) it refuses others. */
const readyMedia = new Set<string>();
const mediaReady = () => {
  const id = uuidv7();
  readyMedia.add(id);
  return id;
};

/** Refuses a logo or banner the change sets that is not a ready media, naming the field. */
function checkMedia(
  change: { logoMediaId?: string | undefined; bannerMediaId?: string | undefined },
  current?: Storefront,
): void {
  const violations = (["logoMediaId", "bannerMediaId"] as const).flatMap((key) => {
    const id = change[key];
    if (!id || readyMedia.has(id) || id === current?.[key]) return [];
    const field = key === "logoMediaId" ? "logo_media_id" : "banner_media_id";
    const what = key === "logoMediaId" ? "logo" : "banner";
    return [{ field, message: `media ${id} is not a ready storefront ${what} image of yours` }];
  });
  if (violations.length > 0) throw new InvalidArgument("media not ready", violations);
}

/**
 * A sellers service for the gateway's tests: storefronts in memory, the contract's validation
 * and caller rules, and a record of every call with the token it carried.
 */
function fakeSellers(calls: RecordedCall[]) {
  const storefronts = new Map<string, Storefront>();
  const followers = new Map<string, Set<string>>();
  const seen = callRecorder(calls);
  const view = (storefront: Storefront, callerId: string | undefined): Storefront => {
    const set = followers.get(storefront.id) ?? new Set();
    return {
      ...storefront,
      followerCount: BigInt(set.size),
      followedByMe: callerId !== undefined && set.has(callerId),
    };
  };
  const find = (id: string) => {
    const storefront = storefronts.get(id);
    if (!storefront) throw new NotFound(`storefront ${id} not found`);
    return storefront;
  };
  const mayChange = (storefront: Storefront, caller: Caller | undefined) => {
    if (!caller) throw new Unauthenticated("sign in first");
    if (storefront.ownerId !== caller.id && !caller.roles.includes("admin"))
      throw new PermissionDenied("not your storefront");
  };
  return {
    storefronts,
    routes: {
      async createStorefront(request, context) {
        const caller = seen("createStorefront", request, context);
        if (!caller) throw new Unauthenticated("sign in first");
        if ([...storefronts.values()].some((s) => s.ownerId === caller.id))
          throw new Conflict("you already have a storefront");
        checkMedia(request);
        const storefront = {
          ...request,
          id: uuidv7(),
          ownerId: caller.id,
          status: StorefrontStatus.ACTIVE,
          statusReason: "",
          followerCount: 0n,
          followedByMe: false,
          version: 1n,
          createdAt: timestampNow(),
          updatedAt: timestampNow(),
        } as unknown as Storefront;
        storefronts.set(storefront.id, storefront);
        return { storefront: view(storefront, caller.id) };
      },
      async updateStorefront(request, context) {
        const caller = seen("updateStorefront", request, context);
        const storefront = find(request.id);
        mayChange(storefront, caller);
        checkMedia(request, storefront);
        const changed = { ...storefront } as Storefront;
        for (const key of ["name", "slug", "description", "logoMediaId", "bannerMediaId"] as const) {
          const value = request[key];
          if (value !== undefined) changed[key] = value;
        }
        if (request.contact) changed.contact = request.contact;
        if (request.address) changed.address = request.address;
        if (request.location) changed.location = request.location;
        storefronts.set(changed.id, changed);
        return { storefront: view(changed, caller?.id) };
      },
      async setStorefrontStatus(request, context) {
        const caller = seen("setStorefrontStatus", request, context);
        if (!caller?.roles.includes("admin")) throw new PermissionDenied("admins only");
        const storefront = { ...find(request.id), status: request.status, statusReason: request.reason };
        storefronts.set(storefront.id, storefront);
        return { storefront: view(storefront, caller.id) };
      },
      async getStorefront(request, context) {
        const caller = seen("getStorefront", request, context);
        const storefront = [...storefronts.values()].find((s) =>
          request.key.case === "id" ? s.id === request.key.value : s.slug === request.key.value,
        );
        if (!storefront) throw new NotFound("storefront not found");
        return { storefront: view(storefront, caller?.id) };
      },
      async getMyStorefront(request, context) {
        const caller = seen("getMyStorefront", request, context);
        const storefront = [...storefronts.values()].find((s) => s.ownerId === caller?.id);
        if (!storefront) throw new NotFound("you have no storefront yet");
        return { storefront: view(storefront, caller?.id) };
      },
      async batchGetStorefronts(request, context) {
        const caller = seen("batchGetStorefronts", request, context);
        return {
          storefronts: request.ids.flatMap((id) => {
            const s = storefronts.get(id);
            return s ? [view(s, caller?.id)] : [];
          }),
        };
      },
      async listStorefronts(request, context) {
        const caller = seen("listStorefronts", request, context);
        if (request.cursor === "garbage") {
          throw new InvalidArgument("cursor: is not a cursor of this list", [
            { field: "cursor", message: "is not a cursor of this list" },
          ]);
        }
        const all = [...storefronts.values()].filter((s) => !request.query || s.name.includes(request.query));
        const page = all.slice(0, request.limit || 20);
        return {
          hits: page.map((s, index) => ({
            storefront: view(s, caller?.id),
            ...(request.near ? { distanceMeters: 1000 * (index + 1) } : {}),
          })),
          nextCursor: all.length > page.length ? "next-page" : "",
        };
      },
      async followStorefront(request, context) {
        const caller = seen("followStorefront", request, context);
        const storefront = find(request.id);
        if (!caller) throw new Unauthenticated("sign in first");
        followers.set(storefront.id, (followers.get(storefront.id) ?? new Set()).add(caller.id));
        return { storefront: view(storefront, caller.id) };
      },
      async unfollowStorefront(request, context) {
        const caller = seen("unfollowStorefront", request, context);
        const storefront = find(request.id);
        if (caller) followers.get(storefront.id)?.delete(caller.id);
        return { storefront: view(storefront, caller?.id) };
      },
      async listFollowedStorefronts(request, context) {
        const caller = seen("listFollowedStorefronts", request, context);
        const followed = [...storefronts.values()].filter(
          (s) => caller && followers.get(s.id)?.has(caller.id),
        );
        return { storefronts: followed.map((s) => view(s, caller?.id)), nextCursor: "" };
      },
    } satisfies ServiceImpl<typeof SellersService>,
  };
}

describe("sellers gateway module in front of a sellers service", () => {
  let issuer: TestIssuer;
  let server: Listening;
  let gateway: Gateway;
  let fake: ReturnType<typeof fakeSellers>;
  const calls: RecordedCall[] = [];

  beforeAll(async () => {
    issuer = await createTestIssuer();
    const authenticate = issuerAuthenticator(issuer);
    fake = fakeSellers(calls);
    server = await startFakeService(SellersService, fake.routes, authenticate);
    gateway = await moduleGateway({
      services: [{ name: "sellers", url: server.url }],
      modules: [sellersGatewayModule()],
      authenticate,
    });
  });

  afterAll(async () => {
    await gateway?.app.close();
    await server?.close();
    await issuer?.close();
  });

  beforeEach(() => {
    calls.length = 0;
  });

  const callsTo = (method: string) => calls.filter((c) => c.method === method);

  const signIn = (roles: string[] = ["seller"]): Promise<User> => signedIn(issuer, { roles });

  const { rest, graphql } = injectors(() => gateway);

  /** A seller with an opened storefront (slug unique per call). */
  const openStorefront = async (overrides: Record<string, unknown> = {}) => {
    const seller = await signIn();
    const response = await rest("POST", "/sellers", seller, {
      ...berlin,
      slug: `shop-${uuidv7().slice(-12)}`,
      ...overrides,
    });
    expect(response.statusCode).toBe(201);
    return { seller, storefront: response.json() };
  };

  describe("REST", () => {
    it.each([
      ["POST", "/sellers", { nonsense: true }],
      ["PATCH", `/sellers/${uuidv7()}`, { name: "x" }],
      ["POST", `/sellers/${uuidv7()}/status`, { status: "active" }],
      ["PUT", `/sellers/${uuidv7()}/follow`, undefined],
      ["DELETE", `/sellers/${uuidv7()}/follow`, undefined],
      ["GET", "/sellers/me", undefined],
      ["GET", "/sellers/me/follows", undefined],
    ] as const)(
      "answers %s %s without a token with 401 before calling the service",
      async (method, url, payload) => {
        const response = await rest(method, url, undefined, payload);
        expect(response.statusCode).toBe(401);
        expect(response.json()).toMatchObject({ success: false, error: { code: "UNAUTHENTICATED" } });
        expect(calls).toEqual([]);
      },
    );

    it("opens a storefront with the seller's token forwarded and answers it in the client's shape", async () => {
      const seller = await signIn();
      const response = await rest("POST", "/sellers", seller, { ...berlin, logoMediaId: null });
      expect(response.statusCode).toBe(201);
      expect(response.json()).toMatchObject({
        ownerId: seller.id,
        name: "Kiez Kaffee",
        slug: "kiez-kaffee",
        logoMediaId: null,
        contact: berlin.contact,
        address: { ...berlin.address, countryCode: "DE", line2: null, region: null },
        location: berlin.location,
        status: "active",
        statusReason: null,
        followerCount: 0,
        followedByMe: false,
      });
      expect(Date.parse(response.json().createdAt)).not.toBeNaN();
      expect(calls).toEqual([
        expect.objectContaining({ method: "createStorefront", token: seller.token, callerId: seller.id }),
      ]);
      expect(calls[0]?.request).toMatchObject({
        address: { countryCode: "DE", line2: "" },
        location: { latitude: 52.4875, longitude: 13.4326 },
      });
    });

    it.each([
      [{ slug: "Bad Slug" }, "body.slug"],
      [{ location: { lat: 91, lng: 0 } }, "body.location.lat"],
      [{ address: { line1: "x", city: "Berlin" } }, "body.address.countryCode"],
      [{ contact: { phone: "030123" } }, "body.contact.phone"],
      [{ logoMediaId: "not-a-uuid" }, "body.logoMediaId"],
    ])("answers 400 for %j naming %s before calling the service", async (change, field) => {
      const seller = await signIn();
      const response = await rest("POST", "/sellers", seller, { ...berlin, ...change });
      expect(response.statusCode).toBe(400);
      expect(response.json().error).toMatchObject({
        code: "INVALID_ARGUMENT",
        details: expect.arrayContaining([expect.objectContaining({ field })]),
      });
      expect(calls).toEqual([]);
    });

    it("answers 409 when the seller already has a storefront", async () => {
      const { seller } = await openStorefront();
      const response = await rest("POST", "/sellers", seller, { ...berlin, slug: "second-shop" });
      expect(response.statusCode).toBe(409);
      expect(response.json().error.code).toBe("CONFLICT");
    });

    it("reads a storefront by id and by slug without a token, even with an expired one", async () => {
      const { storefront } = await openStorefront();
      const byId = await rest("GET", `/sellers/${storefront.id}`);
      expect(byId.statusCode).toBe(200);
      expect(byId.json()).toEqual(storefront);
      const expired = await issuer.sign({ sub: uuidv7(), roles: ["buyer"] }, { expiresIn: -60 });
      const bySlug = await gateway.app.inject({
        method: "GET",
        url: `/api/v1/sellers/${storefront.slug}`,
        headers: { authorization: `Bearer ${expired}` },
      });
      expect(bySlug.statusCode).toBe(200);
      expect(bySlug.json().id).toBe(storefront.id);
      const reads = callsTo("getStorefront");
      expect(reads.map((c) => c.request.key)).toEqual([
        { case: "id", value: storefront.id },
        { case: "slug", value: storefront.slug },
      ]);
      expect(reads.every((c) => c.token === undefined)).toBe(true);
    });

    it("answers 404 in the envelope for an unknown storefront", async () => {
      const response = await rest("GET", "/sellers/no-such-shop");
      expect(response.statusCode).toBe(404);
      expect(response.json()).toMatchObject({ success: false, error: { code: "NOT_FOUND" } });
    });

    it("lists storefronts near a point with distances, radius in metres, default 50 km", async () => {
      await openStorefront();
      const response = await rest("GET", "/sellers?near=52.52,13.405&radius=2500&limit=5&countryCode=de");
      expect(response.statusCode).toBe(200);
      const page = response.json();
      expect(page.items[0]).toMatchObject({ distanceMeters: 1000 });
      expect(callsTo("listStorefronts")[0]?.request).toMatchObject({
        limit: 5,
        countryCode: "DE",
        near: { point: { latitude: 52.52, longitude: 13.405 }, radiusMeters: 2500 },
      });
      await rest("GET", "/sellers?near=52.52,13.405");
      expect(callsTo("listStorefronts")[1]?.request).toMatchObject({
        near: { radiusMeters: 50_000 },
        limit: 20,
      });
      const plain = (await rest("GET", "/sellers")).json();
      expect(plain.items[0].distanceMeters).toBeNull();
    });

    it.each([
      ["radius=100", "querystring.radius"],
      ["near=95,13&radius=100", "querystring.near.lat"],
      ["near=berlin", "querystring.near"],
      ["limit=101", "querystring.limit"],
      ["radius=0&near=1,1", "querystring.radius"],
      ["status=closed", "querystring.status"],
    ])("answers 400 for ?%s naming %s", async (qs, field) => {
      const response = await rest("GET", `/sellers?${qs}`);
      expect(response.statusCode).toBe(400);
      expect(response.json().error.details).toEqual(
        expect.arrayContaining([expect.objectContaining({ field })]),
      );
      expect(calls).toEqual([]);
    });

    it("answers 400 naming querystring.cursor for a cursor the service refuses", async () => {
      const response = await rest("GET", "/sellers?cursor=garbage");
      expect(response.statusCode).toBe(400);
      expect(response.json().error.details).toEqual([
        { field: "querystring.cursor", message: expect.any(String) },
      ]);
    });

    it("returns the caller's storefront, 404 before it is opened", async () => {
      const { seller, storefront } = await openStorefront();
      expect((await rest("GET", "/sellers/me", seller)).json().id).toBe(storefront.id);
      const other = await signIn();
      expect((await rest("GET", "/sellers/me", other)).statusCode).toBe(404);
    });

    it("patches the fields sent, removes a logo sent as null, and forwards only those", async () => {
      const { seller, storefront } = await openStorefront({ logoMediaId: mediaReady() });
      calls.length = 0;
      const response = await rest("PATCH", `/sellers/${storefront.id}`, seller, {
        name: "Kiez Kaffee & Kuchen",
        logoMediaId: null,
      });
      expect(response.statusCode).toBe(200);
      expect(response.json()).toMatchObject({
        name: "Kiez Kaffee & Kuchen",
        logoMediaId: null,
        slug: storefront.slug,
      });
      expect(Object.keys(calls[0]?.request ?? {})).toEqual(
        expect.arrayContaining(["id", "name", "logoMediaId"]),
      );
      expect(calls[0]?.request).toMatchObject({ logoMediaId: "" });
    });

    it("names a logo the sellers service refuses, in REST and GraphQL", async () => {
      const { seller, storefront } = await openStorefront();
      const unknown = uuidv7();
      const response = await rest("PATCH", `/sellers/${storefront.id}`, seller, { logoMediaId: unknown });
      expect(response.statusCode).toBe(400);
      expect(response.json().error.details).toEqual([
        {
          field: "body.logoMediaId",
          message: `media ${unknown} is not a ready storefront logo image of yours`,
        },
      ]);
      const body = (
        await graphql(
          "mutation($id: ID!, $logo: ID) { updateStorefront(id: $id, input: { logoMediaId: $logo }) { id } }",
          { id: storefront.id, logo: unknown },
          seller,
        )
      ).json();
      expect(body.errors[0].extensions).toMatchObject({
        code: "INVALID_ARGUMENT",
        details: [expect.objectContaining({ field: "input.logoMediaId" })],
      });
      const logo = mediaReady();
      const patched = await rest("PATCH", `/sellers/${storefront.id}`, seller, { logoMediaId: logo });
      expect(patched.json()).toMatchObject({ logoMediaId: logo });
    });

    it("answers 403 when a seller patches another seller's storefront", async () => {
      const { storefront } = await openStorefront();
      const intruder = await signIn();
      const response = await rest("PATCH", `/sellers/${storefront.id}`, intruder, { name: "Mine now" });
      expect(response.statusCode).toBe(403);
      expect(response.json().error.code).toBe("PERMISSION_DENIED");
    });

    it("lets an admin suspend a storefront with a reason and refuses a seller with 403", async () => {
      const { seller, storefront } = await openStorefront();
      const denied = await rest("POST", `/sellers/${storefront.id}/status`, seller, { status: "suspended" });
      expect(denied.statusCode).toBe(403);
      const admin = await signIn(["admin"]);
      const response = await rest("POST", `/sellers/${storefront.id}/status`, admin, {
        status: "suspended",
        reason: "counterfeit goods",
      });
      expect(response.statusCode).toBe(200);
      expect(response.json()).toMatchObject({ status: "suspended", statusReason: "counterfeit goods" });
      expect(calls.at(-1)?.request).toMatchObject({ status: StorefrontStatus.SUSPENDED });
    });

    it("answers 400 naming body.status for a status other than active or suspended", async () => {
      const admin = await signIn(["admin"]);
      const response = await rest("POST", `/sellers/${uuidv7()}/status`, admin, { status: "pending" });
      expect(response.statusCode).toBe(400);
      expect(response.json().error.details).toEqual([expect.objectContaining({ field: "body.status" })]);
    });

    it("follows and unfollows a storefront, listing it among the caller's follows meanwhile", async () => {
      const { storefront } = await openStorefront();
      const buyer = await signIn(["buyer"]);
      const followed = await rest("PUT", `/sellers/${storefront.id}/follow`, buyer);
      expect(followed.statusCode).toBe(200);
      expect(followed.json()).toMatchObject({ followerCount: 1, followedByMe: true });
      expect((await rest("PUT", `/sellers/${storefront.id}/follow`, buyer)).json().followerCount).toBe(1);
      const follows = (await rest("GET", "/sellers/me/follows", buyer)).json();
      expect(follows).toEqual({ items: [expect.objectContaining({ id: storefront.id })], nextCursor: null });
      const unfollowed = await rest("DELETE", `/sellers/${storefront.id}/follow`, buyer);
      expect(unfollowed.json()).toMatchObject({ followerCount: 0, followedByMe: false });
      expect((await rest("GET", "/sellers/me/follows", buyer)).json().items).toEqual([]);
    });

    it("answers 400 naming params.id for a follow of something that is not a UUID", async () => {
      const buyer = await signIn(["buyer"]);
      const response = await rest("PUT", "/sellers/kiez/follow", buyer);
      expect(response.statusCode).toBe(400);
      expect(response.json().error.details).toEqual([expect.objectContaining({ field: "params.id" })]);
    });

    it("documents every route with its tag, security where a caller is needed, and the error envelope", async () => {
      const paths = (
        gateway.app.swagger() as unknown as { paths: Record<string, Record<string, Record<string, unknown>>> }
      ).paths;
      const routes = Object.entries(paths)
        .filter(([path]) => path.startsWith("/api/v1/sellers"))
        .flatMap(([path, methods]) =>
          Object.entries(methods).map(([method, operation]) => ({ path, method, operation })),
        );
      expect(routes.map((r) => `${r.method} ${r.path}`).sort()).toEqual([
        "delete /api/v1/sellers/{id}/follow",
        "get /api/v1/sellers",
        "get /api/v1/sellers/me",
        "get /api/v1/sellers/me/follows",
        "get /api/v1/sellers/{idOrSlug}",
        "patch /api/v1/sellers/{id}",
        "post /api/v1/sellers",
        "post /api/v1/sellers/{id}/status",
        "put /api/v1/sellers/{id}/follow",
      ]);
      const anonymous = ["get /api/v1/sellers", "get /api/v1/sellers/{idOrSlug}"];
      for (const { path, method, operation } of routes) {
        expect(operation.tags).toEqual(["sellers"]);
        if (anonymous.includes(`${method} ${path}`)) expect(operation.security).toBeUndefined();
        else expect(operation.security).toEqual([{ bearer: [] }]);
        expect(Object.keys(operation.responses as object)).toEqual(expect.arrayContaining(["4XX", "5XX"]));
      }
    });
  });

  describe("GraphQL", () => {
    const fields =
      "id ownerId name slug status followerCount followedByMe distanceMeters logoMediaId location { lat lng } address { city countryCode line2 } contact { email phone website }";

    it("opens a storefront and names service violations under input", async () => {
      const seller = await signIn();
      const created = (
        await graphql(
          `mutation($input: CreateStorefrontInput!) { createStorefront(input: $input) { ${fields} } }`,
          { input: { ...berlin, slug: "graph-shop" } },
          seller,
        )
      ).json();
      expect(created.errors).toBeUndefined();
      expect(created.data.createStorefront).toMatchObject({
        ownerId: seller.id,
        slug: "graph-shop",
        status: "ACTIVE",
        followerCount: 0,
        location: berlin.location,
        address: { city: "Berlin", countryCode: "DE", line2: null },
      });
      const other = await signIn();
      const invalid = (
        await graphql(
          "mutation($input: CreateStorefrontInput!) { createStorefront(input: $input) { id } }",
          { input: { ...berlin, slug: "Bad Slug", location: { lat: 91, lng: 0 } } },
          other,
        )
      ).json();
      expect(invalid.errors[0].extensions).toMatchObject({ code: "INVALID_ARGUMENT" });
      expect(invalid.errors[0].extensions.details.map((d: { field: string }) => d.field).sort()).toEqual([
        "input.location.lat",
        "input.slug",
      ]);
    });

    it("refuses every mutation without a token with UNAUTHENTICATED and calls nothing", async () => {
      const id = uuidv7();
      for (const mutation of [
        `mutation { createStorefront(input: { name: "x", slug: "xyz", address: { line1: "a", city: "b", countryCode: "DE" }, location: { lat: 1, lng: 1 } }) { id } }`,
        `mutation { updateStorefront(id: "${id}", input: { name: "x" }) { id } }`,
        `mutation { setStorefrontStatus(id: "${id}", status: ACTIVE) { id } }`,
        `mutation { followStorefront(id: "${id}") { id } }`,
        `mutation { unfollowStorefront(id: "${id}") { id } }`,
      ]) {
        const body = (await graphql(mutation)).json();
        expect(body.errors[0].extensions.code, mutation).toBe("UNAUTHENTICATED");
      }
      for (const query of ["{ myStorefront { id } }", "{ followedStorefronts { edges { cursor } } }"]) {
        expect((await graphql(query)).json().errors[0].extensions.code).toBe("UNAUTHENTICATED");
      }
      expect(calls).toEqual([]);
    });

    it("reads a storefront by id or slug anonymously and refuses both or neither naming id", async () => {
      const { storefront } = await openStorefront();
      const byId = (
        await graphql(`query($id: ID) { storefront(id: $id) { ${fields} } }`, { id: storefront.id })
      ).json();
      expect(byId.data.storefront).toMatchObject({
        id: storefront.id,
        status: "ACTIVE",
        distanceMeters: null,
      });
      const bySlug = (
        await graphql("query($slug: String) { storefront(slug: $slug) { id } }", { slug: storefront.slug })
      ).json();
      expect(bySlug.data.storefront.id).toBe(storefront.id);
      for (const variables of [{}, { id: storefront.id, slug: storefront.slug }]) {
        const body = (
          await graphql(
            "query($id: ID, $slug: String) { storefront(id: $id, slug: $slug) { id } }",
            variables,
          )
        ).json();
        expect(body.errors[0].extensions).toMatchObject({
          code: "INVALID_ARGUMENT",
          details: [{ field: "id" }],
        });
      }
    });

    it("lists storefronts near a point as a connection with distances on edges and nodes", async () => {
      await openStorefront();
      await openStorefront();
      const body = (
        await graphql(
          `{ storefronts(first: 1, near: { lat: 52.52, lng: 13.405, radiusKm: 10 }, query: "Kiez") {
               edges { cursor distanceMeters node { id distanceMeters } } pageInfo { hasNextPage endCursor } } }`,
        )
      ).json();
      expect(body.errors).toBeUndefined();
      expect(body.data.storefronts).toEqual({
        edges: [
          {
            cursor: "next-page",
            distanceMeters: 1000,
            node: { id: expect.any(String), distanceMeters: 1000 },
          },
        ],
        pageInfo: { hasNextPage: true, endCursor: "next-page" },
      });
      expect(callsTo("listStorefronts")[0]?.request).toMatchObject({
        limit: 1,
        query: "Kiez",
        near: { point: { latitude: 52.52, longitude: 13.405 }, radiusMeters: 10_000 },
      });
    });

    it.each([
      ["near: { lat: 1, lng: 1, radiusKm: 1, radiusMeters: 1000 }", "near.radiusKm"],
      ["near: { lat: -91, lng: 1 }", "near.lat"],
      ["near: { lat: 1, lng: 1, radiusMeters: 0 }", "near.radiusMeters"],
      ["first: 0", "first"],
      ['after: "garbage"', "after"],
    ])("refuses storefronts(%s) naming %s", async (args, field) => {
      const body = (await graphql(`{ storefronts(${args}) { edges { cursor } } }`)).json();
      expect(body.errors[0].extensions).toMatchObject({
        code: "INVALID_ARGUMENT",
        details: expect.arrayContaining([expect.objectContaining({ field })]),
      });
    });

    it("returns myStorefront, null before it is opened", async () => {
      const { seller, storefront } = await openStorefront();
      expect((await graphql("{ myStorefront { id } }", {}, seller)).json().data.myStorefront.id).toBe(
        storefront.id,
      );
      const newcomer = await signIn();
      expect((await graphql("{ myStorefront { id } }", {}, newcomer)).json()).toEqual({
        data: { myStorefront: null },
      });
    });

    it("updates a storefront, and an admin sets its status", async () => {
      const { seller, storefront } = await openStorefront();
      const updated = (
        await graphql(
          'mutation($id: ID!) { updateStorefront(id: $id, input: { description: "Beans", location: { lat: 48.1, lng: 11.6 } }) { description location { lat lng } } }',
          { id: storefront.id },
          seller,
        )
      ).json();
      expect(updated.data.updateStorefront).toEqual({
        description: "Beans",
        location: { lat: 48.1, lng: 11.6 },
      });
      const admin = await signIn(["admin"]);
      const suspended = (
        await graphql(
          'mutation($id: ID!) { setStorefrontStatus(id: $id, status: SUSPENDED, reason: "fraud") { status statusReason } }',
          { id: storefront.id },
          admin,
        )
      ).json();
      expect(suspended.data.setStorefrontStatus).toEqual({ status: "SUSPENDED", statusReason: "fraud" });
      const byBuyer = (
        await graphql(
          "mutation($id: ID!) { setStorefrontStatus(id: $id, status: ACTIVE) { status } }",
          { id: storefront.id },
          await signIn(["buyer"]),
        )
      ).json();
      expect(byBuyer.errors[0].extensions.code).toBe("PERMISSION_DENIED");
    });

    it("follows, lists and unfollows with the buyer's token forwarded", async () => {
      const { storefront } = await openStorefront();
      const buyer = await signIn(["buyer"]);
      const followed = (
        await graphql(
          "mutation($id: ID!) { followStorefront(id: $id) { followerCount followedByMe } }",
          { id: storefront.id },
          buyer,
        )
      ).json();
      expect(followed.data.followStorefront).toEqual({ followerCount: 1, followedByMe: true });
      const list = (
        await graphql(
          "{ followedStorefronts(first: 10) { edges { node { id followedByMe } } pageInfo { hasNextPage } } }",
          {},
          buyer,
        )
      ).json();
      expect(list.data.followedStorefronts).toEqual({
        edges: [{ node: { id: storefront.id, followedByMe: true } }],
        pageInfo: { hasNextPage: false },
      });
      const unfollowed = (
        await graphql(
          "mutation($id: ID!) { unfollowStorefront(id: $id) { followerCount followedByMe } }",
          { id: storefront.id },
          buyer,
        )
      ).json();
      expect(unfollowed.data.unfollowStorefront).toEqual({ followerCount: 0, followedByMe: false });
      const buyerCalls = calls.filter((c) => c.callerId === buyer.id);
      expect(buyerCalls.map((c) => c.method)).toEqual([
        "followStorefront",
        "listFollowedStorefronts",
        "unfollowStorefront",
      ]);
      expect(buyerCalls.every((c) => c.token === buyer.token)).toBe(true);
    });
  });
});
