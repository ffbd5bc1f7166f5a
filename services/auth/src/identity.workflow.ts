import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { eventSubjects } from "@mercato/contracts/events";
import { type Account, AccountSchema } from "@mercato/contracts/mercato/auth/v1/auth_pb";
import {
  type Caller,
  Conflict,
  type Database,
  type Executor,
  FailedPrecondition,
  FallbackKeyValue,
  InvalidArgument,
  isUniqueViolation,
  type KeyValue,
  type Logger,
  type Mailer,
  NotFound,
  type Outbox,
  PermissionDenied,
  ResourceExhausted,
  type SmsSender,
  Unauthenticated,
} from "@mercato/platform";
import { and, desc, eq, gt, isNull, ne, sql } from "drizzle-orm";
import { v7 as uuidv7 } from "uuid";
import type { AuthConfig } from "./config.js";
import { clientBucket } from "./domain/client-bucket.js";
import { checkNewPassword, normaliseEmail, normalisePhone } from "./domain/identity-rules.js";
import { checkOtp, resendWaitSeconds } from "./domain/otp-rules.js";
import { hashPassword, passwordMatches } from "./domain/passwords.js";
import { newOpaqueToken, newOtpCode, otpHash, sameHash, tokenHash } from "./domain/secrets.js";
import {
  type ClientMeta,
  type IssuedTokens,
  issueTokens,
  openSession,
  storeRefreshToken,
} from "./sessions.workflow.js";
import {
  type AccountRow,
  accounts,
  emailTokens,
  otpChallenges,
  refreshTokens,
  type SessionRow,
  sessions,
} from "./store/schema.js";
import type { SigningKeys } from "./store/signing-keys.js";

/** What the identity flows use. */
export interface IdentityDeps {
  database: Database;
  outbox: Outbox;
  kv: KeyValue;
  keys: SigningKeys;
  mailer: Mailer;
  sms: SmsSender;
  config: AuthConfig;
  logger: Logger;
  /** The HMAC key codes are hashed with. */
  otpKey: () => Promise<string>;
}

/** An account signed in to, with its tokens. */
export interface SignedIn {
  tokens: IssuedTokens;
  account: Account;
}

/** The proto form of an account row. */
export function toAccount(row: AccountRow): Account {
  return create(AccountSchema, {
    id: row.id,
    roles: row.roles,
    phone: row.phone ?? "",
    email: row.email ?? "",
    emailVerified: row.emailVerifiedAt !== null,
    createdAt: timestampFromDate(row.createdAt),
  });
}

/**
 * Every sign-in and account flow of the auth service: one-time codes by SMS, seller e-mail
 * accounts with verification and password reset, refresh-token rotation with reuse detection,
 * and the caller's sessions. Errors are domain errors naming the field at fault.
 */
export class Identity {
  /**
   * The rate-limit counters. While the key-value store does not answer they count in this process
   * (ADR 0027): sign-in keeps working and each replica still applies every limit, per replica.
   */
  private readonly counters: KeyValue;

  constructor(private readonly deps: IdentityDeps) {
    this.counters = new FallbackKeyValue(deps.kv, {
      logger: deps.logger,
      consequence: "sign-in limits count per auth replica until it returns",
    });
  }

