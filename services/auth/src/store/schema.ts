import { sql } from "drizzle-orm";
import {
  check,
  foreignKey,
  index,
  integer,
  jsonb,
  pgSchema,
  text,
  timestamp,
  unique,
  uuid,
} from "drizzle-orm/pg-core";
import type { JWK } from "jose";

const auth = pgSchema("auth");
const tz = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });

// Written to match migrations/*.sql, the one migration source (ADR 0033); the constraints keep the
// names PostgreSQL gave the SQL's inline ones (`_key`, `_fkey`, `_check`), and
// tests/repo/schema-matches-migrations.test.ts checks the two agree.

/** Accounts: one per buyer phone number or seller/admin e-mail address. */
export const accounts = auth.table(
  "accounts",
  {
    id: uuid("id").primaryKey(),
    roles: text("roles").array().notNull(),
    phone: text("phone"),
    email: text("email"),
    passwordHash: text("password_hash"),
    emailVerifiedAt: tz("email_verified_at"),
    createdAt: tz("created_at").notNull().defaultNow(),
    updatedAt: tz("updated_at").notNull().defaultNow(),
  },
  (table) => [
    unique("accounts_phone_key").on(table.phone),
    unique("accounts_email_key").on(table.email),
    check("accounts_identity", sql`"phone" IS NOT NULL OR "email" IS NOT NULL`),
    check("accounts_email_lower", sql`"email" = lower("email")`),
  ],
);

/** The one pending code per phone number; only its keyed hash is stored. */
export const otpChallenges = auth.table("otp_challenges", {
  phone: text("phone").primaryKey(),
  codeHash: text("code_hash").notNull(),
  attempts: integer("attempts").notNull().default(0),
  expiresAt: tz("expires_at").notNull(),
  sentAt: tz("sent_at").notNull(),
});

/** Single-use tokens from e-mailed links (verification, password reset); SHA-256 hashes only. */
export const emailTokens = auth.table(
  "email_tokens",
  {
    tokenHash: text("token_hash").primaryKey(),
    accountId: uuid("account_id").notNull(),
    purpose: text("purpose").$type<"verify_email" | "reset_password">().notNull(),
    email: text("email").notNull(),
    expiresAt: tz("expires_at").notNull(),
    usedAt: tz("used_at"),
    createdAt: tz("created_at").notNull().defaultNow(),
  },
  (table) => [
    foreignKey({
      name: "email_tokens_account_id_fkey",
      columns: [table.accountId],
      foreignColumns: [accounts.id],
    }).onDelete("cascade"),
    index("email_tokens_account").on(table.accountId, table.purpose),
    check("email_tokens_purpose_check", sql`"purpose" IN ('verify_email', 'reset_password')`),
  ],
);

/** Sessions: one per sign-in, the family of every refresh token rotated from it. */
export const sessions = auth.table(
  "sessions",
  {
    id: uuid("id").primaryKey(),
    accountId: uuid("account_id").notNull(),
    createdAt: tz("created_at").notNull().defaultNow(),
    lastUsedAt: tz("last_used_at").notNull().defaultNow(),
    expiresAt: tz("expires_at").notNull(),
    revokedAt: tz("revoked_at"),
    revokedReason: text("revoked_reason"),
    ip: text("ip").notNull().default(""),
    userAgent: text("user_agent").notNull().default(""),
  },
  (table) => [
    foreignKey({
      name: "sessions_account_id_fkey",
      columns: [table.accountId],
      foreignColumns: [accounts.id],
    }).onDelete("cascade"),
    index("sessions_account").on(table.accountId).where(sql`"revoked_at" IS NULL`),
  ],
);

/** Refresh tokens (SHA-256 hashes); `usedAt` set once rotated: a second use is a reuse. */
export const refreshTokens = auth.table(
  "refresh_tokens",
  {
    tokenHash: text("token_hash").primaryKey(),
    sessionId: uuid("session_id").notNull(),
    createdAt: tz("created_at").notNull().defaultNow(),
    expiresAt: tz("expires_at").notNull(),
    usedAt: tz("used_at"),
  },
  (table) => [
    foreignKey({
      name: "refresh_tokens_session_id_fkey",
      columns: [table.sessionId],
      foreignColumns: [sessions.id],
    }).onDelete("cascade"),
    index("refresh_tokens_session").on(table.sessionId),
  ],
);

/** Ed25519 signing keys as JWKs; the latest activated one signs; each stays published until `publishedUntil`. */
export const signingKeys = auth.table("signing_keys", {
  kid: text("kid").primaryKey(),
  privateJwk: jsonb("private_jwk").$type<JWK>().notNull(),
  publicJwk: jsonb("public_jwk").$type<JWK>().notNull(),
  createdAt: tz("created_at").notNull().defaultNow(),
  /** When it starts signing; a rotation publishes the new key first and activates it later. */
  activatesAt: tz("activates_at").notNull(),
  /** When it stopped (or stops) signing: the next key's activation. */
  retiredAt: tz("retired_at"),
  publishedUntil: tz("published_until"),
});

/** Secrets the service generates for itself when the environment gives none. */
export const secrets = auth.table("secrets", {
  name: text("name").primaryKey(),
  value: text("value").notNull(),
  createdAt: tz("created_at").notNull().defaultNow(),
});

/** An account row. */
export type AccountRow = typeof accounts.$inferSelect;
/** A session row. */
export type SessionRow = typeof sessions.$inferSelect;
