import { durationMs, flag, url } from "@mercato/platform";
import { z } from "zod";

const count = (fallback: number) =>
  z.coerce
    .number({ error: "must be a number" })
    .int()
    .positive({ error: "must be positive" })
    .default(fallback);

/**
 * The notifications service's environment, validated at start. E-mail goes through SMTP_URL and push
 * through FCM and Web Push when configured, to the local outbox otherwise; production refuses the
 * outbox unless ALLOW_LOCAL_OUTBOX.
 */
export const notificationsConfigSchema = z
  .object({
    NODE_ENV: z
      .enum(["development", "production", "test"], { error: "must be development, production or test" })
      .default("development"),
    ALLOW_LOCAL_OUTBOX: flag(false),
    /** Sender of every e-mail. */
    MAIL_FROM: z
      .string()
      .refine((value) => !/[\r\n]/.test(value) && /[^\s@<>]+@[^\s@<>]+/.test(value), {
        error: "must be one line with an e-mail address, e.g. Mercato <no-reply@example.com>",
      })
      .default("Mercato <no-reply@mercato.local>"),
    /** SMTP server (`smtp://user:pass@host:port`); e-mail goes to the local outbox when unset. */
    SMTP_URL: url(["smtp:", "smtps:"]).optional(),
    /** FCM service account, the key file's JSON; iOS and Android push go to the local outbox when neither push provider is set. */
    FCM_CREDENTIALS: z.string().min(1).optional(),
    /** FCM's API (tests point it at a local server). */
    FCM_BASE_URL: url(["http:", "https:"]).default("https://fcm.googleapis.com"),
    /** VAPID keys (base64url) and contact (mailto: or https:) for browser push. */
    WEB_PUSH_PUBLIC_KEY: z.string().min(1).optional(),
    WEB_PUSH_PRIVATE_KEY: z.string().min(1).optional(),
    WEB_PUSH_SUBJECT: z.string().min(1).default("mailto:no-reply@mercato.local"),
    /** E-mails handed to SMTP per second at most, over every replica (the provider's rate limit). */
    EMAIL_RATE_PER_SECOND: count(50),
    /** Pushes sent per second at most, over every replica. */
    PUSH_RATE_PER_SECOND: count(200),
    /** First retry of a failed send; doubled for each further one, five tries in all. */
    DELIVERY_BACKOFF_MS: durationMs(2_000),
    /** Deliveries left queued this long get their job queued again (a restart lost it). */
    DELIVERY_SWEEP_AFTER_MS: durationMs(5 * 60_000),
    /** Base URL of the public API; unsubscribe links point at it. */
    PUBLIC_URL: url(["http:", "https:"]).default("http://127.0.0.1:8080"),
    /** Key unsubscribe links are signed with (at least 32 characters); made and kept in the database when unset. */
    UNSUBSCRIBE_SECRET: z.string().min(32, { error: "must be at least 32 characters" }).optional(),
    /** How often followers' news of new products is gathered and sent (each pair at most once a day). */
    MARKETING_BATCH_MS: durationMs(15 * 60_000),
    /** Least time between two marketing messages from one storefront to one follower. */
    MARKETING_GAP_MS: durationMs(24 * 60 * 60_000),
    OUTBOX_DIR: z.string().optional(),
    DATA_DIR: z.string().default("./data"),
  })
  .superRefine((config, context) => {
    if (Boolean(config.WEB_PUSH_PUBLIC_KEY) !== Boolean(config.WEB_PUSH_PRIVATE_KEY))
      context.addIssue({
        code: "custom",
        path: [config.WEB_PUSH_PUBLIC_KEY ? "WEB_PUSH_PRIVATE_KEY" : "WEB_PUSH_PUBLIC_KEY"],
        message: "must be set with the other VAPID key",
      });
    if (config.NODE_ENV !== "production" || config.ALLOW_LOCAL_OUTBOX) return;
    const local = [
      ...(config.SMTP_URL ? [] : ["e-mail (set SMTP_URL)"]),
      ...(config.FCM_CREDENTIALS || config.WEB_PUSH_PUBLIC_KEY
        ? []
        : ["push (set FCM_CREDENTIALS or WEB_PUSH_*)"]),
    ];
    if (local.length > 0)
      context.addIssue({
        code: "custom",
        path: ["ALLOW_LOCAL_OUTBOX"],
        message: `must be true for production to send ${local.join(" and ")} to the local outbox`,
      });
  });

export type NotificationsConfig = z.infer<typeof notificationsConfigSchema>;
