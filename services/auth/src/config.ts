import { durationMs, flag, InvalidArgument, url } from "@mercato/platform";
import { z } from "zod";
import { checkNewPassword, normaliseEmail } from "./domain/identity-rules.js";

const minute = 60_000;
const hour = 60 * minute;
const day = 24 * hour;
const count = (fallback: number) =>
  z.coerce
    .number({ error: "must be a number" })
    .int()
    .positive({ error: "must be positive" })
    .default(fallback);

/**
 * The auth service's environment, validated at start. Durations are milliseconds. In production
 * it refuses to start while e-mail or SMS would go to the local outbox, unless ALLOW_LOCAL_OUTBOX.
 */
export const authConfigSchema = z
  .object({
    /** `production` refuses the local outbox unless ALLOW_LOCAL_OUTBOX is true. */
    NODE_ENV: z
      .enum(["development", "production", "test"], { error: "must be development, production or test" })
      .default("development"),
    /** Lets a production auth service print codes and links to stdout and its outbox folder (a demo host). */
    ALLOW_LOCAL_OUTBOX: flag(false),
    /** `iss` of every access token; the gateway and services check it. */
    JWT_ISSUER: z.string().min(1).default("mercato-auth"),
    /** `aud` of every access token. */
    JWT_AUDIENCE: z.string().min(1).default("mercato"),
    ACCESS_TOKEN_TTL_MS: durationMs(10 * minute),
    REFRESH_TOKEN_TTL_MS: durationMs(30 * day),
    /** A new signing key becomes current this long after the previous one. */
    SIGNING_KEY_ROTATION_MS: durationMs(30 * day),
    /** How long a new key is published before it signs (verifiers refetch an unknown kid after 30 s). */
    SIGNING_KEY_ACTIVATION_DELAY_MS: durationMs(2 * minute),
    OTP_TTL_MS: durationMs(5 * minute),
    OTP_MAX_ATTEMPTS: count(5),
    OTP_RESEND_COOLDOWN_MS: durationMs(30_000),
    /** Codes a phone number may request per OTP_RATE_WINDOW_MS. */
    OTP_RATE_PER_PHONE: count(5),
    /** Codes one client IP may request per OTP_RATE_WINDOW_MS. */
    OTP_RATE_PER_IP: count(20),
    OTP_RATE_WINDOW_MS: durationMs(hour),
    /** Key of the HMAC that codes are stored under (at least 32 characters); generated and kept in the database when unset. */
    OTP_HASH_KEY: z.string().min(32, { error: "must be at least 32 characters" }).optional(),
    /** Seller registrations one client IP may make per EMAIL_RATE_WINDOW_MS. */
    REGISTRATIONS_PER_IP: count(10),
    /** Verification or reset e-mails one address may be sent per EMAIL_RATE_WINDOW_MS. */
    EMAILS_PER_ADDRESS: count(3),
    /** Reset e-mails one client IP may ask for per EMAIL_RATE_WINDOW_MS. */
    EMAILS_PER_IP: count(20),
    EMAIL_RATE_WINDOW_MS: durationMs(hour),
    /** Failed password logins allowed per e-mail address per LOGIN_RATE_WINDOW_MS. */
    LOGIN_MAX_FAILURES: count(10),
    LOGIN_RATE_WINDOW_MS: durationMs(15 * minute),
    EMAIL_VERIFICATION_TTL_MS: durationMs(2 * day),
    PASSWORD_RESET_TTL_MS: durationMs(hour),
    /** Base URL of the public API; e-mailed links point at it. */
    PUBLIC_URL: url(["http:", "https:"]).default("http://127.0.0.1:8080"),
    /** Sender of every e-mail: one line holding an address, `Name <address>` or the bare address. */
    MAIL_FROM: z
      .string()
      .refine((value) => !/[\r\n]/.test(value) && /[^\s@<>]+@[^\s@<>]+/.test(value), {
        error: "must be one line with an e-mail address, e.g. Mercato <no-reply@example.com>",
      })
      .default("Mercato <no-reply@mercato.local>"),
    /** SMTP server for e-mail (`smtp://user:pass@host:port`); e-mail goes to the local outbox when unset. */
    SMTP_URL: url(["smtp:", "smtps:"]).optional(),
    /** Twilio account for SMS; SMS goes to the local outbox when unset. */
    TWILIO_ACCOUNT_SID: z.string().min(1).optional(),
    TWILIO_AUTH_TOKEN: z.string().min(1).optional(),
    TWILIO_FROM: z.string().min(1).optional(),
    TWILIO_BASE_URL: url(["http:", "https:"]).default("https://api.twilio.com"),
    /** Folder of the local outbox (`mail/*.eml`, `sms/*.json`); default `<DATA_DIR>/outbox`. */
    OUTBOX_DIR: z.string().optional(),
    DATA_DIR: z.string().default("./data"),
    /** When both are set, an admin account with this e-mail exists after start (created once, never changed). */
    ADMIN_EMAIL: z.email({ error: "must be an e-mail address" }).optional(),
    ADMIN_PASSWORD: z.string().min(10, { error: "must be at least 10 characters" }).optional(),
  })
  .superRefine((config, context) => {
    // The rules every new password meets, checked here so that a bad one stops the start naming
    // the variable, before anything is migrated or served.
    if (config.ADMIN_EMAIL && config.ADMIN_PASSWORD) {
      try {
        checkNewPassword(config.ADMIN_PASSWORD, normaliseEmail(config.ADMIN_EMAIL), "ADMIN_PASSWORD");
      } catch (error) {
        if (!(error instanceof InvalidArgument)) throw error;
        for (const violation of error.violations) {
          context.addIssue({
            code: "custom",
            path: [violation.field],
            message: violation.message.replace("the e-mail address", "the e-mail address of ADMIN_EMAIL"),
          });
        }
      }
    }
    if (config.NODE_ENV !== "production" || config.ALLOW_LOCAL_OUTBOX) return;
    const local = [
      ...(config.SMTP_URL ? [] : ["e-mail (set SMTP_URL)"]),
      ...(config.TWILIO_ACCOUNT_SID && config.TWILIO_AUTH_TOKEN && config.TWILIO_FROM
        ? []
        : ["SMS (set TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_FROM)"]),
    ];
    if (local.length === 0) return;
    context.addIssue({
      code: "custom",
      path: ["ALLOW_LOCAL_OUTBOX"],
      message: `must be true for production to send ${local.join(" and ")} to the local outbox, which prints sign-in codes and links to stdout and writes them to disk`,
    });
  });

/** Parsed auth configuration. */
export type AuthConfig = z.infer<typeof authConfigSchema>;