  /** Sends a new code to a phone number, within the cooldown and the per-phone and per-IP limits. */
  async requestOtp(
    phoneInput: string,
    client: ClientMeta,
  ): Promise<{ expiresAt: Date; resendAfterSeconds: number }> {
    const { config, database } = this.deps;
    const phone = normalisePhone(phoneInput);
    const now = new Date();
    if (client.ip) {
      const fromIp = await this.counters.increment(`otp:ip:${clientBucket(client.ip)}`, {
        ttlMs: config.OTP_RATE_WINDOW_MS,
      });
      if (fromIp > config.OTP_RATE_PER_IP)
        throw new ResourceExhausted("too many codes requested from this network; try again later");
    }
    const [previous] = await database.db
      .select({ sentAt: otpChallenges.sentAt })
      .from(otpChallenges)
      .where(eq(otpChallenges.phone, phone));
    const wait = resendWaitSeconds(previous?.sentAt, now, config.OTP_RESEND_COOLDOWN_MS);
    if (wait > 0)
      throw new ResourceExhausted(`a code was just sent to this phone; request another in ${wait} s`);
    const forPhone = await this.counters.increment(`otp:phone:${phone}`, {
      ttlMs: config.OTP_RATE_WINDOW_MS,
    });
    if (forPhone > config.OTP_RATE_PER_PHONE)
      throw new ResourceExhausted("too many codes requested for this phone number; try again later");

    const code = newOtpCode();
    const expiresAt = new Date(now.getTime() + config.OTP_TTL_MS);
    const challenge = {
      codeHash: otpHash(await this.deps.otpKey(), phone, code),
      attempts: 0,
      expiresAt,
      sentAt: now,
    };
    await database.db
      .insert(otpChallenges)
      .values({ phone, ...challenge })
      .onConflictDoUpdate({ target: otpChallenges.phone, set: challenge });
    const minutes = Math.round(config.OTP_TTL_MS / 60_000);
    try {
      await this.deps.sms.send({
        to: phone,
        body: `${code} is your Mercato code. It expires in ${minutes} minutes. Do not share it.`,
      });
    } catch (error) {
      // A code nobody received must not block the next request behind the cooldown.
      await database.db.delete(otpChallenges).where(eq(otpChallenges.phone, phone));
      if (error instanceof InvalidArgument && error.violations.some((v) => v.field === "to"))
        throw InvalidArgument.field("phone", "cannot receive SMS from the provider; check the number");
      throw error;
    }
    return { expiresAt, resendAfterSeconds: Math.ceil(config.OTP_RESEND_COOLDOWN_MS / 1000) };
  }

  /** Checks a code; the right one signs in, creating the buyer account for a new phone number. */
  async verifyOtp(
    phoneInput: string,
    code: string,
    client: ClientMeta,
  ): Promise<SignedIn & { created: boolean }> {
    const { config, database } = this.deps;
    const phone = normalisePhone(phoneInput);
    const now = new Date();
    const key = await this.deps.otpKey();
    const outcome = await database.transaction(async (tx) => {
      const [challenge] = await tx
        .select()
        .from(otpChallenges)
        .where(eq(otpChallenges.phone, phone))
        .for("update");
      const matches = challenge ? sameHash(challenge.codeHash, otpHash(key, phone, code)) : false;
      const check = checkOtp(challenge, matches, now, config.OTP_MAX_ATTEMPTS);
      if (check.kind === "expired") await tx.delete(otpChallenges).where(eq(otpChallenges.phone, phone));
      if (check.kind === "wrong")
        await tx
          .update(otpChallenges)
          .set({ attempts: sql`${otpChallenges.attempts} + 1` })
          .where(eq(otpChallenges.phone, phone));
      if (check.kind !== "ok") return { check } as const;

      await tx.delete(otpChallenges).where(eq(otpChallenges.phone, phone));
      let [account] = await tx.select().from(accounts).where(eq(accounts.phone, phone));
      let created = false;
      if (!account) {
        [account] = await tx
          .insert(accounts)
          .values({ id: uuidv7(), roles: ["buyer"], phone, createdAt: now, updatedAt: now })
          .returning();
        if (!account) throw new Error("account insert returned no row");
        await this.publishRegistered(tx, account);
        created = true;
      }
      const session = await openSession(
        tx,
        this.deps.outbox,
        account.id,
        client,
        config.REFRESH_TOKEN_TTL_MS,
        now,
      );
      return { check, account, session, created } as const;
    });
    // The attempt counter must be committed before a wrong code is reported.
    switch (outcome.check.kind) {
      case "missing":
        throw InvalidArgument.field("code", "no code is pending for this phone number; request a new one");
      case "expired":
        throw InvalidArgument.field("code", "has expired; request a new one");
      case "locked":
        throw new ResourceExhausted("code: too many wrong attempts; request a new code");
      case "wrong":
        throw InvalidArgument.field(
          "code",
          outcome.check.attemptsLeft > 0
            ? `is wrong; ${outcome.check.attemptsLeft} attempt(s) left`
            : "is wrong; no attempts left, request a new code",
        );
      case "ok":
        break;
    }
    if (!("account" in outcome) || !outcome.account || !outcome.session) throw new Error("unreachable");
    const tokens = await issueTokens(this.deps.keys, outcome.account, outcome.session);
    return { tokens, account: toAccount(outcome.account), created: outcome.created === true };
  }

