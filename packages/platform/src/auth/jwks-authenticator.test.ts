import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestIssuer, rejection, type TestIssuer } from "../../test/support/test-keys.js";
import type { Authenticator } from "../rpc/server.js";
import { createJwksAuthenticator } from "./jwks-authenticator.js";

describe("createJwksAuthenticator", () => {
  let issuer: TestIssuer;
  let stranger: TestIssuer;
  let authenticate: Authenticator;

  beforeAll(async () => {
    issuer = await createTestIssuer();
    stranger = await createTestIssuer();
    authenticate = createJwksAuthenticator({
      jwksUrl: issuer.jwksUrl,
      issuer: issuer.issuer,
      audience: issuer.audience,
    });
  });
  afterAll(async () => {
    await issuer.close();
    await stranger.close();
  });

  it("maps a valid token to a caller with its id, known roles and camelCased scalar claims", async () => {
    const token = await issuer.sign({
      sub: "0190a000-0000-7000-8000-000000000001",
      roles: ["buyer", "seller", "root", 7],
      email_verified: true,
      seller_id: "0190a000-0000-7000-8000-0000000000aa",
      nested: { a: 1 },
    });
    const caller = await authenticate(token);
    expect(caller).toEqual({
      id: "0190a000-0000-7000-8000-000000000001",
      roles: ["buyer", "seller"],
      claims: { emailVerified: true, sellerId: "0190a000-0000-7000-8000-0000000000aa" },
    });
  });

  it("gives a caller without roles when the token has none", async () => {
    const caller = await authenticate(await issuer.sign({ sub: "u1" }));
    expect(caller.roles).toEqual([]);
  });

  it("rejects an expired token", async () => {
    const token = await issuer.sign({ sub: "u1" }, { expiresIn: -600 });
    const error = await rejection(authenticate(token));
    expect(error.message).toBe("token expired");
    expect(error.message).not.toContain(token);
  });

  it("rejects an unsigned alg:none token", async () => {
    const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");
    const now = Math.floor(Date.now() / 1000);
    const token = `${encode({ alg: "none", typ: "JWT", kid: issuer.kid })}.${encode({
      sub: "admin-wannabe",
      roles: ["admin"],
      iss: issuer.issuer,
      aud: issuer.audience,
      iat: now,
      exp: now + 300,
    })}.`;
    expect((await rejection(authenticate(token))).message).toBe("token algorithm not allowed");
  });

  it("rejects a token signed by another key that claims a published kid", async () => {
    const token = await stranger.sign({ sub: "u1" }, { kid: issuer.kid });
    expect((await rejection(authenticate(token))).message).toBe("token signature invalid");
  });

  it("rejects a token whose kid is not published", async () => {
    const token = await issuer.sign({ sub: "u1" }, { kid: "no-such-key" });
    expect((await rejection(authenticate(token))).message).toBe("token key unknown");
  });

  it("rejects a token without a kid", async () => {
    const token = await issuer.sign({ sub: "u1" }, { kid: "" });
    expect((await rejection(authenticate(token))).message).toBe("token has no key id");
  });

  it("rejects an HS256 token even when it names a published kid", async () => {
    const token = await issuer.sign({ sub: "u1" }, { alg: "HS256" });
    expect((await rejection(authenticate(token))).message).toBe("token algorithm not allowed");
  });

  it.each([
    ["not a jwt", "not-a-jwt"],
    ["three garbage segments", "abc.def.ghi"],
    ["an empty string", ""],
  ])("rejects %s as malformed", async (_, token) => {
    expect((await rejection(authenticate(token))).message).toBe("token malformed");
  });

  it("rejects a token whose payload was changed after signing", async () => {
    const [header, , signature] = (await issuer.sign({ sub: "u1", roles: ["buyer"] })).split(".");
    const forged = Buffer.from(
      JSON.stringify({ sub: "u1", roles: ["admin"], iss: issuer.issuer, aud: issuer.audience, exp: 4e9 }),
    ).toString("base64url");
    expect((await rejection(authenticate(`${header}.${forged}.${signature}`))).message).toBe(
      "token signature invalid",
    );
  });

  it("rejects a token for another issuer or audience", async () => {
    const otherIssuer = await issuer.sign({ sub: "u1" }, { issuer: "https://evil.test" });
    const otherAudience = await issuer.sign({ sub: "u1" }, { audience: "someone-else" });
    expect((await rejection(authenticate(otherIssuer))).message).toBe("token issuer/audience mismatch");
    expect((await rejection(authenticate(otherAudience))).message).toBe("token issuer/audience mismatch");
  });

  it("rejects a token without a subject", async () => {
    expect((await rejection(authenticate(await issuer.sign({ roles: ["admin"] })))).message).toBe(
      "token claims invalid",
    );
  });

  it("rejects every token when the JWKS cannot be fetched", async () => {
    const gone = await createTestIssuer();
    const token = await gone.sign({ sub: "u1" });
    await gone.close();
    const check = createJwksAuthenticator({ jwksUrl: gone.jwksUrl });
    expect((await rejection(check(token))).message).toBe("token keys unavailable");
  });
});

describe("createJwksAuthenticator with key rotation and caching", () => {
  it("accepts tokens of the old key after a rotation and fetches the JWKS again for the new key", async () => {
    const issuer = await createTestIssuer();
    try {
      const authenticate = createJwksAuthenticator({ jwksUrl: issuer.jwksUrl, cooldownMs: 0 });
      const oldToken = await issuer.sign({ sub: "old" });
      expect((await authenticate(oldToken)).id).toBe("old");
      const oldKid = issuer.kid;
      const newKid = await issuer.rotate();
      expect(newKid).not.toBe(oldKid);
      const newToken = await issuer.sign({ sub: "new" });
      expect((await authenticate(newToken)).id).toBe("new");
      expect(issuer.jwksRequests).toBe(2);
      expect((await authenticate(oldToken)).id).toBe("old");
      expect((await authenticate(await issuer.sign({ sub: "old-again" }, { kid: oldKid }))).id).toBe(
        "old-again",
      );
    } finally {
      await issuer.close();
    }
  });

  it("does not refetch the JWKS for an unknown kid while cooling down", async () => {
    const issuer = await createTestIssuer();
    try {
      const authenticate = createJwksAuthenticator({ jwksUrl: issuer.jwksUrl, cooldownMs: 60_000 });
      await authenticate(await issuer.sign({ sub: "u1" }));
      for (let i = 0; i < 5; i++) {
        await rejection(authenticate(await issuer.sign({ sub: "u1" }, { kid: `unknown-${i}` })));
      }
      expect(issuer.jwksRequests).toBe(1);
    } finally {
      await issuer.close();
    }
  });

  it("fetches the JWKS once for many verifications, concurrent or not", async () => {
    const issuer = await createTestIssuer();
    try {
      const authenticate = createJwksAuthenticator({ jwksUrl: issuer.jwksUrl });
      const tokens = await Promise.all(Array.from({ length: 20 }, (_, i) => issuer.sign({ sub: `u${i}` })));
      const callers = await Promise.all(tokens.map((token) => authenticate(token)));
      for (const token of tokens) await authenticate(token);
      expect(callers.map((caller) => caller.id)).toEqual(tokens.map((_, i) => `u${i}`));
      expect(issuer.jwksRequests).toBe(1);
    } finally {
      await issuer.close();
    }
  });
});
