import { rowsOf } from "@mercato/platform";
import { describeWithInfra } from "@mercato/testing";
import { sql } from "drizzle-orm";
import { generateKeyPair, importJWK, SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RealInfra, randomPhone, realInfra, type Stack, startStack } from "./stack.js";

interface Reply {
  status: number;
  body: Record<string, unknown>;
}

/** Everything secret the suite handled; the last test checks none reached a log line. */
const secrets = new Set<string>();
const keep = (value: unknown) => {
  if (typeof value === "string" && value.length >= 6) secrets.add(value);
  return value as string;
};

function identitySuite(label: string, real: () => RealInfra | undefined) {
  describe(label, { timeout: 60_000 }, () => {
    let stack: Stack;

    const rest = async (
      method: string,
      path: string,
      options: { body?: unknown; token?: string } = {},
    ): Promise<Reply> => {
      const response = await fetch(`${stack.url}/api/v1${path}`, {
        method,
        headers: {
          ...(options.body === undefined ? {} : { "content-type": "application/json" }),
          ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
          "user-agent": "e2e-test/1.0",
        },
        ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
      });
      const text = await response.text();
      return { status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
    };

    const gql = async (query: string, variables: Record<string, unknown> = {}, token?: string) => {
      const response = await fetch(`${stack.url}/graphql`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        body: JSON.stringify({ query, variables }),
      });
      return (await response.json()) as {
        // biome-ignore lint/suspicious/noExplicitAny: answers are shaped by each query and checked by the assertions
        data?: Record<string, any> | null;
        errors?: { message: string; extensions: { code: string; details?: { field: string }[] } }[];
      };
    };

    const claims = (token: string) =>
      JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString()) as Record<string, unknown>;

    /** Signs a buyer in over REST and returns its tokens. */
    const buyer = async (phone = randomPhone()) => {
      expect((await rest("POST", "/auth/otp/request", { body: { phone } })).status).toBe(202);
      const code = keep(await stack.otpFor(phone));
      const signedIn = await rest("POST", "/auth/otp/verify", { body: { phone, code } });
      expect(signedIn.status).toBe(200);
      return {
        phone,
        access: keep(signedIn.body.accessToken),
        refresh: keep(signedIn.body.refreshToken),
        account: signedIn.body.account as { id: string },
      };
    };

    beforeAll(async () => {
      const infra = real();
      stack = await startStack({
        ...(infra ? { real: infra } : {}),
        env: { OTP_RESEND_COOLDOWN_MS: "1500", OTP_RATE_PER_PHONE: "3" },
      });
    }, 120_000);
    afterAll(async () => {
      await stack?.stop();
    });

    it("signs a buyer in with an SMS code over REST, creates the account and its profile, and rotates refresh tokens", async () => {
      const phone = randomPhone();
      const sent = await rest("POST", "/auth/otp/request", { body: { phone } });
      expect(sent.status).toBe(202);
      expect(sent.body.resendAfterSeconds).toBe(2);
      const code = keep(await stack.otpFor(phone));
      const signedIn = await rest("POST", "/auth/otp/verify", { body: { phone, code } });
      expect(signedIn.status).toBe(200);
      expect(signedIn.body.created).toBe(true);
      const account = signedIn.body.account as Record<string, unknown>;
      expect(account).toMatchObject({ phone, roles: ["buyer"], email: null });
      const access = keep(signedIn.body.accessToken);
      const header = JSON.parse(Buffer.from(access.split(".")[0] ?? "", "base64url").toString());
      expect(header).toMatchObject({ alg: "EdDSA", typ: "JWT" });
      expect(typeof header.kid).toBe("string");
      expect(claims(access)).toMatchObject({
        sub: account.id,
        roles: ["buyer"],
        sid: signedIn.body.sessionId,
      });

      const me = await rest("GET", "/auth/account", { token: access });
      expect(me.status).toBe(200);
      expect(me.body.id).toBe(account.id);

      // The profile comes from the auth service's event, through the bus, not from a call.
      let profile: Reply = { status: 0, body: {} };
      for (let i = 0; i < 100 && !profile.body.profile; i++) {
        profile = await rest("GET", "/users/me", { token: access });
        if (!profile.body.profile) await new Promise((r) => setTimeout(r, 100));
      }
      expect(profile.status).toBe(200);
      expect(profile.body).toMatchObject({
        id: account.id,
        roles: ["buyer"],
        profile: { userId: account.id, phone },
      });

      const refreshed = await rest("POST", "/auth/token/refresh", {
        body: { refreshToken: signedIn.body.refreshToken },
      });
      expect(refreshed.status).toBe(200);
      keep(refreshed.body.accessToken);
      keep(refreshed.body.refreshToken);
      expect(refreshed.body.refreshToken).not.toBe(signedIn.body.refreshToken);
      expect(refreshed.body.sessionId).toBe(signedIn.body.sessionId);

      // Signing in again with the same number finds the account.
      const again = await buyer(phone);
      expect(again.account.id).toBe(account.id);
    });

    it("runs the whole buyer flow over GraphQL: code, sign-in, me, sessions, refresh, logout", async () => {
      const phone = randomPhone();
      const requested = await gql(
        `mutation($p: String!) { requestOtp(phone: $p) { expiresAt resendAfterSeconds } }`,
        {
          p: phone,
        },
      );
      expect(requested.errors).toBeUndefined();
      const code = keep(await stack.otpFor(phone));
      const verified = await gql(
        `mutation($p: String!, $c: String!) { verifyOtp(phone: $p, code: $c) { created account { id phone roles } tokens { accessToken refreshToken sessionId } } }`,
        { p: phone, c: code },
      );
      expect(verified.errors).toBeUndefined();
      const signIn = verified.data?.verifyOtp;
      expect(signIn.created).toBe(true);
      const access = keep(signIn.tokens.accessToken);
      keep(signIn.tokens.refreshToken);

      const account = await gql(
        `{ account { id phone emailVerified } sessions { id current userAgent } }`,
        {},
        access,
      );
      expect(account.errors).toBeUndefined();
      expect(account.data?.account).toMatchObject({ id: signIn.account.id, phone, emailVerified: false });
      expect(account.data?.sessions).toEqual([
        expect.objectContaining({ id: signIn.tokens.sessionId, current: true }),
      ]);

      let me: Awaited<ReturnType<typeof gql>> = {};
      for (let i = 0; i < 100; i++) {
        me = await gql(`{ me { id roles profile { phone } } }`, {}, access);
        if (me.data?.me?.profile) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(me.data?.me).toMatchObject({ id: signIn.account.id, roles: ["buyer"], profile: { phone } });

      const refreshed = await gql(
        `mutation($r: String!) { refreshToken(refreshToken: $r) { accessToken refreshToken } }`,
        {
          r: signIn.tokens.refreshToken,
        },
      );
      expect(refreshed.errors).toBeUndefined();
      const next = refreshed.data?.refreshToken;
      keep(next.accessToken);
      keep(next.refreshToken);

      const out = await gql(`mutation { logout }`, {}, next.accessToken);
      expect(out.data?.logout).toBe(true);
      const afterLogout = await gql(
        `mutation($r: String!) { refreshToken(refreshToken: $r) { accessToken } }`,
        {
          r: next.refreshToken,
        },
      );
      expect(afterLogout.errors?.[0]?.extensions.code).toBe("UNAUTHENTICATED");
    });

    it("registers, verifies and manages a seller over REST, reading the link from the mail outbox", async () => {
      const email = `seller-${Math.random().toString(36).slice(2)}@shop.test`;
      const password = keep("correct horse battery staple");
      const registered = await rest("POST", "/auth/sellers", { body: { email, password } });
      expect(registered.status).toBe(201);
      keep(registered.body.refreshToken);
      expect(registered.body.account).toMatchObject({ email, roles: ["seller"], emailVerified: false });
      expect(claims(keep(registered.body.accessToken))).toMatchObject({
        roles: ["seller"],
        email_verified: false,
      });

      const verifyToken = keep(await stack.linkTokenFor(email, "/verify-email"));
      const verified = await rest("GET", `/auth/email/verify?token=${verifyToken}`);
      expect(verified.status).toBe(200);
      expect(verified.body.account).toMatchObject({ email, emailVerified: true });
      const reused = await rest("GET", `/auth/email/verify?token=${verifyToken}`);
      expect(reused.status).toBe(400);
      expect((reused.body.error as { details: { field: string }[] }).details[0]?.field).toBe("token");

      const login = await rest("POST", "/auth/login", { body: { email: email.toUpperCase(), password } });
      expect(login.status).toBe(200);
      const access = keep(login.body.accessToken);
      keep(login.body.refreshToken);
      expect(claims(access)).toMatchObject({ email_verified: true });

      const sessions = await rest("GET", "/auth/sessions", { token: access });
      expect(sessions.status).toBe(200);
      expect((sessions.body.items as unknown[]).length).toBe(2);

      const newPassword = keep("an even longer passphrase 42");
      const changed = await rest("POST", "/auth/password/change", {
        token: access,
        body: { currentPassword: password, newPassword },
      });
      expect(changed.status).toBe(200);
      expect(changed.body.revokedSessions).toBe(1);
      const registrationRefresh = await rest("POST", "/auth/token/refresh", {
        body: { refreshToken: registered.body.refreshToken },
      });
      expect(registrationRefresh.status).toBe(401);

      expect((await rest("POST", "/auth/password/forgot", { body: { email } })).status).toBe(202);
      expect(
        (await rest("POST", "/auth/password/forgot", { body: { email: "nobody@shop.test" } })).status,
      ).toBe(202);
      const resetToken = keep(await stack.linkTokenFor(email, "/reset-password"));
      const finalPassword = keep("third passphrase for this shop");
      expect(
        (
          await rest("POST", "/auth/password/reset", {
            body: { token: resetToken, newPassword: finalPassword },
          })
        ).status,
      ).toBe(204);
      expect((await rest("POST", "/auth/login", { body: { email, password: newPassword } })).status).toBe(
        401,
      );
      const relogin = await rest("POST", "/auth/login", { body: { email, password: finalPassword } });
      expect(relogin.status).toBe(200);
      keep(relogin.body.accessToken);
      keep(relogin.body.refreshToken);
      // The reset revoked every session, the one the password change kept included.
      expect(
        (await rest("POST", "/auth/token/refresh", { body: { refreshToken: login.body.refreshToken } }))
          .status,
      ).toBe(401);
    });

    it("runs the whole seller flow over GraphQL", async () => {
      const email = `gql-${Math.random().toString(36).slice(2)}@shop.test`;
      const password = keep("graphql seller passphrase");
      const registered = await gql(
        `mutation($e: String!, $p: String!) { registerSeller(email: $e, password: $p) { account { id email emailVerified roles } tokens { accessToken refreshToken } } }`,
        { e: email, p: password },
      );
      expect(registered.errors).toBeUndefined();
      expect(registered.data?.registerSeller.account).toMatchObject({
        email,
        emailVerified: false,
        roles: ["seller"],
      });
      keep(registered.data?.registerSeller.tokens.accessToken);
      keep(registered.data?.registerSeller.tokens.refreshToken);
      const token = keep(await stack.linkTokenFor(email, "/verify-email"));
      const verified = await gql(`mutation($t: String!) { verifyEmail(token: $t) { emailVerified } }`, {
        t: token,
      });
      expect(verified.data?.verifyEmail.emailVerified).toBe(true);

      const login = await gql(
        `mutation($e: String!, $p: String!) { login(email: $e, password: $p) { tokens { accessToken refreshToken } } }`,
        {
          e: email,
          p: password,
        },
      );
      const access = keep(login.data?.login.tokens.accessToken);
      keep(login.data?.login.tokens.refreshToken);
      expect(claims(access).email_verified).toBe(true);

      const next = keep("graphql seller second passphrase");
      const changed = await gql(
        `mutation($c: String!, $n: String!) { changePassword(currentPassword: $c, newPassword: $n) }`,
        { c: password, n: next },
        access,
      );
      expect(changed.data?.changePassword).toBe(1);
      const wrong = await gql(
        `mutation($c: String!, $n: String!) { changePassword(currentPassword: $c, newPassword: $n) }`,
        { c: password, n: "whatever passphrase 9" },
        access,
      );
      expect(wrong.errors?.[0]?.extensions).toMatchObject({
        code: "INVALID_ARGUMENT",
        details: [{ field: "currentPassword" }],
      });

      expect(
        (await gql(`mutation($e: String!) { requestPasswordReset(email: $e) }`, { e: email })).data
          ?.requestPasswordReset,
      ).toBe(true);
      const reset = keep(await stack.linkTokenFor(email, "/reset-password"));
      const last = keep("graphql seller third passphrase");
      const done = await gql(
        `mutation($t: String!, $p: String!) { resetPassword(token: $t, newPassword: $p) }`,
        { t: reset, p: last },
      );
      expect(done.data?.resetPassword).toBe(true);
      const relogin = await gql(
        `mutation($e: String!, $p: String!) { login(email: $e, password: $p) { account { email } tokens { accessToken refreshToken } } }`,
        { e: email, p: last },
      );
      expect(relogin.data?.login.account.email).toBe(email);
      keep(relogin.data?.login.tokens.accessToken);
      keep(relogin.data?.login.tokens.refreshToken);
    });

    describe("refuses bad input with a 4xx naming what is wrong", () => {
      it("a malformed phone number, over REST and GraphQL", async () => {
        for (const phone of ["0151 1234567", "+49", "+999999999999"]) {
          const reply = await rest("POST", "/auth/otp/request", { body: { phone } });
          expect(reply.status).toBe(400);
          expect(JSON.stringify(reply.body)).toContain("phone");
        }
        const graph = await gql(`mutation { requestOtp(phone: "+00123") { expiresAt } }`);
        expect(graph.errors?.[0]?.extensions).toMatchObject({
          code: "INVALID_ARGUMENT",
          details: [{ field: "phone" }],
        });
      });

      it("a wrong code, and the sixth attempt even with the right code", async () => {
        const phone = randomPhone();
        await rest("POST", "/auth/otp/request", { body: { phone } });
        const code = keep(await stack.otpFor(phone));
        const wrongCode = code === "000000" ? "111111" : "000000";
        for (let attempt = 1; attempt <= 5; attempt++) {
          const reply = await rest("POST", "/auth/otp/verify", { body: { phone, code: wrongCode } });
          expect(reply.status).toBe(400);
          expect(
            (reply.body.error as { details: { field: string; message: string }[] }).details[0],
          ).toMatchObject({
            field: "code",
            message: expect.stringContaining("wrong"),
          });
        }
        const sixth = await rest("POST", "/auth/otp/verify", { body: { phone, code } });
        expect(sixth.status).toBe(429);
        expect((sixth.body.error as { message: string }).message).toContain("code");
      });

      it("an expired code", async () => {
        const phone = randomPhone();
        await rest("POST", "/auth/otp/request", { body: { phone } });
        const code = keep(await stack.otpFor(phone));
        await stack
          .service("auth")
          .runtime.database.db.execute(
            sql`update auth.otp_challenges set expires_at = now() - interval '1 second' where phone = ${phone}`,
          );
        const reply = await rest("POST", "/auth/otp/verify", { body: { phone, code } });
        expect(reply.status).toBe(400);
        expect(
          (reply.body.error as { details: { field: string; message: string }[] }).details[0],
        ).toMatchObject({
          field: "code",
          message: expect.stringContaining("expired"),
        });
      });

      it("a second code inside the cooldown, and more codes than the per-phone limit", async () => {
        const phone = randomPhone();
        expect((await rest("POST", "/auth/otp/request", { body: { phone } })).status).toBe(202);
        const early = await rest("POST", "/auth/otp/request", { body: { phone } });
        expect(early.status).toBe(429);
        expect((early.body.error as { message: string }).message).toMatch(/request another in \d s/);
        for (let i = 0; i < 2; i++) {
          await new Promise((r) => setTimeout(r, 1600));
          expect((await rest("POST", "/auth/otp/request", { body: { phone } })).status).toBe(202);
        }
        await new Promise((r) => setTimeout(r, 1600));
        const over = await rest("POST", "/auth/otp/request", { body: { phone } });
        expect(over.status).toBe(429);
        expect((over.body.error as { message: string }).message).toContain("phone number");
      });

      it("a reused refresh token, which also ends the session it belonged to", async () => {
        const { refresh } = await buyer();
        const first = await rest("POST", "/auth/token/refresh", { body: { refreshToken: refresh } });
        expect(first.status).toBe(200);
        const rotated = keep(first.body.refreshToken);
        keep(first.body.accessToken);
        const replay = await rest("POST", "/auth/token/refresh", { body: { refreshToken: refresh } });
        expect(replay.status).toBe(401);
        expect((replay.body.error as { message: string }).message).toContain("already used");
        const legit = await rest("POST", "/auth/token/refresh", { body: { refreshToken: rotated } });
        expect(legit.status).toBe(401);
      });

      it("tampered access tokens: alg none, another key under a published kid, expired", async () => {
        const { access } = await buyer();
        const [header, payload] = access.split(".") as [string, string];
        const headerJson = JSON.parse(Buffer.from(header, "base64url").toString());
        const none = `${Buffer.from(JSON.stringify({ ...headerJson, alg: "none" })).toString("base64url")}.${payload}.`;
        const { privateKey } = await generateKeyPair("EdDSA", { crv: "Ed25519" });
        const body = claims(access);
        const forged = await new SignJWT({ ...body, roles: ["admin"] })
          .setProtectedHeader({ alg: "EdDSA", kid: headerJson.kid })
          .sign(privateKey);
        const [key] = rowsOf<{ private_jwk: Record<string, string> }>(
          await stack
            .service("auth")
            .runtime.database.db.execute(
              sql`select private_jwk from auth.signing_keys where kid = ${headerJson.kid}`,
            ),
        );
        const real = await importJWK(key?.private_jwk ?? {}, "EdDSA");
        const expired = await new SignJWT({ ...body, exp: Math.floor(Date.now() / 1000) - 600 })
          .setProtectedHeader({ alg: "EdDSA", kid: headerJson.kid })
          .sign(real);
        for (const [token, reason] of [
          [none, "algorithm"],
          [forged, "signature"],
          [expired, "expired"],
          [
            `${header}.${Buffer.from(JSON.stringify({ ...body, roles: ["admin"] })).toString("base64url")}.${access.split(".")[2]}`,
            "signature",
          ],
        ] as const) {
          const reply = await rest("GET", "/auth/account", { token });
          expect(reply.status).toBe(401);
          expect((reply.body.error as { message: string }).message).toContain(reason);
          const graph = await gql(`{ account { id } }`, {}, token);
          expect(graph.errors?.[0]?.extensions.code).toBe("UNAUTHENTICATED");
        }
      });

      it("not a stale token a client still attaches while it refreshes or signs in again", async () => {
        const { access, refresh } = await buyer();
        const [key] = rowsOf<{ private_jwk: Record<string, string>; kid: string }>(
          await stack
            .service("auth")
            .runtime.database.db.execute(
              sql`select kid, private_jwk from auth.signing_keys order by activates_at desc limit 1`,
            ),
        );
        const expired = await new SignJWT({ ...claims(access), exp: Math.floor(Date.now() / 1000) - 60 })
          .setProtectedHeader({ alg: "EdDSA", kid: key?.kid ?? "" })
          .sign(await importJWK(key?.private_jwk ?? {}, "EdDSA"));
        const viaRest = await rest("POST", "/auth/token/refresh", {
          token: expired,
          body: { refreshToken: refresh },
        });
        expect(viaRest.status).toBe(200);
        keep(viaRest.body.accessToken);
        const next = keep(viaRest.body.refreshToken);
        const viaGraphql = await gql(
          `mutation($r: String!) { refreshToken(refreshToken: $r) { accessToken refreshToken } }`,
          { r: next },
          expired,
        );
        expect(viaGraphql.errors).toBeUndefined();
        keep(viaGraphql.data?.refreshToken.accessToken);
        keep(viaGraphql.data?.refreshToken.refreshToken);
        // An operation that needs the caller still says why the token was refused.
        const who = await gql(`{ account { id } }`, {}, expired);
        expect(who.errors?.[0]).toMatchObject({
          message: "token expired",
          extensions: { code: "UNAUTHENTICATED" },
        });
      });

      it("an oversized body with 413 in the envelope", async () => {
        const response = await fetch(`${stack.url}/api/v1/auth/sellers`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ email: "big@shop.test", password: "x".repeat(1_100_000) }),
        });
        expect(response.status).toBe(413);
        expect(await response.json()).toMatchObject({ success: false, error: { code: "PAYLOAD_TOO_LARGE" } });
      });

      it("a short password, a taken e-mail address and a wrong password, each naming the field", async () => {
        const short = await rest("POST", "/auth/sellers", {
          body: { email: "short@shop.test", password: "abc" },
        });
        expect(short.status).toBe(400);
        expect(JSON.stringify(short.body)).toContain("password");
        const email = `taken-${Math.random().toString(36).slice(2)}@shop.test`;
        expect(
          (await rest("POST", "/auth/sellers", { body: { email, password: keep("first owner passphrase") } }))
            .status,
        ).toBe(201);
        const taken = await rest("POST", "/auth/sellers", {
          body: { email, password: "second owner passphrase" },
        });
        expect(taken.status).toBe(409);
        expect((taken.body.error as { message: string }).message).toContain("email");
        const wrong = await rest("POST", "/auth/login", { body: { email, password: "not the passphrase" } });
        expect(wrong.status).toBe(401);
      });
    });

    it("never lets one user see or change another's sessions, profile or addresses", async () => {
      const alice = await buyer();
      const bob = await buyer();
      const aliceSessions = await rest("GET", "/auth/sessions", { token: alice.access });
      const aliceSession = (aliceSessions.body.items as { id: string }[])[0]?.id;
      const attempt = await rest("DELETE", `/auth/sessions/${aliceSession}`, { token: bob.access });
      expect(attempt.status).toBe(404);
      expect(
        (await rest("POST", "/auth/token/refresh", { body: { refreshToken: alice.refresh } })).status,
      ).toBe(200);
      expect((await rest("GET", "/auth/sessions")).status).toBe(401);

      const address = {
        recipientName: "Alice Example",
        line1: "Unter den Linden 1",
        city: "Berlin",
        postalCode: "10117",
        countryCode: "DE",
      };
      const created = await rest("POST", "/users/me/addresses", { token: alice.access, body: address });
      expect(created.status).toBe(201);
      const id = created.body.id as string;
      expect((await rest("GET", `/users/me/addresses/${id}`, { token: alice.access })).status).toBe(200);
      expect((await rest("GET", `/users/me/addresses/${id}`, { token: bob.access })).status).toBe(404);
      const patch = await rest("PATCH", `/users/me/addresses/${id}`, {
        token: bob.access,
        body: { ...address, recipientName: "Mallory" },
      });
      expect(patch.status).toBe(404);
      expect((await rest("DELETE", `/users/me/addresses/${id}`, { token: bob.access })).status).toBe(404);
      const graph = await gql(`query($id: ID!) { address(id: $id) { id } }`, { id }, bob.access);
      expect(graph.errors?.[0]?.extensions.code).toBe("NOT_FOUND");
      expect((await rest("GET", "/users/me/addresses", { token: bob.access })).body.items).toEqual([]);
      const kept = await rest("GET", `/users/me/addresses/${id}`, { token: alice.access });
      expect(kept.body).toMatchObject({ recipientName: "Alice Example" });
      const badPostcode = await rest("POST", "/users/me/addresses", {
        token: alice.access,
        body: { ...address, postalCode: "1234" },
      });
      expect(badPostcode.status).toBe(400);
      expect(JSON.stringify(badPostcode.body)).toContain("postalCode");
    });

    it("never writes a password, code or token to a log line", () => {
      expect(stack.logs.length).toBeGreaterThan(20);
      expect(secrets.size).toBeGreaterThan(20);
      // A 6-digit code may occur by chance inside a hex id; only a free-standing one is a leak.
      const leaked = (line: string, secret: string) =>
        /^\d{6}$/.test(secret)
          ? new RegExp(`(?<![0-9a-fA-F])${secret}(?![0-9a-fA-F])`).test(line)
          : line.includes(secret);
      const leaks = stack.logs.flatMap((line) =>
        [...secrets]
          .filter((secret) => leaked(line, secret))
          .map((secret) => ({ secret: `${secret.slice(0, 3)}…`, line: line.slice(0, 200) })),
      );
      expect(leaks).toEqual([]);
    });
  });
}

identitySuite("identity through the gateway (embedded)", () => undefined);

describeWithInfra(
  "DATABASE_URL",
  "identity through the gateway on real PostgreSQL, NATS and Redis",
  (databaseUrl) => {
    identitySuite("identity on real infrastructure", () => realInfra(databaseUrl));
  },
);