  /** Creates a seller account, signs it in, and e-mails a verification link. */
  async registerSeller(emailInput: string, password: string, client: ClientMeta): Promise<SignedIn> {
    const { config, database } = this.deps;
    const email = normaliseEmail(emailInput);
    checkNewPassword(password, email, "password");
    await this.limit(
      client.ip && `register:ip:${clientBucket(client.ip)}`,
      config.REGISTRATIONS_PER_IP,
      "too many registrations from this network; try again later",
    );
    const passwordHash = await hashPassword(password);
    const now = new Date();
    const emailExists = () => new Conflict("email: an account with this e-mail address already exists");
    let link = "";
    const { account, session } = await database
      .transaction(async (tx) => {
        const [existing] = await tx
          .select({ id: accounts.id })
          .from(accounts)
          .where(eq(accounts.email, email));
        if (existing) throw emailExists();
        const [row] = await tx
          .insert(accounts)
          .values({ id: uuidv7(), roles: ["seller"], email, passwordHash, createdAt: now, updatedAt: now })
          .returning();
        if (!row) throw new Error("account insert returned no row");
        await this.publishRegistered(tx, row);
        link = await this.storeEmailToken(tx, row, "verify_email", now);
        return {
          account: row,
          session: await openSession(tx, this.deps.outbox, row.id, client, config.REFRESH_TOKEN_TTL_MS, now),
        };
      })
      .catch((error: unknown) => {
        throw isUniqueViolation(error) ? emailExists() : error;
      });
    await this.sendVerification(email, link);
    return { tokens: await issueTokens(this.deps.keys, account, session), account: toAccount(account) };
  }

  /** Consumes a verification link's token and marks the address verified. */
  async verifyEmail(token: string): Promise<Account> {
    const now = new Date();
    const account = await this.deps.database.transaction(async (tx) => {
      const row = await this.consumeEmailToken(tx, token, "verify_email", now);
      const [updated] = await tx
        .update(accounts)
        .set({ emailVerifiedAt: sql`coalesce(${accounts.emailVerifiedAt}, ${now})`, updatedAt: now })
        .where(and(eq(accounts.id, row.accountId), eq(accounts.email, row.email)))
        .returning();
      if (!updated) throw InvalidArgument.field("token", "belongs to an address the account no longer has");
      await this.deps.outbox.add(tx, eventSubjects.auth.userEmailVerified, {
        userId: updated.id,
        email: row.email,
        verifiedAt: timestampFromDate(now),
      });
      return updated;
    });
    return toAccount(account);
  }

  /** E-mails a new verification link to the caller. */
  async resendVerification(caller: Caller | undefined): Promise<void> {
    const account = await this.accountOf(caller);
    if (!account.email) throw new FailedPrecondition("this account has no e-mail address");
    if (account.emailVerifiedAt) throw new FailedPrecondition("the e-mail address is already verified");
    await this.limit(
      `mail:${account.email}`,
      this.deps.config.EMAILS_PER_ADDRESS,
      "too many e-mails to this address; try again later",
    );
    const link = await this.storeEmailToken(this.deps.database.db, account, "verify_email", new Date());
    await this.sendVerification(account.email, link);
  }

