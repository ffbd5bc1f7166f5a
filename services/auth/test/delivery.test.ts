import { Code, type ConnectError } from "@connectrpc/connect";
import {
  type SmtpTestServer,
  startSmtpTestServer,
  startTwilioTestServer,
  type TwilioTestServer,
} from "@mercato/platform/messaging/test-servers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AuthHarness, startAuth } from "./harness.js";

describe("auth service with real delivery adapters", () => {
  let smtp: SmtpTestServer;
  let twilio: TwilioTestServer;
  let auth: AuthHarness;

  beforeAll(async () => {
    smtp = await startSmtpTestServer();
    twilio = await startTwilioTestServer();
    auth = await startAuth({
      SMTP_URL: smtp.url(),
      TWILIO_ACCOUNT_SID: "AC0123456789abcdef0123456789abcdef",
      TWILIO_AUTH_TOKEN: "twilio-secret-token",
      TWILIO_FROM: "+15005550006",
      TWILIO_BASE_URL: twilio.baseUrl,
      OTP_RESEND_COOLDOWN_MS: "1",
    });
  }, 60_000);
  afterAll(async () => {
    await auth?.stop();
    await twilio?.close();
    await smtp?.close();
  });

  it("sends the code through the Twilio Messages API and signs in with it", async () => {
    const phone = "+4915112000600";
    await auth.client().requestOtp({ phone });
    const request = twilio.requests.at(-1);
    expect(request?.path).toBe("/2010-04-01/Accounts/AC0123456789abcdef0123456789abcdef/Messages.json");
    expect(request?.form).toMatchObject({ To: phone, From: "+15005550006" });
    expect(request?.authorization).toBe(
      `Basic ${Buffer.from("AC0123456789abcdef0123456789abcdef:twilio-secret-token").toString("base64")}`,
    );
    const code = /\b(\d{6})\b/.exec(request?.form.Body ?? "")?.[1] ?? "";
    const signedIn = await auth.client().verifyOtp({ phone, code });
    expect(signedIn.account?.phone).toBe(phone);
  });

  it("reports an unavailable SMS provider and lets the user ask again at once", async () => {
    const phone = "+4915112000601";
    twilio.reply = () => ({ status: 503, body: { code: 20003, message: "down" } });
    const error = await auth
      .client()
      .requestOtp({ phone })
      .then(
        () => undefined,
        (e: unknown) => e as ConnectError,
      );
    expect(error?.code).toBe(Code.Unavailable);
    twilio.reply = () => ({ status: 201, body: { sid: "SM00000000000000000000000000000001" } });
    await auth.client().requestOtp({ phone });
  });

  it("names the phone field when the provider refuses the number", async () => {
    twilio.reply = () => ({
      status: 400,
      body: { code: 21211, message: "The 'To' number is not a valid phone number.", status: 400 },
    });
    const error = await auth
      .client()
      .requestOtp({ phone: "+4915112000602" })
      .then(
        () => undefined,
        (e: unknown) => e as ConnectError,
      );
    expect(error?.code).toBe(Code.InvalidArgument);
    expect(error?.rawMessage).toContain("phone");
    twilio.reply = () => ({ status: 201, body: { sid: "SM00000000000000000000000000000002" } });
  });

  it("e-mails the verification link over SMTP", async () => {
    await auth
      .client()
      .registerSeller({ email: "smtp-seller@shop.test", password: "seller smtp passphrase" });
    for (let i = 0; i < 100 && smtp.received.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    const message = smtp.received.at(-1);
    expect(message?.rcptTo).toEqual(["smtp-seller@shop.test"]);
    expect(message?.user).toBe(smtp.user);
    const text = message?.raw.toString("utf8").replace(/=\r?\n/g, "") ?? "";
    expect(text).toContain("Verify your e-mail address");
    const token = /verify-email\?token=3D([A-Za-z0-9_-]+)|verify-email\?token=([A-Za-z0-9_-]+)/.exec(text);
    const verified = await auth.client().verifyEmail({ token: token?.[1] ?? token?.[2] ?? "" });
    expect(verified.account?.emailVerified).toBe(true);
  });
});
