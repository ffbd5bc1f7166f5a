import { deviceOf, resolveWith } from "../../domain.js";
import type { Resolvers } from "../../gen/graphql.js";
import type { GraphqlContext } from "../../module.js";
import { clientField } from "../catalog-common.js";
import type { AuthOperations } from "./operations.js";

/** GraphQL of the auth domain: each field calls its operation; sign-ins name the request's device. */
export function authResolvers(ops: AuthOperations): Resolvers {
  const done = { answer: () => true };
  const withDevice = <Args>(args: Args, context: GraphqlContext) => ({
    ...args,
    client: deviceOf(context.reply.request),
  });
  return {
    Query: {
      account: resolveWith(ops.account, () => undefined),
      sessions: resolveWith(ops.sessions, () => undefined),
    },
    Mutation: {
      requestOtp: resolveWith(ops.requestOtp, withDevice),
      verifyOtp: resolveWith(ops.verifyOtp, withDevice),
      registerSeller: resolveWith(ops.registerSeller, withDevice),
      verifyEmail: resolveWith(ops.verifyEmail, (args) => args),
      resendVerificationEmail: resolveWith(ops.resendVerificationEmail, () => undefined, done),
      login: resolveWith(ops.login, withDevice),
      refreshToken: resolveWith(ops.refreshToken, withDevice),
      logout: resolveWith(ops.logout, () => undefined, done),
      // The service names its session_id; the client sent the argument id.
      revokeSession: resolveWith(ops.revokeSession, (args) => ({ sessionId: args.id }), {
        ...done,
        names: clientField(null, { session_id: "id" }),
      }),
      revokeOtherSessions: resolveWith(ops.revokeOtherSessions, () => undefined),
      changePassword: resolveWith(ops.changePassword, (args) => args),
      requestPasswordReset: resolveWith(ops.requestPasswordReset, withDevice, done),
      resetPassword: resolveWith(ops.resetPassword, (args) => args, done),
      rotateSigningKey: resolveWith(
        ops.rotateSigningKey,
        (args) => ({ emergency: args.emergency === true }),
        {
          answer: (key) => key.kid,
        },
      ),
    },
  };
}