  /** Signs in with e-mail and password; repeated failures for one address are refused for a while. */
  async login(emailInput: string, password: string, client: ClientMeta): Promise<SignedIn> {
    const { config, database } = this.deps;
    const email = normaliseEmail(emailInput);
    const failuresKey = `login:failures:${email}`;
    // Counted before the password check, so a burst of parallel guesses is counted too; a
    // successful sign-in clears the count.
    const attempts = await this.counters.increment(failuresKey, { ttlMs: config.LOGIN_RATE_WINDOW_MS });
    if (attempts > config.LOGIN_MAX_FAILURES)
      throw new ResourceExhausted("too many failed sign-ins for this e-mail address; try again later");
    const [account] = await database.db.select().from(accounts).where(eq(accounts.email, email));
    if (!(await passwordMatches(account?.passwordHash, password)) || !account)
      throw new Unauthenticated("e-mail address or password is wrong");
    await this.counters.delete(failuresKey);
    const now = new Date();
    const session = await database.transaction((tx) =>
      openSession(tx, this.deps.outbox, account.id, client, config.REFRESH_TOKEN_TTL_MS, now),
    );
    return { tokens: await issueTokens(this.deps.keys, account, session), account: toAccount(account) };
  }

  /**
   * Exchanges a refresh token for new tokens of the same session. A token that was already
   * exchanged means it leaked or was replayed: the whole session is revoked.
   */
  async refresh(token: string, client: ClientMeta): Promise<IssuedTokens> {
    const { config, database } = this.deps;
    const now = new Date();
    const hash = tokenHash(token);
    const outcome = await database.transaction(async (tx) => {
      const [claimed] = await tx
        .update(refreshTokens)
        .set({ usedAt: now })
        .where(
          and(
            eq(refreshTokens.tokenHash, hash),
            isNull(refreshTokens.usedAt),
            gt(refreshTokens.expiresAt, now),
          ),
        )
        .returning({ sessionId: refreshTokens.sessionId });
      if (!claimed) {
        const [known] = await tx.select().from(refreshTokens).where(eq(refreshTokens.tokenHash, hash));
        if (!known) return { error: "refresh token is not valid; sign in again" } as const;
        if (known.usedAt) {
          await revokeSessions(tx, eq(sessions.id, known.sessionId), "refresh token reused", now);
          return { error: "refresh token was already used; the session is revoked, sign in again" } as const;
        }
        return { error: "refresh token expired; sign in again" } as const;
      }
      const [session] = await tx
        .select()
        .from(sessions)
        .where(eq(sessions.id, claimed.sessionId))
        .for("update");
      if (!session || session.revokedAt || session.expiresAt <= now)
        return { error: "the session has ended; sign in again" } as const;
      const [account] = await tx.select().from(accounts).where(eq(accounts.id, session.accountId));
      if (!account) return { error: "the account no longer exists" } as const;
      const next = await storeRefreshToken(tx, session.id, config.REFRESH_TOKEN_TTL_MS, now);
      await tx
        .update(sessions)
        .set({
          lastUsedAt: now,
          expiresAt: next.expiresAt,
          ...(client.ip ? { ip: client.ip } : {}),
          ...(client.userAgent ? { userAgent: client.userAgent } : {}),
        })
        .where(eq(sessions.id, session.id));
      return {
        account,
        session: { sessionId: session.id, refreshToken: next.token, refreshTokenExpiresAt: next.expiresAt },
      };
    });
    // The revocation of a reused token's session must be committed before the refusal.
    if ("error" in outcome) throw new Unauthenticated(outcome.error);
    return issueTokens(this.deps.keys, outcome.account, outcome.session);
  }

  /** Revokes the caller's current session. */
  async logout(caller: Caller | undefined): Promise<void> {
    const { session } = await this.sessionOf(caller);
    await revokeSessions(this.deps.database.db, eq(sessions.id, session.id), "logout", new Date());
  }

  /** The caller's active sessions, most recently used first, the current one marked. */
  async listSessions(caller: Caller | undefined): Promise<(SessionRow & { current: boolean })[]> {
    const { session: current, account } = await this.sessionOf(caller);
    const rows = await this.deps.database.db
      .select()
      .from(sessions)
      .where(
        and(
          eq(sessions.accountId, account.id),
          isNull(sessions.revokedAt),
          gt(sessions.expiresAt, new Date()),
        ),
      )
      .orderBy(desc(sessions.lastUsedAt))
      .limit(200);
    return rows.map((row) => ({ ...row, current: row.id === current.id }));
  }

