import { join, resolve } from "node:path";
import { AuthService } from "@mercato/contracts/mercato/auth/v1/auth_pb";
import {
  createMailer,
  createSmsSender,
  defineService,
  loadSqlMigrations,
  type Migration,
  type ServiceDefinition,
  type ServiceRuntime,
} from "@mercato/platform";
import { and, eq, isNotNull, lt, or } from "drizzle-orm";
import { type AuthConfig, authConfigSchema } from "./config.js";
import { Identity } from "./identity.workflow.js";
import { authRoutes } from "./rpc/auth.rpc.js";
import { emailTokens, otpChallenges, refreshTokens, secrets, sessions } from "./store/schema.js";
import { SigningKeys } from "./store/signing-keys.js";

/** The auth service's schema changes, in order. */
export function authMigrations(): Promise<Migration[]> {
  return loadSqlMigrations(join(import.meta.dirname, "store/migrations"));
}

/** Path of the JWKS document on the auth service's port. */
export const jwksPath = "/.well-known/jwks.json";

/** What the auth service works with: its flows, its keys, and how to release them. */
export interface AuthParts {
  identity: Identity;
  keys: SigningKeys;
  close(): Promise<void>;
}

/** The auth service's working parts over a database, an outbox and a key-value store (the admin CLI builds them without a server). */
export function buildAuthParts(
  runtime: Pick<ServiceRuntime<AuthConfig>, "config" | "database" | "logger" | "outbox" | "kv">,
): AuthParts {
  const { config, database, logger } = runtime;
  const outboxDir = resolve(config.OUTBOX_DIR ?? join(config.DATA_DIR, "outbox"));
  // The local outbox prints each message to the console so a developer can sign in; real
  // adapters never do, and the structured logs never carry a code or a link.
  const print = (line: string) => void process.stdout.write(`[outbox] ${line}\n`);
  const mailer = createMailer({
    ...(config.SMTP_URL ? { smtpUrl: config.SMTP_URL } : {}),
    outboxDir,
    from: config.MAIL_FROM,
    print,
  });
  const sms = createSmsSender({
    ...(config.TWILIO_ACCOUNT_SID && config.TWILIO_AUTH_TOKEN && config.TWILIO_FROM
      ? {
          twilio: {
            accountSid: config.TWILIO_ACCOUNT_SID,
            authToken: config.TWILIO_AUTH_TOKEN,
            from: config.TWILIO_FROM,
            baseUrl: config.TWILIO_BASE_URL,
          },
        }
      : {}),
    outboxDir,
    print,
  });
  const keys = new SigningKeys(database, {
    issuer: config.JWT_ISSUER,
    audience: config.JWT_AUDIENCE,
    accessTtlMs: config.ACCESS_TOKEN_TTL_MS,
    rotationMs: config.SIGNING_KEY_ROTATION_MS,
    activationDelayMs: config.SIGNING_KEY_ACTIVATION_DELAY_MS,
  });
  let otpKey: Promise<string> | undefined;
  const identity = new Identity({
    database,
    outbox: runtime.outbox,
    kv: runtime.kv,
    keys,
    mailer,
    sms,
    config,
    logger,
    otpKey: () => {
      otpKey ??= config.OTP_HASH_KEY
        ? Promise.resolve(config.OTP_HASH_KEY)
        : database.db
            .select({ value: secrets.value })
            .from(secrets)
            .where(eq(secrets.name, "otp_hash_key"))
            .then(([row]) => {
              if (!row) throw new Error("the otp_hash_key secret is missing from auth.secrets");
              return row.value;
            });
      return otpKey;
    },
  });
  const parts: AuthParts = {
    identity,
    keys,
    close: async () => {
      await mailer.close();
      await sms.close();
    },
  };
  return parts;
}

/** Deletes what can no longer be used: expired codes, spent or expired link tokens, ended refresh tokens. */
async function purgeExpired(runtime: ServiceRuntime<AuthConfig>, now = new Date()): Promise<void> {
  const { db } = runtime.database;
  const dayAgo = new Date(now.getTime() - 86_400_000);
  await db.delete(otpChallenges).where(lt(otpChallenges.expiresAt, dayAgo));
  await db.delete(emailTokens).where(or(lt(emailTokens.expiresAt, dayAgo), lt(emailTokens.usedAt, dayAgo)));
  await db.delete(refreshTokens).where(lt(refreshTokens.expiresAt, dayAgo));
  await db
    .delete(sessions)
    .where(
      or(
        lt(sessions.expiresAt, dayAgo),
        and(isNotNull(sessions.revokedAt), lt(sessions.revokedAt, new Date(now.getTime() - 30 * 86_400_000))),
      ),
    );
}

/**
 * The auth service (port 9000): buyer sign-in with a code by SMS, seller accounts with e-mail
 * and password, sessions with rotating refresh tokens, EdDSA access tokens and their JWKS.
 */
export const authService: ServiceDefinition<AuthConfig> = defineService<AuthConfig>({
  name: "auth",
  defaultPort: 9000,
  rpcServices: [AuthService.typeName],
  config: authConfigSchema,
  migrations: authMigrations,
  setup(runtime) {
    const parts = buildAuthParts(runtime);
    return {
      rpc: (router) => authRoutes(router, parts.identity),
      httpRoutes: [
        {
          method: "GET",
          path: jwksPath,
          handle: async () => ({
            status: 200,
            contentType: "application/jwk-set+json",
            body: JSON.stringify(await parts.keys.jwks()),
          }),
        },
      ],
      start: () => startHousekeeping(runtime, parts),
      close: () => parts.close(),
    };
  },
});

/**
 * Makes sure a signing key is current and the admin of ADMIN_EMAIL exists, then rotates keys and
 * purges what expired every hour (or rotation period). Returns how to stop.
 */
async function startHousekeeping(
  runtime: ServiceRuntime<AuthConfig>,
  { identity, keys }: AuthParts,
): Promise<() => Promise<void>> {
  const { config, logger } = runtime;
  await keys.ensureCurrent();
  if (config.ADMIN_EMAIL && config.ADMIN_PASSWORD) {
    const admin = await identity.ensureAdmin(config.ADMIN_EMAIL, config.ADMIN_PASSWORD, "ADMIN_PASSWORD");
    if (admin.created) logger.info({ userId: admin.id }, "admin account created from ADMIN_EMAIL");
    else if (!admin.admin)
      logger.warn(
        { userId: admin.id },
        "ADMIN_EMAIL belongs to an account that is not an admin; nothing changed",
      );
  }
  const hourly = setInterval(
    () => {
      Promise.all([keys.ensureCurrent(), purgeExpired(runtime)]).catch((error: unknown) =>
        logger.warn({ err: error }, "auth housekeeping failed"),
      );
    },
    Math.min(3_600_000, config.SIGNING_KEY_ROTATION_MS),
  );
  hourly.unref();
  return async () => clearInterval(hourly);
}
