import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { eventSubjects } from "@mercato/contracts/events";
import type { Executor, Outbox } from "@mercato/platform";
import { eq, sql } from "drizzle-orm";
import { v7 as uuidv7 } from "uuid";
import { newOpaqueToken, tokenHash } from "./domain/secrets.js";
import { type AccountRow, refreshTokens, sessions } from "./store/schema.js";
import type { SigningKeys } from "./store/signing-keys.js";

/** The device a session is opened or refreshed from. */
export interface ClientMeta {
  ip: string;
  userAgent: string;
}

/** Tokens handed to a client. */
export interface IssuedTokens {
  accessToken: string;
  accessTokenExpiresAt: Date;
  refreshToken: string;
  refreshTokenExpiresAt: Date;
  sessionId: string;
}

/** Stores a new refresh token for a session and returns it with its expiry. */
export async function storeRefreshToken(
  tx: Executor,
  sessionId: string,
  ttlMs: number,
  now: Date,
): Promise<{ token: string; expiresAt: Date }> {
  const token = newOpaqueToken();
  const expiresAt = new Date(now.getTime() + ttlMs);
  await tx
    .insert(refreshTokens)
    .values({ tokenHash: tokenHash(token), sessionId, expiresAt, createdAt: now });
  return { token, expiresAt };
}

/**
 * Opens a session for an account with its first refresh token. An account that already had
 * sessions, none from this device (user agent), is told of the sign-in (NewDeviceSignedIn).
 */
export async function openSession(
  tx: Executor,
  outbox: Outbox,
  accountId: string,
  client: ClientMeta,
  ttlMs: number,
  now: Date,
): Promise<{ sessionId: string; refreshToken: string; refreshTokenExpiresAt: Date }> {
  const sessionId = uuidv7();
  const [seen] = await tx
    .select({
      any: sql<boolean>`count(*) > 0`,
      sameDevice: sql<boolean>`coalesce(bool_or(${sessions.userAgent} = ${client.userAgent}), false)`,
    })
    .from(sessions)
    .where(eq(sessions.accountId, accountId));
  if (seen?.any && !seen.sameDevice)
    await outbox.add(tx, eventSubjects.auth.userNewDeviceSignedIn, {
      userId: accountId,
      sessionId,
      userAgent: client.userAgent.slice(0, 300),
      ip: client.ip,
      signedInAt: timestampFromDate(now),
    });
  const expiresAt = new Date(now.getTime() + ttlMs);
  await tx.insert(sessions).values({
    id: sessionId,
    accountId,
    createdAt: now,
    lastUsedAt: now,
    expiresAt,
    ip: client.ip,
    userAgent: client.userAgent,
  });
  const refresh = await storeRefreshToken(tx, sessionId, ttlMs, now);
  return { sessionId, refreshToken: refresh.token, refreshTokenExpiresAt: refresh.expiresAt };
}

/** The claims every access token carries besides iss/aud/sub/iat/exp. */
export function accessClaims(account: AccountRow, sessionId: string): Record<string, unknown> {
  return {
    roles: account.roles,
    email_verified: account.emailVerifiedAt !== null,
    sid: sessionId,
  };
}

/** Signs the access token for a session and bundles it with the refresh token. */
export async function issueTokens(
  keys: SigningKeys,
  account: AccountRow,
  session: { sessionId: string; refreshToken: string; refreshTokenExpiresAt: Date },
): Promise<IssuedTokens> {
  const access = await keys.sign(account.id, accessClaims(account, session.sessionId));
  return {
    accessToken: access.token,
    accessTokenExpiresAt: access.expiresAt,
    refreshToken: session.refreshToken,
    refreshTokenExpiresAt: session.refreshTokenExpiresAt,
    sessionId: session.sessionId,
  };
}