  /** Revokes one of the caller's sessions; another account's session is not found. */
  async revokeSession(caller: Caller | undefined, sessionId: string): Promise<void> {
    const { account } = await this.sessionOf(caller);
    const [found] = await this.deps.database.db
      .select({ id: sessions.id })
      .from(sessions)
      .where(and(eq(sessions.id, sessionId), eq(sessions.accountId, account.id)));
    if (!found) throw new NotFound(`session ${sessionId} not found`);
    await revokeSessions(this.deps.database.db, eq(sessions.id, sessionId), "revoked by user", new Date());
  }

  /** Revokes every session of the caller but the current one; returns how many. */
  async revokeOtherSessions(caller: Caller | undefined): Promise<number> {
    const { account, session } = await this.sessionOf(caller);
    return revokeSessions(
      this.deps.database.db,
      and(eq(sessions.accountId, account.id), ne(sessions.id, session.id)),
      "revoked by user",
      new Date(),
    );
  }

  /** Replaces the caller's password after checking the current one; other sessions are revoked. */
  async changePassword(caller: Caller | undefined, current: string, next: string): Promise<number> {
    const { account, session } = await this.sessionOf(caller);
    if (!account.passwordHash || !account.email)
      throw new FailedPrecondition("this account signs in with a code, not a password");
    const failuresKey = `password:failures:${account.id}`;
    const attempts = await this.counters.increment(failuresKey, {
      ttlMs: this.deps.config.LOGIN_RATE_WINDOW_MS,
    });
    if (attempts > this.deps.config.LOGIN_MAX_FAILURES)
      throw new ResourceExhausted("too many wrong current passwords; try again later");
    if (!(await passwordMatches(account.passwordHash, current)))
      throw InvalidArgument.field("current_password", "is wrong");
    await this.counters.delete(failuresKey);
    checkNewPassword(next, account.email, "new_password");
    const passwordHash = await hashPassword(next);
    const now = new Date();
    return this.deps.database.transaction(async (tx) => {
      await tx.update(accounts).set({ passwordHash, updatedAt: now }).where(eq(accounts.id, account.id));
      await spendResetTokens(tx, account.id, now);
      await this.deps.outbox.add(tx, eventSubjects.auth.userPasswordChanged, {
        userId: account.id,
        byReset: false,
        changedAt: timestampFromDate(now),
      });
      return revokeSessions(
        tx,
        and(eq(sessions.accountId, account.id), ne(sessions.id, session.id)),
        "password changed",
        now,
      );
    });
  }

  /**
   * E-mails a reset link when the address has a password account. It answers the same, in the
   * same time, either way: the lookup and the sending happen after the answer.
   */
  async requestPasswordReset(emailInput: string, client: ClientMeta): Promise<void> {
    const { config } = this.deps;
    const email = normaliseEmail(emailInput);
    await this.limit(
      client.ip && `mail:ip:${clientBucket(client.ip)}`,
      config.EMAILS_PER_IP,
      "too many reset requests from this network; try again later",
    );
    await this.limit(
      `mail:${email}`,
      config.EMAILS_PER_ADDRESS,
      "too many e-mails to this address; try again later",
    );
    void this.sendReset(email).catch((error: unknown) =>
      this.deps.logger.warn(
        { err: error instanceof Error ? error.message : String(error) },
        "reset e-mail not sent",
      ),
    );
  }

  private async sendReset(email: string): Promise<void> {
    const [account] = await this.deps.database.db.select().from(accounts).where(eq(accounts.email, email));
    if (!account?.passwordHash) return;
    const token = await this.storeEmailToken(this.deps.database.db, account, "reset_password", new Date());
    const hours = Math.max(1, Math.round(this.deps.config.PASSWORD_RESET_TTL_MS / 3_600_000));
    await this.deps.mailer.send({
      to: email,
      subject: "Reset your Mercato password",
      text: [
        "Someone asked to reset the password of your Mercato account.",
        "",
        `To choose a new password, open this link within ${hours} hour(s):`,
        `${this.deps.config.PUBLIC_URL}/reset-password?token=${token}`,
        "",
        "If it was not you, ignore this e-mail: your password stays as it is.",
      ].join("\n"),
    });
  }

