import { ConfigError, parseConfig } from "@mercato/platform";
import { describe, expect, it } from "vitest";
import { authConfigSchema } from "./config.js";

const smtp = { SMTP_URL: "smtp://mail.example:587" };
const twilio = { TWILIO_ACCOUNT_SID: "AC1", TWILIO_AUTH_TOKEN: "secret", TWILIO_FROM: "+15550100" };

describe("auth configuration and the local outbox", () => {
  it("refuses production without an SMTP server or an SMS provider, naming ALLOW_LOCAL_OUTBOX and what is missing", () => {
    expect(() => parseConfig(authConfigSchema, { NODE_ENV: "production" })).toThrow(ConfigError);
    expect(() => parseConfig(authConfigSchema, { NODE_ENV: "production" })).toThrow(
      /ALLOW_LOCAL_OUTBOX must be true .*SMTP_URL.*TWILIO_ACCOUNT_SID/,
    );
    expect(() => parseConfig(authConfigSchema, { NODE_ENV: "production", ...smtp })).toThrow(
      /ALLOW_LOCAL_OUTBOX must be true for production to send SMS \(set TWILIO/,
    );
    expect(() => parseConfig(authConfigSchema, { NODE_ENV: "production", ...twilio })).toThrow(
      /ALLOW_LOCAL_OUTBOX must be true for production to send e-mail \(set SMTP_URL\) to/,
    );
  });

  it("starts in production with both providers, or with ALLOW_LOCAL_OUTBOX=true", () => {
    expect(parseConfig(authConfigSchema, { NODE_ENV: "production", ...smtp, ...twilio }).NODE_ENV).toBe(
      "production",
    );
    expect(
      parseConfig(authConfigSchema, { NODE_ENV: "production", ALLOW_LOCAL_OUTBOX: "true" })
        .ALLOW_LOCAL_OUTBOX,
    ).toBe(true);
  });

  it("uses the local outbox outside production without being asked", () => {
    expect(parseConfig(authConfigSchema, {}).ALLOW_LOCAL_OUTBOX).toBe(false);
    expect(() => parseConfig(authConfigSchema, { NODE_ENV: "test" })).not.toThrow();
  });
});

describe("auth configuration of the admin account", () => {
  const admin = { ADMIN_EMAIL: "Boss@Mercato.test" };

  it("refuses an ADMIN_PASSWORD that contains ADMIN_EMAIL, naming both variables and not the password", () => {
    const start = () => parseConfig(authConfigSchema, { ...admin, ADMIN_PASSWORD: "boss@mercato.test 2026" });
    expect(start).toThrow(ConfigError);
    expect(start).toThrow(/ADMIN_PASSWORD must not contain the e-mail address of ADMIN_EMAIL/);
    expect(start).not.toThrow(/2026/);
  });

  it("refuses an ADMIN_PASSWORD that is too easy to guess, naming it", () => {
    expect(() => parseConfig(authConfigSchema, { ...admin, ADMIN_PASSWORD: "password123" })).toThrow(
      /ADMIN_PASSWORD is too easy to guess/,
    );
  });

  it("accepts a good ADMIN_PASSWORD", () => {
    expect(
      parseConfig(authConfigSchema, { ...admin, ADMIN_PASSWORD: "the root passphrase" }).ADMIN_PASSWORD,
    ).toBe("the root passphrase");
  });

  it("refuses a MAIL_FROM of several lines or without an address, naming it", () => {
    for (const MAIL_FROM of ["Mercato", "Mercato <no-reply@mercato.test>\r\nBcc: x@y.test"])
      expect(() => parseConfig(authConfigSchema, { MAIL_FROM })).toThrow(
        /MAIL_FROM must be one line with an e-mail address/,
      );
    expect(parseConfig(authConfigSchema, { MAIL_FROM: "shop@mercato.test" }).MAIL_FROM).toBe(
      "shop@mercato.test",
    );
  });
});
