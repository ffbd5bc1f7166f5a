import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import type { ConnectRouter } from "@connectrpc/connect";
import {
  AuthService,
  type ClientInfo,
  SessionSchema,
  type TokenPair,
  TokenPairSchema,
} from "@mercato/contracts/mercato/auth/v1/auth_pb";
import { contextOf } from "@mercato/platform";
import type { Identity } from "../identity.workflow.js";
import type { ClientMeta, IssuedTokens } from "../sessions.workflow.js";

function clientMeta(client: ClientInfo | undefined): ClientMeta {
  return { ip: client?.ip ?? "", userAgent: client?.userAgent ?? "" };
}

function tokenPair(tokens: IssuedTokens): TokenPair {
  return create(TokenPairSchema, {
    accessToken: tokens.accessToken,
    accessTokenExpiresAt: timestampFromDate(tokens.accessTokenExpiresAt),
    refreshToken: tokens.refreshToken,
    refreshTokenExpiresAt: timestampFromDate(tokens.refreshTokenExpiresAt),
    sessionId: tokens.sessionId,
  });
}

/** The AuthService handlers: proto in, identity flow, proto out. */
export function authRoutes(router: ConnectRouter, identity: Identity): void {
  router.service(AuthService, {
    async requestOtp(req) {
      const sent = await identity.requestOtp(req.phone, clientMeta(req.client));
      return { expiresAt: timestampFromDate(sent.expiresAt), resendAfterSeconds: sent.resendAfterSeconds };
    },
    async verifyOtp(req) {
      const signedIn = await identity.verifyOtp(req.phone, req.code, clientMeta(req.client));
      return { tokens: tokenPair(signedIn.tokens), account: signedIn.account, created: signedIn.created };
    },
    async registerSeller(req) {
      const signedIn = await identity.registerSeller(req.email, req.password, clientMeta(req.client));
      return { tokens: tokenPair(signedIn.tokens), account: signedIn.account };
    },
    async verifyEmail(req) {
      return { account: await identity.verifyEmail(req.token) };
    },
    async resendVerificationEmail(_req, context) {
      await identity.resendVerification(contextOf(context).caller);
      return {};
    },
    async login(req) {
      const signedIn = await identity.login(req.email, req.password, clientMeta(req.client));
      return { tokens: tokenPair(signedIn.tokens), account: signedIn.account };
    },
    async refreshToken(req) {
      return { tokens: tokenPair(await identity.refresh(req.refreshToken, clientMeta(req.client))) };
    },
    async logout(_req, context) {
      await identity.logout(contextOf(context).caller);
      return {};
    },
    async listSessions(_req, context) {
      const rows = await identity.listSessions(contextOf(context).caller);
      return {
        sessions: rows.map((row) =>
          create(SessionSchema, {
            id: row.id,
            createdAt: timestampFromDate(row.createdAt),
            lastUsedAt: timestampFromDate(row.lastUsedAt),
            expiresAt: timestampFromDate(row.expiresAt),
            ip: row.ip,
            userAgent: row.userAgent,
            current: row.current,
          }),
        ),
      };
    },
    async revokeSession(req, context) {
      await identity.revokeSession(contextOf(context).caller, req.sessionId);
      return {};
    },
    async revokeOtherSessions(_req, context) {
      return { revoked: await identity.revokeOtherSessions(contextOf(context).caller) };
    },
    async changePassword(req, context) {
      const revoked = await identity.changePassword(
        contextOf(context).caller,
        req.currentPassword,
        req.newPassword,
      );
      return { revokedSessions: revoked };
    },
    async requestPasswordReset(req) {
      await identity.requestPasswordReset(req.email, clientMeta(req.client));
      return {};
    },
    async resetPassword(req) {
      await identity.resetPassword(req.token, req.newPassword);
      return {};
    },
    async getAccount(_req, context) {
      return { account: await identity.account(contextOf(context).caller) };
    },
    async rotateSigningKey(req, context) {
      const rotated = await identity.rotateSigningKey(contextOf(context).caller, {
        emergency: req.emergency,
      });
      return { kid: rotated.kid, activatesAt: timestampFromDate(rotated.activatesAt) };
    },
  });
}
