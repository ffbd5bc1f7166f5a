import { type Authenticator, createJwksAuthenticator, url } from "@mercato/platform";
import { z } from "zod";

/** Environment of the users service process: where to verify the bearer tokens the gateway passes on. */
export const usersConfigSchema = z.object({
  /** JWKS of the auth service, e.g. `http://auth:9000/.well-known/jwks.json`; without it every bearer token is refused. */
  JWKS_URL: url(["http:", "https:"]).optional(),
  /** Required `iss` of tokens; unchecked when unset. */
  JWT_ISSUER: z.string().min(1).optional(),
  /** Required `aud` of tokens; unchecked when unset. */
  JWT_AUDIENCE: z.string().min(1).optional(),
});

/** Parsed users configuration. */
export type UsersConfig = z.infer<typeof usersConfigSchema>;

/** The token verifier the configuration asks for; undefined when JWKS_URL is unset. */
export function authenticatorFromConfig(config: UsersConfig): Authenticator | undefined {
  if (!config.JWKS_URL) return undefined;
  return createJwksAuthenticator({
    jwksUrl: config.JWKS_URL,
    ...(config.JWT_ISSUER ? { issuer: config.JWT_ISSUER } : {}),
    ...(config.JWT_AUDIENCE ? { audience: config.JWT_AUDIENCE } : {}),
  });
}
