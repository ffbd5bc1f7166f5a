import { createTestIssuer, type TestIssuer } from "@mercato/platform/auth/test-keys";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defineGatewayModule } from "../src/index.js";
import { type Harness, startHarness } from "./harness.js";
import { issuerAuthenticator } from "./module-harness.js";

const whoami = defineGatewayModule({
  name: "whoami",
  rest: (app) => {
    app.get("/whoami", async (request) => ({ caller: request.ctx.caller ?? null }));
  },
});

describe("gateway authentication with JWTs from a JWKS", () => {
  let issuer: TestIssuer;
  let other: TestIssuer;
  let h: Harness;
  beforeAll(async () => {
    issuer = await createTestIssuer();
    other = await createTestIssuer();
    h = await startHarness({}, [whoami], { authenticate: issuerAuthenticator(issuer) });
  });
  afterAll(async () => {
    await h.close();
    await issuer.close();
    await other.close();
  });

  const call = (authorization?: string) =>
    h.gateway.app.inject({
      method: "GET",
      url: "/api/v1/whoami",
      headers: authorization ? { authorization } : {},
    });

  it("puts the verified caller with roles and claims into the request context", async () => {
    const token = await issuer.sign({
      sub: "0190a000-0000-7000-8000-0000000000aa",
      roles: ["seller"],
      email_verified: true,
    });
    const response = await call(`Bearer ${token}`);
    expect(response.statusCode).toBe(200);
    expect(response.json().caller).toEqual({
      id: "0190a000-0000-7000-8000-0000000000aa",
      roles: ["seller"],
      claims: { emailVerified: true },
    });
  });

  it("serves anonymous callers without a caller", async () => {
    expect((await call()).json()).toEqual({ caller: null });
  });

  it.each([
    ["an expired token", () => issuer.sign({ sub: "u1" }, { expiresIn: -60 }), "token expired"],
    [
      "an unsigned alg:none token",
      () => issuer.sign({ sub: "u1" }, { alg: "none" }),
      "token algorithm not allowed",
    ],
    ["an HS256 token", () => issuer.sign({ sub: "u1" }, { alg: "HS256" }), "token algorithm not allowed"],
    [
      "a token signed by another key under a known kid",
      () => other.sign({ sub: "u1" }, { kid: issuer.kid }),
      "token signature invalid",
    ],
    ["a token from an unknown key", () => other.sign({ sub: "u1" }), "token key unknown"],
  ])("refuses %s with 401 in the envelope", async (_label, make, reason) => {
    const response = await call(`Bearer ${await make()}`);
    expect(response.statusCode).toBe(401);
    expect(response.json()).toEqual({
      success: false,
      error: {
        code: "UNAUTHENTICATED",
        message: reason,
        correlationId: response.headers["x-correlation-id"],
      },
    });
  });

  it("refuses a token whose payload was tampered with", async () => {
    const token = await issuer.sign({ sub: "u1", roles: ["buyer"] });
    const [head, , signature] = token.split(".");
    const forged = Buffer.from(
      JSON.stringify({ sub: "u1", roles: ["admin"], exp: Math.floor(Date.now() / 1000) + 300 }),
    ).toString("base64url");
    const response = await call(`Bearer ${head}.${forged}.${signature}`);
    expect(response.statusCode).toBe(401);
    expect(response.json().error.code).toBe("UNAUTHENTICATED");
  });

  it("refuses an authorization header that is not a bearer token", async () => {
    const response = await call("Basic dXNlcjpwYXNz");
    expect(response.statusCode).toBe(401);
    expect(response.json().error.message).toBe("authorization header must be 'Bearer <token>'");
  });
});

describe("gateway without a key set", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({}, [whoami]);
  });
  afterAll(async () => {
    await h.close();
  });

  it("refuses bearer tokens instead of trusting them", async () => {
    const response = await h.gateway.app.inject({
      method: "GET",
      url: "/api/v1/whoami",
      headers: { authorization: "Bearer abc.def.ghi" },
    });
    expect(response.statusCode).toBe(401);
    expect(response.json().error.code).toBe("UNAUTHENTICATED");
  });
});