  /** Counts one use of `key` in the e-mail window; refuses beyond `max`. No key, no limit. */
  private async limit(key: string | undefined | "", max: number, message: string): Promise<void> {
    if (!key) return;
    const used = await this.counters.increment(key, { ttlMs: this.deps.config.EMAIL_RATE_WINDOW_MS });
    if (used > max) throw new ResourceExhausted(message);
  }

  /** Sets a new password with a reset token and revokes every session of the account. */
  async resetPassword(token: string, newPassword: string): Promise<void> {
    const now = new Date();
    // One transaction: a refused new password leaves the token unspent, and two concurrent
    // uses of one token cannot both pass (the row is locked).
    await this.deps.database.transaction(async (tx) => {
      const row = await this.consumeEmailToken(tx, token, "reset_password", now);
      checkNewPassword(newPassword, row.email, "new_password");
      const passwordHash = await hashPassword(newPassword);
      await tx.update(accounts).set({ passwordHash, updatedAt: now }).where(eq(accounts.id, row.accountId));
      await spendResetTokens(tx, row.accountId, now);
      await this.deps.outbox.add(tx, eventSubjects.auth.userPasswordChanged, {
        userId: row.accountId,
        byReset: true,
        changedAt: timestampFromDate(now),
      });
      await revokeSessions(tx, eq(sessions.accountId, row.accountId), "password reset", now);
    });
  }

  /** The caller's account. */
  async account(caller: Caller | undefined): Promise<Account> {
    return toAccount(await this.accountOf(caller));
  }

  /** Rotates the signing key; admins only. */
  async rotateSigningKey(
    caller: Caller | undefined,
    options: { emergency: boolean },
  ): Promise<{ kid: string; activatesAt: Date }> {
    if (!caller) throw new Unauthenticated("sign in first");
    if (!caller.roles.includes("admin")) throw new PermissionDenied("only an admin may rotate signing keys");
    return this.deps.keys.rotate(options);
  }

  /**
   * Creates an admin account with this e-mail and password unless the address already has an
   * account (then nothing changes; `admin` says whether that account is one). A password that breaks
   * the rules is an InvalidArgument on `passwordField`: where the caller took it from.
   */
  async ensureAdmin(
    emailInput: string,
    password: string,
    passwordField = "password",
  ): Promise<{ created: boolean; id: string; admin: boolean }> {
    const email = normaliseEmail(emailInput);
    const existing = async () => {
      const [row] = await this.deps.database.db.select().from(accounts).where(eq(accounts.email, email));
      return row ? { created: false, id: row.id, admin: row.roles.includes("admin") } : undefined;
    };
    const found = await existing();
    if (found) return found;
    checkNewPassword(password, email, passwordField);
    const passwordHash = await hashPassword(password);
    const now = new Date();
    try {
      const account = await this.deps.database.transaction(async (tx) => {
        const [row] = await tx
          .insert(accounts)
          .values({
            id: uuidv7(),
            roles: ["admin"],
            email,
            passwordHash,
            emailVerifiedAt: now,
            createdAt: now,
            updatedAt: now,
          })
          .returning();
        if (!row) throw new Error("account insert returned no row");
        await this.publishRegistered(tx, row);
        return row;
      });
      return { created: true, id: account.id, admin: true };
    } catch (error) {
      // Another replica starting at the same time created it first.
      const raced = isUniqueViolation(error) ? await existing() : undefined;
      if (raced) return raced;
      throw error;
    }
  }

  private async publishRegistered(tx: Executor, account: AccountRow): Promise<void> {
    await this.deps.outbox.add(tx, eventSubjects.auth.userRegistered, { account: toAccount(account) });
  }

