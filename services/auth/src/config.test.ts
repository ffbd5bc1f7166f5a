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
