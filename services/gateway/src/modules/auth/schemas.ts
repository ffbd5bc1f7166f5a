import { type Static, Type } from "typebox";
import { closedObject, DateTime, nullable, ref, stringEnum, Uuid } from "../../rest-schema.js";

/** An account as clients see it (REST and GraphQL `Account`). */
export const Account = Type.Object(
  {
    id: Uuid,
    roles: Type.Array(stringEnum(["buyer", "seller", "admin"])),
    phone: nullable(Type.String({ description: "E.164, for buyers" })),
    email: nullable(Type.String({ description: "for sellers and admins" })),
    emailVerified: Type.Boolean(),
    createdAt: DateTime,
  },
  { $id: "Account" },
);

/** What the GraphQL `Account` resolves from. */
export type AccountModel = Static<typeof Account>;

const tokenFields = {
  tokenType: stringEnum(["Bearer"]),
  accessToken: Type.String({ description: "EdDSA-signed JWT; send as 'Authorization: Bearer …'" }),
  accessTokenExpiresAt: DateTime,
  refreshToken: Type.String({ description: "Opaque, single use: every refresh returns a new one" }),
  refreshTokenExpiresAt: DateTime,
  sessionId: Uuid,
};

/** Tokens of a session (REST and GraphQL `Tokens`). */
export const Tokens = Type.Object(tokenFields, { $id: "Tokens" });

/** What the GraphQL `Tokens` resolves from. */
export type TokensModel = Static<typeof Tokens>;

/** A sign-in as REST answers it: the tokens beside the account (GraphQL nests them, see `SignInModel`). */
export const SignIn = Type.Object(
  {
    ...tokenFields,
    account: ref(Account),
    created: Type.Boolean({ description: "true when this call created the account" }),
  },
  { $id: "SignIn" },
);

/** A sign-in as the operations answer it and GraphQL's `SignIn` resolves it. */
export interface SignInModel {
  tokens: TokensModel;
  account: AccountModel;
  created: boolean;
}

/** One signed-in device (REST and GraphQL `Session`). */
export const Session = Type.Object(
  {
    id: Uuid,
    createdAt: DateTime,
    lastUsedAt: DateTime,
    expiresAt: DateTime,
    ip: Type.String(),
    userAgent: Type.String(),
    current: Type.Boolean({ description: "the session of the token making the request" }),
  },
  { $id: "Session" },
);

/** What the GraphQL `Session` resolves from. */
export type SessionModel = Static<typeof Session>;

/** A code sent by SMS (REST 202 and GraphQL `OtpChallenge`). */
export const OtpChallenge = Type.Object({ expiresAt: DateTime, resendAfterSeconds: Type.Integer() });

/** What the GraphQL `OtpChallenge` resolves from. */
export type OtpChallengeModel = Static<typeof OtpChallenge>;

/** A new signing key: its id and when it starts signing. */
export const RotatedKey = Type.Object({ kid: Type.String(), activatesAt: DateTime });

const phone = Type.String({ pattern: "^\\+[1-9][0-9]{6,14}$", description: "E.164, e.g. +4915112345678" });
const email = Type.String({ format: "email", maxLength: 254 });
const newPassword = Type.String({ minLength: 10, maxLength: 200 });
const token = Type.String({ minLength: 1, maxLength: 200 });

/** REST request bodies (and the e-mail link's query) of the auth routes. */
export const requests = {
  otp: closedObject({ phone }),
  otpVerify: closedObject({ phone, code: Type.String({ pattern: "^[0-9]{6}$" }) }),
  register: closedObject({ email, password: newPassword }),
  token: closedObject({ token }),
  login: closedObject({
    email: Type.String({ minLength: 3, maxLength: 254 }),
    password: Type.String({ minLength: 1, maxLength: 200 }),
  }),
  refresh: closedObject({ refreshToken: token }),
  sessionParams: closedObject({ id: Uuid }),
  changePassword: closedObject({
    currentPassword: Type.String({ minLength: 1, maxLength: 200 }),
    newPassword,
  }),
  forgot: closedObject({ email }),
  reset: closedObject({ token, newPassword }),
  rotate: closedObject({ emergency: Type.Optional(Type.Boolean()) }),
};

/** REST answer of an e-mail verification. */
export const Verified = Type.Object({ account: ref(Account) });
