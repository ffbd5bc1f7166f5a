import {
  type Account,
  AuthService,
  type Session,
  type TokenPair,
} from "@mercato/contracts/mercato/auth/v1/auth_pb";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { defineGatewayModule, type GatewayModule, type GraphqlContext, requireCaller } from "../module.js";
import type { ServiceDirectory } from "../services.js";
import { clientField, renamingFields } from "./catalog-common.js";
import { bearerSecurity, errorResponses, isoTime } from "./rest.js";

function accountJson(account: Account | undefined) {
  if (!account) throw new Error("the auth service answered without an account");
  return {
    id: account.id,
    roles: account.roles,
    phone: account.phone || null,
    email: account.email || null,
    emailVerified: account.emailVerified,
    createdAt: isoTime(account.createdAt),
  };
}

function tokensJson(tokens: TokenPair | undefined) {
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

/**
 * A sign-in as REST answers it: the tokens, the account and whether this call created it. A
 * registration always creates its account (a taken address is a conflict) and a login never does.
 */
function signInJson(
  answer: { tokens?: TokenPair | undefined; account?: Account | undefined },
  created: boolean,
) {
  return { ...tokensJson(answer.tokens), account: accountJson(answer.account), created };
}

function sessionJson(session: Session) {
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

/** The device as the gateway sees it: the client IP (per-IP limits) and its User-Agent (session lists). */
function clientOf(request: FastifyRequest) {
  const agent = request.headers["user-agent"];
  return { ip: request.ip ?? "", userAgent: (Array.isArray(agent) ? agent[0] : (agent ?? "")).slice(0, 300) };
}

function signedIn(request: FastifyRequest): void {
  requireCaller(request.ctx);
}

const accountSchema = {
  $id: "Account",
  type: "object",
  required: ["id", "roles", "phone", "email", "emailVerified", "createdAt"],
  properties: {
    id: { type: "string", format: "uuid" },
    roles: { type: "array", items: { type: "string", enum: ["buyer", "seller", "admin"] } },
    phone: { type: ["string", "null"], description: "E.164, for buyers" },
    email: { type: ["string", "null"], description: "for sellers and admins" },
    emailVerified: { type: "boolean" },
    createdAt: { type: "string", format: "date-time" },
  },
} as const;

const tokensProperties = {
  tokenType: { type: "string", enum: ["Bearer"] },
  accessToken: { type: "string", description: "EdDSA-signed JWT; send as 'Authorization: Bearer …'" },
  accessTokenExpiresAt: { type: "string", format: "date-time" },
  refreshToken: { type: "string", description: "Opaque, single use: every refresh returns a new one" },
  refreshTokenExpiresAt: { type: "string", format: "date-time" },
  sessionId: { type: "string", format: "uuid" },
} as const;
const tokensRequired = [
  "tokenType",
  "accessToken",
  "accessTokenExpiresAt",
  "refreshToken",
  "refreshTokenExpiresAt",
  "sessionId",
] as const;

const tokensSchema = {
  $id: "Tokens",
  type: "object",
  required: tokensRequired,
  properties: tokensProperties,
} as const;

const signInSchema = {
  $id: "SignIn",
  type: "object",
  required: [...tokensRequired, "account", "created"],
  properties: {
    ...tokensProperties,
    account: { $ref: "Account#" },
    created: { type: "boolean", description: "true when this call created the account" },
  },
} as const;

const sessionSchema = {
  $id: "Session",
  type: "object",
  required: ["id", "createdAt", "lastUsedAt", "expiresAt", "ip", "userAgent", "current"],
  properties: {
    id: { type: "string", format: "uuid" },
    createdAt: { type: "string", format: "date-time" },
    lastUsedAt: { type: "string", format: "date-time" },
    expiresAt: { type: "string", format: "date-time" },
    ip: { type: "string" },
    userAgent: { type: "string" },
    current: { type: "boolean", description: "the session of the token making the request" },
  },
} as const;

const errors = errorResponses;
const bearer = bearerSecurity;
const phone = { type: "string", pattern: "^\\+[1-9][0-9]{6,14}$", description: "E.164, e.g. +4915112345678" };
const email = { type: "string", format: "email", maxLength: 254 };
const newPassword = { type: "string", minLength: 10, maxLength: 200 };
const token = { type: "string", minLength: 1, maxLength: 200 };

// Sign-in routes serve anonymous callers: a stale token a client still attaches must not block them.
const publicRoute = { tolerateBadToken: true };

function body(required: readonly string[], properties: Record<string, unknown>) {
  return { type: "object", required, additionalProperties: false, properties };
}

function restRoutes(app: FastifyInstance, services: ServiceDirectory, serviceName: string): void {
  const auth = () => services.client(serviceName, AuthService);
  for (const schema of [accountSchema, tokensSchema, signInSchema, sessionSchema]) app.addSchema(schema);
  const tags = ["auth"];

  app.post<{ Body: { phone: string } }>(
    "/auth/otp/request",
    {
      config: publicRoute,
      schema: {
        tags,
        summary: "Send a 6-digit sign-in code by SMS (buyers)",
        body: body(["phone"], { phone }),
        response: {
          202: {
            type: "object",
            required: ["expiresAt", "resendAfterSeconds"],
            properties: {
              expiresAt: { type: "string", format: "date-time" },
              resendAfterSeconds: { type: "integer" },
            },
          },
          ...errors,
        },
      },
    },
    async (request, reply) => {
      const sent = await auth().requestOtp({ phone: request.body.phone, client: clientOf(request) });
      return reply
        .status(202)
        .send({ expiresAt: isoTime(sent.expiresAt), resendAfterSeconds: sent.resendAfterSeconds });
    },
  );

  app.post<{ Body: { phone: string; code: string } }>(
    "/auth/otp/verify",
    {
      config: publicRoute,
      schema: {
        tags,
        summary: "Sign in with the code; a new phone number creates the buyer account",
        body: body(["phone", "code"], { phone, code: { type: "string", pattern: "^[0-9]{6}$" } }),
        response: { 200: { $ref: "SignIn#" }, ...errors },
      },
    },
    async (request) => {
      const answer = await auth().verifyOtp({ ...request.body, client: clientOf(request) });
      return signInJson(answer, answer.created);
    },
  );

  app.post<{ Body: { email: string; password: string } }>(
    "/auth/sellers",
    {
      config: publicRoute,
      schema: {
        tags,
        summary: "Register a seller account; a verification link is e-mailed",
        body: body(["email", "password"], { email, password: newPassword }),
        response: { 201: { $ref: "SignIn#" }, ...errors },
      },
    },
    async (request, reply) => {
      const answer = await auth().registerSeller({ ...request.body, client: clientOf(request) });
      return reply.status(201).send(signInJson(answer, true));
    },
  );

  const verify = async (value: string) => ({
    account: accountJson((await auth().verifyEmail({ token: value })).account),
  });
  const verifiedSchema = {
    type: "object",
    required: ["account"],
    properties: { account: { $ref: "Account#" } },
  } as const;
  app.get<{ Querystring: { token: string } }>(
    "/auth/email/verify",
    {
      config: publicRoute,
      schema: {
        tags,
        summary: "Verify an e-mail address (the link in the e-mail)",
        querystring: body(["token"], { token }),
        response: { 200: verifiedSchema, ...errors },
      },
    },
    async (request) => verify(request.query.token),
  );
  app.post<{ Body: { token: string } }>(
    "/auth/email/verify",
    {
      config: publicRoute,
      schema: {
        tags,
        summary: "Verify an e-mail address with the token from the link",
        body: body(["token"], { token }),
        response: { 200: verifiedSchema, ...errors },
      },
    },
    async (request) => verify(request.body.token),
  );
  app.post(
    "/auth/email/resend",
    {
      schema: {
        tags,
        summary: "E-mail a new verification link",
        security: bearer,
        response: { 204: { type: "null" }, ...errors },
      },
    },
    async (request, reply) => {
      signedIn(request);
      await auth().resendVerificationEmail({});
      return reply.status(204).send();
    },
  );

  app.post<{ Body: { email: string; password: string } }>(
    "/auth/login",
    {
      config: publicRoute,
      schema: {
        tags,
        summary: "Sign in with e-mail and password (sellers, admins)",
        body: body(["email", "password"], {
          email: { type: "string", minLength: 3, maxLength: 254 },
          password: { type: "string", minLength: 1, maxLength: 200 },
        }),
        response: { 200: { $ref: "SignIn#" }, ...errors },
      },
    },
    async (request) => {
      return signInJson(await auth().login({ ...request.body, client: clientOf(request) }), false);
    },
  );

  app.post<{ Body: { refreshToken: string } }>(
    "/auth/token/refresh",
    {
      config: publicRoute,
      schema: {
        tags,
        summary: "Exchange a refresh token for new tokens; a reused one revokes its session",
        body: body(["refreshToken"], { refreshToken: token }),
        response: { 200: { $ref: "Tokens#" }, ...errors },
      },
    },
    async (request) =>
      tokensJson(
        (await auth().refreshToken({ refreshToken: request.body.refreshToken, client: clientOf(request) }))
          .tokens,
      ),
  );

  app.post(
    "/auth/logout",
    {
      schema: {
        tags,
        summary: "Revoke the current session",
        security: bearer,
        response: { 204: { type: "null" }, ...errors },
      },
    },
    async (request, reply) => {
      signedIn(request);
      await auth().logout({});
      return reply.status(204).send();
    },
  );

  app.get(
    "/auth/sessions",
    {
      schema: {
        tags,
        summary: "The caller's active sessions, most recently used first",
        security: bearer,
        response: {
          200: {
            type: "object",
            required: ["items"],
            properties: { items: { type: "array", items: { $ref: "Session#" } } },
          },
          ...errors,
        },
      },
    },
    async (request) => {
      signedIn(request);
      return { items: (await auth().listSessions({})).sessions.map(sessionJson) };
    },
  );
  app.delete<{ Params: { id: string } }>(
    "/auth/sessions/:id",
    {
      schema: {
        tags,
        summary: "Revoke one of the caller's sessions",
        security: bearer,
        params: body(["id"], { id: { type: "string", format: "uuid" } }),
        response: { 204: { type: "null" }, ...errors },
      },
    },
    async (request, reply) => {
      signedIn(request);
      await auth().revokeSession({ sessionId: request.params.id });
      return reply.status(204).send();
    },
  );
  app.post(
    "/auth/sessions/revoke-others",
    {
      schema: {
        tags,
        summary: "Revoke every session of the caller but the current one",
        security: bearer,
        response: {
          200: { type: "object", required: ["revoked"], properties: { revoked: { type: "integer" } } },
          ...errors,
        },
      },
    },
    async (request) => {
      signedIn(request);
      return { revoked: (await auth().revokeOtherSessions({})).revoked };
    },
  );

  app.post<{ Body: { currentPassword: string; newPassword: string } }>(
    "/auth/password/change",
    {
      schema: {
        tags,
        summary: "Change the caller's password; its other sessions are revoked",
        security: bearer,
        body: body(["currentPassword", "newPassword"], {
          currentPassword: { type: "string", minLength: 1, maxLength: 200 },
          newPassword,
        }),
        response: {
          200: {
            type: "object",
            required: ["revokedSessions"],
            properties: { revokedSessions: { type: "integer" } },
          },
          ...errors,
        },
      },
    },
    async (request) => {
      signedIn(request);
      const answer = await auth().changePassword(request.body);
      return { revokedSessions: answer.revokedSessions };
    },
  );
  app.post<{ Body: { email: string } }>(
    "/auth/password/forgot",
    {
      config: publicRoute,
      schema: {
        tags,
        summary: "E-mail a password reset link (answers the same whether or not the address has an account)",
        body: body(["email"], { email }),
        response: { 202: { type: "null" }, ...errors },
      },
    },
    async (request, reply) => {
      await auth().requestPasswordReset({ email: request.body.email, client: clientOf(request) });
      return reply.status(202).send();
    },
  );
  app.post<{ Body: { token: string; newPassword: string } }>(
    "/auth/password/reset",
    {
      config: publicRoute,
      schema: {
        tags,
        summary: "Set a new password with the token from the reset e-mail; every session is revoked",
        body: body(["token", "newPassword"], { token, newPassword }),
        response: { 204: { type: "null" }, ...errors },
      },
    },
    async (request, reply) => {
      await auth().resetPassword(request.body);
      return reply.status(204).send();
    },
  );
  app.get(
    "/auth/account",
    {
      schema: {
        tags,
        summary: "The caller's account",
        security: bearer,
        response: { 200: { $ref: "Account#" }, ...errors },
      },
    },
    async (request) => {
      signedIn(request);
      return accountJson((await auth().getAccount({})).account);
    },
  );
  app.post<{ Body: { emergency?: boolean } | undefined }>(
    "/auth/signing-keys/rotate",
    {
      schema: {
        tags,
        summary:
          "Make a new signing key (admin): published now, signing after a delay; emergency = sign now and withdraw older keys",
        security: bearer,
        body: { type: "object", additionalProperties: false, properties: { emergency: { type: "boolean" } } },
        response: {
          200: {
            type: "object",
            required: ["kid", "activatesAt"],
            properties: { kid: { type: "string" }, activatesAt: { type: "string", format: "date-time" } },
          },
          ...errors,
        },
      },
    },
    async (request) => {
      signedIn(request);
      const rotated = await auth().rotateSigningKey({ emergency: request.body?.emergency === true });
      return { kid: rotated.kid, activatesAt: isoTime(rotated.activatesAt) };
    },
  );
}

const schema = /* GraphQL */ `
  "An account as the auth service knows it."
  type Account {
    id: ID!
    "buyer, seller or admin"
    roles: [String!]!
    "E.164, for buyers"
    phone: String
    "For sellers and admins"
    email: String
    emailVerified: Boolean!
    createdAt: String!
  }
  "Tokens of a session. Send the access token as 'Authorization: Bearer …'; the refresh token is single use."
  type Tokens {
    tokenType: String!
    accessToken: String!
    accessTokenExpiresAt: String!
    refreshToken: String!
    refreshTokenExpiresAt: String!
    sessionId: ID!
  }
  "A successful sign-in."
  type SignIn {
    tokens: Tokens!
    account: Account!
    "True when this sign-in created the account"
    created: Boolean!
  }
  "A code sent by SMS."
  type OtpChallenge {
    expiresAt: String!
    resendAfterSeconds: Int!
  }
  "One signed-in device."
  type Session {
    id: ID!
    createdAt: String!
    lastUsedAt: String!
    expiresAt: String!
    ip: String!
    userAgent: String!
    current: Boolean!
  }
  extend type Query {
    "The caller's account"
    account: Account!
    "The caller's active sessions, most recently used first"
    sessions: [Session!]!
  }
  extend type Mutation {
    "Send a 6-digit sign-in code by SMS to an E.164 phone number"
    requestOtp(phone: String!): OtpChallenge!
    "Sign in with the code; a new phone number creates the buyer account"
    verifyOtp(phone: String!, code: String!): SignIn!
    "Register a seller; a verification link is e-mailed"
    registerSeller(email: String!, password: String!): SignIn!
    "Verify an e-mail address with the token from the link"
    verifyEmail(token: String!): Account!
    "E-mail a new verification link to the caller"
    resendVerificationEmail: Boolean!
    "Sign in with e-mail and password"
    login(email: String!, password: String!): SignIn!
    "Exchange a refresh token for new tokens; a reused one revokes its session"
    refreshToken(refreshToken: String!): Tokens!
    "Revoke the current session"
    logout: Boolean!
    "Revoke one of the caller's sessions"
    revokeSession(id: ID!): Boolean!
    "Revoke every other session of the caller; returns how many"
    revokeOtherSessions: Int!
    "Change the caller's password; returns how many other sessions were revoked"
    changePassword(currentPassword: String!, newPassword: String!): Int!
    "E-mail a password reset link"
    requestPasswordReset(email: String!): Boolean!
    "Set a new password with the token from the reset e-mail"
    resetPassword(token: String!, newPassword: String!): Boolean!
    "Make a new signing key (admin); emergency: it signs at once and older keys are withdrawn. Returns its key id"
    rotateSigningKey(emergency: Boolean = false): String!
  }
`;

function graphqlClient(context: GraphqlContext) {
  return clientOf(context.reply.request);
}

/** The public surface of the auth service: sign-in, tokens, sessions and passwords, in GraphQL and REST under /api/v1/auth. */
export function authGatewayModule(serviceName = "auth"): GatewayModule {
  return defineGatewayModule({
    name: "auth",
    schema,
    resolvers: ({ services }) => {
      const auth = () => services.client(serviceName, AuthService);
      const signIn = (
        answer: { tokens?: TokenPair | undefined; account?: Account | undefined },
        created: boolean,
      ) => ({ tokens: tokensJson(answer.tokens), account: accountJson(answer.account), created });
      return {
        Query: {
          account: async (_root: unknown, _args: unknown, context: GraphqlContext) => {
            requireCaller(context.ctx);
            return accountJson((await auth().getAccount({})).account);
          },
          sessions: async (_root: unknown, _args: unknown, context: GraphqlContext) => {
            requireCaller(context.ctx);
            return (await auth().listSessions({})).sessions.map(sessionJson);
          },
        },
        Mutation: {
          requestOtp: async (_root: unknown, args: { phone: string }, context: GraphqlContext) => {
            const sent = await auth().requestOtp({ phone: args.phone, client: graphqlClient(context) });
            return { expiresAt: isoTime(sent.expiresAt), resendAfterSeconds: sent.resendAfterSeconds };
          },
          verifyOtp: async (
            _root: unknown,
            args: { phone: string; code: string },
            context: GraphqlContext,
          ) => {
            const answer = await auth().verifyOtp({ ...args, client: graphqlClient(context) });
            return signIn(answer, answer.created);
          },
          registerSeller: async (
            _root: unknown,
            args: { email: string; password: string },
            context: GraphqlContext,
          ) => signIn(await auth().registerSeller({ ...args, client: graphqlClient(context) }), true),
          verifyEmail: async (_root: unknown, args: { token: string }) =>
            accountJson((await auth().verifyEmail(args)).account),
          resendVerificationEmail: async (_root: unknown, _args: unknown, context: GraphqlContext) => {
            requireCaller(context.ctx);
            await auth().resendVerificationEmail({});
            return true;
          },
          login: async (_root: unknown, args: { email: string; password: string }, context: GraphqlContext) =>
            signIn(await auth().login({ ...args, client: graphqlClient(context) }), false),
          refreshToken: async (_root: unknown, args: { refreshToken: string }, context: GraphqlContext) =>
            tokensJson((await auth().refreshToken({ ...args, client: graphqlClient(context) })).tokens),
          logout: async (_root: unknown, _args: unknown, context: GraphqlContext) => {
            requireCaller(context.ctx);
            await auth().logout({});
            return true;
          },
          revokeSession: async (_root: unknown, args: { id: string }, context: GraphqlContext) => {
            requireCaller(context.ctx);
            // The service names its session_id; the client sent the argument id.
            await renamingFields(
              auth().revokeSession({ sessionId: args.id }),
              clientField(null, { session_id: "id" }),
            );
            return true;
          },
          revokeOtherSessions: async (_root: unknown, _args: unknown, context: GraphqlContext) => {
            requireCaller(context.ctx);
            return (await auth().revokeOtherSessions({})).revoked;
          },
          changePassword: async (
            _root: unknown,
            args: { currentPassword: string; newPassword: string },
            context: GraphqlContext,
          ) => {
            requireCaller(context.ctx);
            return (await auth().changePassword(args)).revokedSessions;
          },
          requestPasswordReset: async (_root: unknown, args: { email: string }, context: GraphqlContext) => {
            await auth().requestPasswordReset({ email: args.email, client: graphqlClient(context) });
            return true;
          },
          resetPassword: async (_root: unknown, args: { token: string; newPassword: string }) => {
            await auth().resetPassword(args);
            return true;
          },
          rotateSigningKey: async (
            _root: unknown,
            args: { emergency?: boolean },
            context: GraphqlContext,
          ) => {
            requireCaller(context.ctx);
            return (await auth().rotateSigningKey({ emergency: args.emergency === true })).kid;
          },
        },
      };
    },
    rest: (app, { services }) => restRoutes(app, services, serviceName),
  });
}
