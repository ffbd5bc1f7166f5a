import { createHash } from "node:crypto";
import { createTestIssuer, type TestIssuer } from "@mercato/platform/auth/test-keys";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defineGatewayModule } from "../src/index.js";
import { anyone, signedIn } from "../src/operation.js";
import { type Harness, startHarness } from "./harness.js";
import { issuerAuthenticator } from "./module-harness.js";

let shelf = ["lamp", "chair"];

/** A public list, a signed-in route and a GraphQL query over the same data, and a verify-like GET. */
const shopModule = defineGatewayModule({
  name: "shop",
  schema: /* GraphQL */ `
    extend type Query {
      shelf(first: Int): [String!]!
      broken: String!
    }
  `,
  resolvers: () => ({
    Query: {
      shelf: (_root: unknown, args: { first?: number | null }) => shelf.slice(0, args.first ?? undefined),
      broken: () => {
        throw new Error("boom");
      },
    },
  }),
  rest: (app) => {
    app.get("/shelf", { config: { access: anyone } }, async () => ({ items: shelf }));
    app.get("/mine", { config: { access: signedIn } }, async (request) => ({ id: request.ctx.caller?.id }));
    app.get("/auth/verify-like", { config: { access: anyone } }, async () => ({ verified: true }));
  },
});

const sha256 = (text: string) => createHash("sha256").update(text, "utf8").digest("hex");

describe("HTTP caching and persisted queries", () => {
  let issuer: TestIssuer;
  let h: Harness;
  beforeAll(async () => {
    issuer = await createTestIssuer();
    h = await startHarness({ RATE_LIMIT_MAX: "100000" }, [shopModule], {
      authenticate: issuerAuthenticator(issuer),
    });
  });
  afterAll(async () => {
    await h.close();
    await issuer.close();
  });

  const get = (url: string, headers: Record<string, string> = {}) =>
    h.gateway.app.inject({ method: "GET", url, headers });
  const post = (body: unknown) =>
    h.gateway.app.inject({
      method: "POST",
      url: "/graphql",
      headers: { "content-type": "application/json" },
      payload: JSON.stringify(body),
    });

  it("tags a public read, lets shared caches keep it, and answers 304 to a client holding the current copy", async () => {
    shelf = ["lamp", "chair"];
    const first = await get("/api/v1/shelf");
    expect(first.statusCode).toBe(200);
    expect(first.headers["cache-control"]).toBe("public, no-cache");
    expect(String(first.headers.vary)).toMatch(/authorization/i);
    const tag = String(first.headers.etag);
    expect(tag).toMatch(/^W\/".+"$/);

    const again = await get("/api/v1/shelf", { "if-none-match": tag });
    expect(again.statusCode).toBe(304);
    expect(again.body).toBe("");
    expect(again.headers.etag).toBe(tag);

    // Once the data changes, the old tag no longer matches: the client gets the new answer.
    shelf = ["lamp", "chair", "desk"];
    const changed = await get("/api/v1/shelf", { "if-none-match": tag });
    expect(changed.statusCode).toBe(200);
    expect(changed.json()).toEqual({ items: ["lamp", "chair", "desk"] });
    expect(changed.headers.etag).not.toBe(tag);
  });

  it("keeps a signed-in caller's answer out of shared caches", async () => {
    const token = await issuer.sign({ sub: "3f1d2c4e-0000-4000-8000-000000000001", roles: ["buyer"] });
    const mine = await get("/api/v1/mine", { authorization: `Bearer ${token}` });
    expect(mine.statusCode).toBe(200);
    expect(mine.headers["cache-control"]).toBe("private, no-cache");
    // A public route read with a token is private too: the caller may see more than the public.
    const shelfSignedIn = await get("/api/v1/shelf", { authorization: `Bearer ${token}` });
    expect(shelfSignedIn.headers["cache-control"]).toBe("private, no-cache");
  });

  it("lets no cache keep what the auth routes answer", async () => {
    const verify = await get("/api/v1/auth/verify-like");
    expect(verify.statusCode).toBe(200);
    expect(verify.headers["cache-control"]).toBe("no-store");
    expect(verify.headers.etag).toBeUndefined();
  });

  it("runs a document sent once by its hash after, by POST and by GET, and tags the GET answer", async () => {
    const query = "query Shelf($first: Int) { shelf(first: $first) }";
    const hash = sha256(query);
    const extensions = { persistedQuery: { version: 1, sha256Hash: hash } };

    const unknown = await post({ extensions, variables: { first: 1 } });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().errors[0].message).toBe("PersistedQueryNotFound");

    const registered = await post({ query, extensions, variables: { first: 1 } });
    expect(registered.json()).toEqual({ data: { shelf: ["lamp"] } });

    const byHash = await post({ extensions, variables: { first: 2 } });
    expect(byHash.json()).toEqual({ data: { shelf: ["lamp", "chair"] } });

    const url = `/graphql?extensions=${encodeURIComponent(JSON.stringify(extensions))}&variables=${encodeURIComponent('{"first":1}')}`;
    const byGet = await get(url);
    expect(byGet.statusCode).toBe(200);
    expect(byGet.json()).toEqual({ data: { shelf: ["lamp"] } });
    expect(byGet.headers["cache-control"]).toBe("public, no-cache");
    const revalidated = await get(url, { "if-none-match": String(byGet.headers.etag) });
    expect(revalidated.statusCode).toBe(304);
  });

  it("refuses a hash that does not match its document, and a malformed hash, naming what is wrong", async () => {
    const mismatch = await post({
      query: "{ shelf }",
      extensions: { persistedQuery: { version: 1, sha256Hash: sha256("{ other }") } },
    });
    expect(mismatch.statusCode).toBe(400);
    expect(mismatch.json().errors[0].message).toMatch(/does not match/);

    const malformed = await post({ extensions: { persistedQuery: { version: 1, sha256Hash: "xyz" } } });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json().errors[0].extensions.code).toBe("INVALID_ARGUMENT");
    expect(malformed.json().errors[0].message).toMatch(/sha256Hash/);

    const version = await post({
      extensions: { persistedQuery: { version: 2, sha256Hash: sha256("{ shelf }") } },
    });
    expect(version.statusCode).toBe(400);
    expect(version.json().errors[0].message).toMatch(/version/);

    const neither = await post({ variables: {} });
    expect(neither.statusCode).toBe(400);
    expect(neither.json().errors[0].message).toMatch(/query/);
  });

  it("lets nobody keep a GraphQL answer with errors", async () => {
    const failed = await get(`/graphql?query=${encodeURIComponent("{ broken }")}`);
    expect(failed.json().errors[0].extensions.code).toBe("INTERNAL");
    expect(failed.headers["cache-control"]).toBe("no-store");
    expect(failed.headers.etag).toBeUndefined();
  });
});
