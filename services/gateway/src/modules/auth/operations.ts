import {
  type Account,
  AuthService,
  type Session,
  type TokenPair,
} from "@mercato/contracts/mercato/auth/v1/auth_pb";
import type { Device } from "../../domain.js";
import type { GatewayDeps } from "../../module.js";
import { anyone, operation, signedIn } from "../../operation.js";
import { isoTime } from "../rest.js";
import type { AccountModel, SessionModel, SignInModel, TokensModel } from "./schemas.js";

function accountJson(account: Account | undefined): AccountModel {
  if (!account) throw new Error("the auth service answered without an account");
  return {
    id: account.id,
    roles: account.roles as AccountModel["roles"],
    phone: account.phone || null,
    email: account.email || null,
    emailVerified: account.emailVerified,
    createdAt: isoTime(account.createdAt),
  };
}

function tokensJson(tokens: TokenPair | undefined): TokensModel {
  if (!tokens) throw new Error("the auth service answered without tokens");
  return {
    tokenType: "Bearer",
    accessToken: tokens.accessToken,
    accessTokenExpiresAt: isoTime(tokens.accessTokenExpiresAt),
    refreshToken: tokens.refreshToken,
    refreshTokenExpiresAt: isoTime(tokens.refreshTokenExpiresAt),
    sessionId: tokens.sessionId,
  };
}

/** A registration always creates its account (a taken address is a conflict) and a login never does. */
function signIn(
  answer: { tokens?: TokenPair | undefined; account?: Account | undefined },
  created: boolean,
): SignInModel {
  return { tokens: tokensJson(answer.tokens), account: accountJson(answer.account), created };
}

function sessionJson(session: Session): SessionModel {
  return {
    id: session.id,
    createdAt: isoTime(session.createdAt),
    lastUsedAt: isoTime(session.lastUsedAt),
    expiresAt: isoTime(session.expiresAt),
    ip: session.ip,
    userAgent: session.userAgent,
    current: session.current,
  };
}

/** Sign-in, tokens, sessions and passwords on the auth service; sign-ins name the device they come from. */
export function authOperations({ services }: GatewayDeps, serviceName = "auth") {
  const auth = () => services.client(serviceName, AuthService);
  return {
    /** Sends a 6-digit sign-in code by SMS (buyers). */
    requestOtp: operation(anyone, async (_ctx, input: { phone: string; client: Device }) => {
      const sent = await auth().requestOtp(input);
      return { expiresAt: isoTime(sent.expiresAt), resendAfterSeconds: sent.resendAfterSeconds };
    }),
    /** Signs in with the code; a new phone number creates the buyer account. */
    verifyOtp: operation(anyone, async (_ctx, input: { phone: string; code: string; client: Device }) => {
      const answer = await auth().verifyOtp(input);
      return signIn(answer, answer.created);
    }),
    /** Registers a seller; a verification link is e-mailed. */
    registerSeller: operation(
      anyone,
      async (_ctx, input: { email: string; password: string; client: Device }) =>
        signIn(await auth().registerSeller(input), true),
    ),
    /** Verifies an e-mail address with the token from the link. */
    verifyEmail: operation(anyone, async (_ctx, input: { token: string }) =>
      accountJson((await auth().verifyEmail(input)).account),
    ),
    /** E-mails a new verification link to the caller. */
    resendVerificationEmail: operation(signedIn, async () => {
      await auth().resendVerificationEmail({});
    }),
    /** Signs in with e-mail and password (sellers, admins). */
    login: operation(anyone, async (_ctx, input: { email: string; password: string; client: Device }) =>
      signIn(await auth().login(input), false),
    ),
    /** Exchanges a refresh token for new tokens; a reused one revokes its session. */
    refreshToken: operation(anyone, async (_ctx, input: { refreshToken: string; client: Device }) =>
      tokensJson((await auth().refreshToken(input)).tokens),
    ),
    /** Revokes the current session. */
    logout: operation(signedIn, async () => {
      await auth().logout({});
    }),
    /** The caller's account. */
    account: operation(signedIn, async () => accountJson((await auth().getAccount({})).account)),
    /** The caller's active sessions, most recently used first. */
    sessions: operation(signedIn, async () => (await auth().listSessions({})).sessions.map(sessionJson)),
    /** Revokes one of the caller's sessions. */
    revokeSession: operation(signedIn, async (_ctx, input: { sessionId: string }) => {
      await auth().revokeSession(input);
    }),
    /** Revokes every session of the caller but the current one; answers how many. */
    revokeOtherSessions: operation(signedIn, async () => (await auth().revokeOtherSessions({})).revoked),
    /** Changes the caller's password; answers how many other sessions were revoked. */
    changePassword: operation(
      signedIn,
      async (_ctx, input: { currentPassword: string; newPassword: string }) =>
        (await auth().changePassword(input)).revokedSessions,
    ),
    /** E-mails a password reset link (the same answer whether or not the address has an account). */
    requestPasswordReset: operation(anyone, async (_ctx, input: { email: string; client: Device }) => {
      await auth().requestPasswordReset(input);
    }),
    /** Sets a new password with the token from the reset e-mail; every session is revoked. */
    resetPassword: operation(anyone, async (_ctx, input: { token: string; newPassword: string }) => {
      await auth().resetPassword(input);
    }),
    /** Makes a new signing key (the auth service lets only admins). */
    rotateSigningKey: operation(signedIn, async (_ctx, input: { emergency: boolean }) => {
      const rotated = await auth().rotateSigningKey(input);
      return { kid: rotated.kid, activatesAt: isoTime(rotated.activatesAt) };
    }),
  };
}

/** The auth domain's operations. */
export type AuthOperations = ReturnType<typeof authOperations>;
