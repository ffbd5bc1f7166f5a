import { type Static, Type } from "typebox";
import { deviceOf, type RestApp } from "../../domain.js";
import { ref } from "../../rest-schema.js";
import type { AuthOperations } from "./operations.js";
import {
  Account,
  OtpChallenge,
  RotatedKey,
  requests,
  Session,
  SignIn,
  type SignInModel,
  Tokens,
  Verified,
} from "./schemas.js";

/** An answer without a body (202, 204). */
const nothing = Type.Unsafe<undefined>({ type: "null" });

/** REST under /api/v1/auth: each route declares its operation's access and calls it. */
export function authRoutes(app: RestApp, ops: AuthOperations): void {
  app.post(
    "/auth/otp/request",
    {
      config: { access: ops.requestOtp.access },
      schema: {
        summary: "Send a 6-digit sign-in code by SMS (buyers)",
        body: requests.otp,
        response: { 202: OtpChallenge },
      },
    },
    async (request, reply) =>
      reply
        .status(202)
        .send(await ops.requestOtp(request.ctx, { ...request.body, client: deviceOf(request) })),
  );

  app.post(
    "/auth/otp/verify",
    {
      config: { access: ops.verifyOtp.access },
      schema: {
        summary: "Sign in with the code; a new phone number creates the buyer account",
        body: requests.otpVerify,
        response: { 200: ref(SignIn) },
      },
    },
    async (request) => flat(await ops.verifyOtp(request.ctx, { ...request.body, client: deviceOf(request) })),
  );

  app.post(
    "/auth/sellers",
    {
      config: { access: ops.registerSeller.access },
      schema: {
        summary: "Register a seller account; a verification link is e-mailed",
        body: requests.register,
        response: { 201: ref(SignIn) },
      },
    },
    async (request, reply) => {
      const answer = await ops.registerSeller(request.ctx, { ...request.body, client: deviceOf(request) });
      return reply.status(201).send(flat(answer));
    },
  );

  const verified = { 200: Verified };
  app.get(
    "/auth/email/verify",
    {
      config: { access: ops.verifyEmail.access },
      schema: {
        summary: "Verify an e-mail address (the link in the e-mail)",
        querystring: requests.token,
        response: verified,
      },
    },
    async (request) => ({ account: await ops.verifyEmail(request.ctx, request.query) }),
  );
  app.post(
    "/auth/email/verify",
    {
      config: { access: ops.verifyEmail.access },
      schema: {
        summary: "Verify an e-mail address with the token from the link",
        body: requests.token,
        response: verified,
      },
    },
    async (request) => ({ account: await ops.verifyEmail(request.ctx, request.body) }),
  );
  app.post(
    "/auth/email/resend",
    {
      config: { access: ops.resendVerificationEmail.access },
      schema: { summary: "E-mail a new verification link", response: { 204: nothing } },
    },
    async (request, reply) => {
      await ops.resendVerificationEmail(request.ctx, undefined);
      return reply.status(204).send();
    },
  );

  app.post(
    "/auth/login",
    {
      config: { access: ops.login.access },
      schema: {
        summary: "Sign in with e-mail and password (sellers, admins)",
        body: requests.login,
        response: { 200: ref(SignIn) },
      },
    },
    async (request) => flat(await ops.login(request.ctx, { ...request.body, client: deviceOf(request) })),
  );

  app.post(
    "/auth/token/refresh",
    {
      config: { access: ops.refreshToken.access },
      schema: {
        summary: "Exchange a refresh token for new tokens; a reused one revokes its session",
        body: requests.refresh,
        response: { 200: ref(Tokens) },
      },
    },
    (request) => ops.refreshToken(request.ctx, { ...request.body, client: deviceOf(request) }),
  );

  app.post(
    "/auth/logout",
    {
      config: { access: ops.logout.access },
      schema: { summary: "Revoke the current session", response: { 204: nothing } },
    },
    async (request, reply) => {
      await ops.logout(request.ctx, undefined);
      return reply.status(204).send();
    },
  );

  app.get(
    "/auth/sessions",
    {
      config: { access: ops.sessions.access },
      schema: {
        summary: "The caller's active sessions, most recently used first",
        response: { 200: Type.Object({ items: Type.Array(ref(Session)) }) },
      },
    },
    async (request) => ({ items: await ops.sessions(request.ctx, undefined) }),
  );
  app.delete(
    "/auth/sessions/:id",
    {
      config: { access: ops.revokeSession.access },
      schema: {
        summary: "Revoke one of the caller's sessions",
        params: requests.sessionParams,
        response: { 204: nothing },
      },
    },
    async (request, reply) => {
      await ops.revokeSession(request.ctx, { sessionId: request.params.id });
      return reply.status(204).send();
    },
  );
  app.post(
    "/auth/sessions/revoke-others",
    {
      config: { access: ops.revokeOtherSessions.access },
      schema: {
        summary: "Revoke every session of the caller but the current one",
        response: { 200: Type.Object({ revoked: Type.Integer() }) },
      },
    },
    async (request) => ({ revoked: await ops.revokeOtherSessions(request.ctx, undefined) }),
  );

  app.post(
    "/auth/password/change",
    {
      config: { access: ops.changePassword.access },
      schema: {
        summary: "Change the caller's password; its other sessions are revoked",
        body: requests.changePassword,
        response: { 200: Type.Object({ revokedSessions: Type.Integer() }) },
      },
    },
    async (request) => ({ revokedSessions: await ops.changePassword(request.ctx, request.body) }),
  );
  app.post(
    "/auth/password/forgot",
    {
      config: { access: ops.requestPasswordReset.access },
      schema: {
        summary: "E-mail a password reset link (answers the same whether or not the address has an account)",
        body: requests.forgot,
        response: { 202: nothing },
      },
    },
    async (request, reply) => {
      await ops.requestPasswordReset(request.ctx, { ...request.body, client: deviceOf(request) });
      return reply.status(202).send();
    },
  );
  app.post(
    "/auth/password/reset",
    {
      config: { access: ops.resetPassword.access },
      schema: {
        summary: "Set a new password with the token from the reset e-mail; every session is revoked",
        body: requests.reset,
        response: { 204: nothing },
      },
    },
    async (request, reply) => {
      await ops.resetPassword(request.ctx, request.body);
      return reply.status(204).send();
    },
  );
  app.get(
    "/auth/account",
    {
      config: { access: ops.account.access },
      schema: { summary: "The caller's account", response: { 200: ref(Account) } },
    },
    (request) => ops.account(request.ctx, undefined),
  );
  app.post(
    "/auth/signing-keys/rotate",
    {
      config: { access: ops.rotateSigningKey.access },
      schema: {
        summary:
          "Make a new signing key (admin): published now, signing after a delay; emergency = sign now and withdraw older keys",
        body: requests.rotate,
        response: { 200: RotatedKey },
      },
    },
    (request) => ops.rotateSigningKey(request.ctx, { emergency: request.body?.emergency === true }),
  );
}

/** REST answers a sign-in with the tokens beside the account. */
function flat({ tokens, ...rest }: SignInModel): Static<typeof SignIn> {
  return { ...tokens, ...rest };
}
