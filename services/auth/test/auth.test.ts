import { fromBinary } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import {
  NewDeviceSignedInSchema,
  PasswordChangedSchema,
  UserRegisteredSchema,
} from "@mercato/contracts/mercato/auth/v1/auth_pb";
import type { EventEnvelope } from "@mercato/platform";
import { waitFor } from "@mercato/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { jwksPath } from "../src/service.js";
import { type AuthHarness, startAuth } from "./harness.js";

async function failure(promise: Promise<unknown>): Promise<ConnectError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ConnectError);
  return error as ConnectError;
}

const kidOf = (token: string) =>
  (JSON.parse(Buffer.from(token.split(".")[0] ?? "", "base64url").toString()) as { kid: string }).kid;

describe("auth service", () => {
  let auth: AuthHarness;

  beforeAll(async () => {
    auth = await startAuth({
      OTP_RATE_PER_IP: "3",
      OTP_RESEND_COOLDOWN_MS: "1",
      LOGIN_MAX_FAILURES: "3",
      SIGNING_KEY_ACTIVATION_DELAY_MS: "400",
      ADMIN_EMAIL: "Admin@Mercato.test",
      ADMIN_PASSWORD: "the root passphrase",
    });
  }, 60_000);
  afterAll(async () => {
    await auth?.stop();
  });

  it("limits codes per client IP across phone numbers", async () => {
    const client = auth.client();
    const ip = "203.0.113.7";
    for (let i = 0; i < 3; i++) {
      await client.requestOtp({ phone: `+4915112000${100 + i}`, client: { ip } });
    }
    const refused = await failure(client.requestOtp({ phone: "+4915112000200", client: { ip } }));
    expect(refused.code).toBe(Code.ResourceExhausted);
    expect(refused.rawMessage).toContain("network");
    await client.requestOtp({ phone: "+4915112000201", client: { ip: "203.0.113.8" } });
  });

  it("creates a buyer once and publishes UserRegistered once", async () => {
    const client = auth.client();
    const phone = "+4915112000300";
    await client.requestOtp({ phone });
    const first = await client.verifyOtp({ phone, code: await auth.otpFor(phone) });
    await new Promise((r) => setTimeout(r, 5));
    await client.requestOtp({ phone });
    const second = await client.verifyOtp({ phone, code: await auth.otpFor(phone) });
    expect(first.created).toBe(true);
    expect(second.created).toBe(false);
    expect(second.account?.id).toBe(first.account?.id);
    await new Promise((r) => setTimeout(r, 200));
    const registered = auth.events
      .filter((e) => e.subject === "mercato.auth.user.registered")
      .map((e) => fromBinary(UserRegisteredSchema, e.payload).account)
      .filter((a) => a?.phone === phone);
    expect(registered).toHaveLength(1);
    expect(registered[0]?.roles).toEqual(["buyer"]);
  });

  it("stores codes only as keyed hashes", async () => {
    const phone = "+4915112000400";
    await auth.client().requestOtp({ phone });
    const code = await auth.otpFor(phone);
    const { rows } = (await auth.service.runtime.database.db.execute(
      "select code_hash from auth.otp_challenges where phone = '+4915112000400'" as never,
    )) as unknown as { rows: { code_hash: string }[] };
    expect(rows[0]?.code_hash).toBeTruthy();
    expect(rows[0]?.code_hash).not.toContain(code);
  });

  it("creates the admin from ADMIN_EMAIL once, and only an admin may rotate the signing key", async () => {
    const client = auth.client();
    const admin = await client.login({ email: "admin@mercato.test", password: "the root passphrase" });
    expect(admin.account?.roles).toEqual(["admin"]);
    expect(admin.account?.emailVerified).toBe(true);

    const phone = "+4915112000500";
    await client.requestOtp({ phone });
    const buyer = await client.verifyOtp({ phone, code: await auth.otpFor(phone) });
    const denied = await failure(auth.client(buyer.tokens?.accessToken).rotateSigningKey({}));
    expect(denied.code).toBe(Code.PermissionDenied);

    const oldToken = buyer.tokens?.accessToken ?? "";
    const rotated = await auth.client(admin.tokens?.accessToken).rotateSigningKey({});
    const kid = rotated.kid;
    expect(kid).not.toBe(kidOf(oldToken));
    const jwks = (await (await fetch(`${auth.service.url}${jwksPath}`)).json()) as {
      keys: { kid: string }[];
    };
    expect(jwks.keys.map((k) => k.kid)).toEqual(expect.arrayContaining([kid, kidOf(oldToken)]));
    // The new key is published before it signs, so that every verifier can fetch it first…
    const early = await client.refreshToken({ refreshToken: buyer.tokens?.refreshToken ?? "" });
    expect(kidOf(early.tokens?.accessToken ?? "")).toBe(kidOf(oldToken));
    await new Promise((r) => setTimeout(r, 500));
    // …a token signed before the rotation still works until it expires…
    expect((await auth.client(oldToken).getAccount({})).account?.phone).toBe(phone);
    // …and once the new key is active, new tokens carry it.
    const refreshed = await client.refreshToken({ refreshToken: early.tokens?.refreshToken ?? "" });
    expect(kidOf(refreshed.tokens?.accessToken ?? "")).toBe(kid);
    expect((await auth.client(refreshed.tokens?.accessToken).getAccount({})).account?.phone).toBe(phone);

    // An emergency rotation signs at once and withdraws every older key from the JWKS.
    const emergency = await auth.client(admin.tokens?.accessToken).rotateSigningKey({ emergency: false });
    expect(emergency.kid).not.toBe(kid);
    const adminAgain = await client.login({ email: "admin@mercato.test", password: "the root passphrase" });
    const leaked = await auth.client(adminAgain.tokens?.accessToken).rotateSigningKey({ emergency: true });
    const after = (await (await fetch(`${auth.service.url}${jwksPath}`)).json()) as {
      keys: { kid: string }[];
    };
    expect(after.keys.map((k) => k.kid)).toEqual([leaked.kid]);
    const fresh = await client.refreshToken({ refreshToken: refreshed.tokens?.refreshToken ?? "" });
    expect(kidOf(fresh.tokens?.accessToken ?? "")).toBe(leaked.kid);
  });

  it("counts parallel wrong passwords before checking them, so a burst cannot pass the limit", async () => {
    const client = auth.client();
    const email = "speedy@shop.test";
    await client.registerSeller({ email, password: "the burst passphrase" });
    const codes = await Promise.all(
      Array.from({ length: 12 }, () =>
        failure(client.login({ email, password: "a wrong passphrase" })).then((e) => e.code),
      ),
    );
    expect(codes.filter((code) => code === Code.Unauthenticated)).toHaveLength(3);
    expect(codes.filter((code) => code === Code.ResourceExhausted)).toHaveLength(9);
  });

  it("tells of a sign-in from a device the account never used, and of every password change", async () => {
    const client = auth.client();
    const email = "devices@shop.test";
    const phone = { ip: "198.51.100.1", userAgent: "MercatoApp/1.0 (Android)" };
    const laptop = { ip: "198.51.100.2", userAgent: "Firefox/130 (Linux)" };
    const registered = await client.registerSeller({
      email,
      password: "the device passphrase",
      client: phone,
    });
    const userId = registered.account?.id ?? "";
    await client.login({ email, password: "the device passphrase", client: phone });
    const signedIn = await client.login({ email, password: "the device passphrase", client: laptop });
    await client.login({ email, password: "the device passphrase", client: laptop });
    await auth
      .client(signedIn.tokens?.accessToken)
      .changePassword({ currentPassword: "the device passphrase", newPassword: "a new device passphrase" });
    const of = <T>(subject: string, read: (e: EventEnvelope) => T & { userId: string }) =>
      auth.events
        .filter((e) => e.subject === subject)
        .map(read)
        .filter((e) => e.userId === userId);
    await waitFor(
      () =>
        of("mercato.auth.user.password_changed", (e) => fromBinary(PasswordChangedSchema, e.payload))
          .length === 1,
    );
    expect(
      of("mercato.auth.user.new_device_signed_in", (e) => fromBinary(NewDeviceSignedInSchema, e.payload)),
    ).toEqual([expect.objectContaining({ userAgent: laptop.userAgent, ip: laptop.ip })]);
    expect(
      of("mercato.auth.user.password_changed", (e) => fromBinary(PasswordChangedSchema, e.payload)),
    ).toEqual([expect.objectContaining({ byReset: false })]);
  });

  it("spends every outstanding reset link when one of them is used", async () => {
    const client = auth.client();
    const email = "twolinks@shop.test";
    await client.registerSeller({ email, password: "the first passphrase" });
    const linkCount = async () =>
      (await auth.mailTo(email)).match(/reset-password\?token=([A-Za-z0-9_-]+)/)?.[1] ?? "";
    await client.requestPasswordReset({ email });
    let first = "";
    for (let i = 0; i < 100 && !first; i++) {
      first = await linkCount();
      if (!first) await new Promise((r) => setTimeout(r, 20));
    }
    await client.requestPasswordReset({ email });
    let second = first;
    for (let i = 0; i < 100 && second === first; i++) {
      await new Promise((r) => setTimeout(r, 20));
      second = await linkCount();
    }
    expect(second).not.toBe(first);
    await client.resetPassword({ token: second, newPassword: "the second passphrase" });
    const spent = await failure(client.resetPassword({ token: first, newPassword: "the third passphrase" }));
    expect(spent.code).toBe(Code.InvalidArgument);
    expect(spent.rawMessage).toContain("already used");
  });

  it("limits registrations per client IP and reset e-mails per address", async () => {
    const client = auth.client();
    const ip = "198.51.100.77";
    for (let i = 0; i < 10; i++)
      await client.registerSeller({
        email: `many${i}@shop.test`,
        password: "many sellers passphrase",
        client: { ip },
      });
    const refused = await failure(
      client.registerSeller({
        email: "many10@shop.test",
        password: "many sellers passphrase",
        client: { ip },
      }),
    );
    expect(refused.code).toBe(Code.ResourceExhausted);
    for (let i = 0; i < 3; i++) await client.requestPasswordReset({ email: "many0@shop.test" });
    expect((await failure(client.requestPasswordReset({ email: "many0@shop.test" }))).code).toBe(
      Code.ResourceExhausted,
    );
  });

  it("refuses sign-ins for an address after repeated wrong passwords", async () => {
    const client = auth.client();
    const email = "locked@shop.test";
    await client.registerSeller({ email, password: "the right passphrase" });
    for (let i = 0; i < 3; i++) {
      expect((await failure(client.login({ email, password: "a wrong passphrase" }))).code).toBe(
        Code.Unauthenticated,
      );
    }
    const locked = await failure(client.login({ email, password: "the right passphrase" }));
    expect(locked.code).toBe(Code.ResourceExhausted);
  });

  it("lets an unverified seller ask for a new link, and refuses an expired one", async () => {
    const client = auth.client();
    const email = "resend@shop.test";
    const registered = await client.registerSeller({ email, password: "seller passphrase 1" });
    const firstMail = await auth.mailTo(email);
    await new Promise((r) => setTimeout(r, 5));
    await auth.client(registered.tokens?.accessToken).resendVerificationEmail({});
    let secondMail = firstMail;
    for (let i = 0; i < 100 && secondMail === firstMail; i++) {
      await new Promise((r) => setTimeout(r, 20));
      secondMail = await auth.mailTo(email);
    }
    const token = (text: string) => /token=([A-Za-z0-9_-]+)/.exec(text)?.[1] ?? "";
    expect(token(secondMail)).not.toBe(token(firstMail));
    await auth.service.runtime.database.db.execute(
      "update auth.email_tokens set expires_at = now() - interval '1 second'" as never,
    );
    const expired = await failure(client.verifyEmail({ token: token(secondMail) }));
    expect(expired.code).toBe(Code.InvalidArgument);
    expect(expired.rawMessage).toContain("expired");
  });

  it("refuses session operations without a token and a weak new password naming the field", async () => {
    const client = auth.client();
    expect((await failure(client.listSessions({}))).code).toBe(Code.Unauthenticated);
    const weak = await failure(client.registerSeller({ email: "weak@shop.test", password: "aaaaaaaaaaaa" }));
    expect(weak.code).toBe(Code.InvalidArgument);
    expect(weak.rawMessage).toContain("password");
    const withEmail = await failure(
      client.registerSeller({ email: "mylongname@shop.test", password: "mylongname-2024" }),
    );
    expect(withEmail.rawMessage).toContain("e-mail");
  });
});