  private async storeEmailToken(
    tx: Executor,
    account: AccountRow,
    purpose: "verify_email" | "reset_password",
    now: Date,
  ): Promise<string> {
    if (!account.email) throw new FailedPrecondition("this account has no e-mail address");
    const token = newOpaqueToken();
    const ttl =
      purpose === "verify_email"
        ? this.deps.config.EMAIL_VERIFICATION_TTL_MS
        : this.deps.config.PASSWORD_RESET_TTL_MS;
    await tx.insert(emailTokens).values({
      tokenHash: tokenHash(token),
      accountId: account.id,
      purpose,
      email: account.email,
      expiresAt: new Date(now.getTime() + ttl),
      createdAt: now,
    });
    return token;
  }

  private async consumeEmailToken(
    tx: Executor,
    token: string,
    purpose: "verify_email" | "reset_password",
    now: Date,
  ): Promise<{ accountId: string; email: string }> {
    const [row] = await tx
      .select()
      .from(emailTokens)
      .where(and(eq(emailTokens.tokenHash, tokenHash(token)), eq(emailTokens.purpose, purpose)))
      .for("update");
    if (!row) throw InvalidArgument.field("token", "is not a valid link token");
    if (row.usedAt) throw InvalidArgument.field("token", "was already used");
    if (row.expiresAt <= now) throw InvalidArgument.field("token", "has expired; ask for a new e-mail");
    await tx.update(emailTokens).set({ usedAt: now }).where(eq(emailTokens.tokenHash, row.tokenHash));
    return { accountId: row.accountId, email: row.email };
  }

  private async sendVerification(email: string, token: string): Promise<void> {
    const days = Math.max(1, Math.round(this.deps.config.EMAIL_VERIFICATION_TTL_MS / 86_400_000));
    try {
      await this.deps.mailer.send({
        to: email,
        subject: "Verify your e-mail address for Mercato",
        text: [
          "Welcome to Mercato!",
          "",
          `Open this link within ${days} day(s) to verify your e-mail address and start selling:`,
          `${this.deps.config.PUBLIC_URL}/verify-email?token=${token}`,
          "",
          "If you did not register, ignore this e-mail.",
        ].join("\n"),
      });
    } catch (error) {
      // The account is already committed; the seller can ask for the link again.
      this.deps.logger.warn(
        { err: error instanceof Error ? error.message : String(error) },
        "verification e-mail not sent",
      );
    }
  }

  private async accountOf(caller: Caller | undefined): Promise<AccountRow> {
    if (!caller) throw new Unauthenticated("sign in first");
    const [account] = await this.deps.database.db.select().from(accounts).where(eq(accounts.id, caller.id));
    if (!account) throw new Unauthenticated("the account no longer exists");
    return account;
  }

  private async sessionOf(caller: Caller | undefined): Promise<{ account: AccountRow; session: SessionRow }> {
    const account = await this.accountOf(caller);
    const sid = caller?.claims.sid;
    if (typeof sid !== "string") throw new Unauthenticated("the token belongs to no session");
    const [session] = await this.deps.database.db
      .select()
      .from(sessions)
      .where(and(eq(sessions.id, sid), eq(sessions.accountId, account.id)));
    if (!session || session.revokedAt || session.expiresAt <= new Date())
      throw new Unauthenticated("the session has ended; sign in again");
    return { account, session };
  }
}

/** Spends every outstanding password-reset link of an account (after a reset or a change). */
async function spendResetTokens(tx: Executor, accountId: string, now: Date): Promise<void> {
  await tx
    .update(emailTokens)
    .set({ usedAt: now })
    .where(
      and(
        eq(emailTokens.accountId, accountId),
        eq(emailTokens.purpose, "reset_password"),
        isNull(emailTokens.usedAt),
      ),
    );
}

/** Revokes the active sessions matching `where`; returns how many. */
async function revokeSessions(
  tx: Executor,
  where: ReturnType<typeof eq> | ReturnType<typeof and>,
  reason: string,
  now: Date,
): Promise<number> {
  const revoked = await tx
    .update(sessions)
    .set({ revokedAt: now, revokedReason: reason })
    .where(and(where, isNull(sessions.revokedAt)))
    .returning({ id: sessions.id });
  return revoked.length;
}
