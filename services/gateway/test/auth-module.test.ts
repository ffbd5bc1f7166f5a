import { create } from "@bufbuild/protobuf";
import { timestampFromMs, timestampNow } from "@bufbuild/protobuf/wkt";
import type { ServiceImpl } from "@connectrpc/connect";
import { AccountSchema, AuthService, TokenPairSchema } from "@mercato/contracts/mercato/auth/v1/auth_pb";
import type { Listening } from "@mercato/platform";
import { createTestIssuer, type TestIssuer } from "@mercato/platform/auth/test-keys";
import { v7 as uuidv7 } from "uuid";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Gateway } from "../src/app.js";
import { authGatewayModule } from "../src/modules/auth/index.js";
import { injectors, issuerAuthenticator, moduleGateway, startFakeService } from "./module-harness.js";

/** A signed-in answer of the auth service for an account with `roles`. */
function signedInAnswer(roles: string[], identity: { email?: string; phone?: string }) {
  const later = timestampFromMs(Date.now() + 900_000);
  return {
    tokens: create(TokenPairSchema, {
      accessToken: "access",
      accessTokenExpiresAt: later,
      refreshToken: "refresh",
      refreshTokenExpiresAt: later,
      sessionId: uuidv7(),
    }),
    account: create(AccountSchema, { id: uuidv7(), roles, ...identity, createdAt: timestampNow() }),
  };
}

/** An AuthService that signs everyone in: OTP with a new account, registration, login. */
const fakeAuth = {
  async verifyOtp(request) {
    return { ...signedInAnswer(["buyer"], { phone: request.phone }), created: true };
  },
  async registerSeller(request) {
    return signedInAnswer(["seller"], { email: request.email });
  },
  async login(request) {
    return signedInAnswer(["seller"], { email: request.email });
  },
} satisfies Partial<ServiceImpl<typeof AuthService>>;

describe("auth gateway module: whether a sign-in created the account", () => {
  let issuer: TestIssuer;
  let server: Listening;
  let gateway: Gateway;

  beforeAll(async () => {
    issuer = await createTestIssuer();
    const authenticate = issuerAuthenticator(issuer);
    server = await startFakeService(AuthService, fakeAuth, authenticate);
    gateway = await moduleGateway({
      services: [{ name: "auth", url: server.url }],
      modules: [authGatewayModule()],
      authenticate,
    });
  });

  afterAll(async () => {
    await gateway?.app.close();
    await server?.close();
    await issuer?.close();
  });

  const { rest, graphql } = injectors(() => gateway);
  const seller = { email: "new.seller@example.com", password: "a long enough passphrase" };

  it("says created: true for a seller registered over REST", async () => {
    const response = await rest("POST", "/auth/sellers", undefined, seller);
    expect(response.statusCode).toBe(201);
    expect(response.json()).toMatchObject({ created: true, account: { email: seller.email } });
  });

  it("says created: true for a seller registered over GraphQL", async () => {
    const response = await graphql(
      `mutation($e: String!, $p: String!) { registerSeller(email: $e, password: $p) { created account { email } } }`,
      { e: seller.email, p: seller.password },
    );
    expect(response.json()).toEqual({
      data: { registerSeller: { created: true, account: { email: seller.email } } },
    });
  });

  it("says created: false for a login, in REST and GraphQL alike", async () => {
    const response = await rest("POST", "/auth/login", undefined, seller);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ created: false });
    const answer = await graphql(
      `mutation($e: String!, $p: String!) { login(email: $e, password: $p) { created } }`,
      { e: seller.email, p: seller.password },
    );
    expect(answer.json()).toEqual({ data: { login: { created: false } } });
  });

  it("passes on the auth service's created for a code sign-in", async () => {
    const response = await rest("POST", "/auth/otp/verify", undefined, {
      phone: "+4915112345678",
      code: "123456",
    });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ created: true });
  });
});
