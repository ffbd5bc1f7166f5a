import { createRemoteJWKSet, decodeProtectedHeader, errors, type JWTPayload, jwtVerify } from "jose";
import type { Caller, Role } from "../context/context.js";
import { Unauthenticated } from "../errors/errors.js";
import type { Authenticator } from "../rpc/server.js";
import { rememberVerified } from "./verified-tokens.js";

/** Options of createJwksAuthenticator. */
export interface JwksAuthenticatorOptions {
  /** URL of the issuer's JSON Web Key Set, e.g. `http://auth:9000/.well-known/jwks.json`. */
  jwksUrl: string;
  /** Required `iss` claim; unchecked when absent. */
  issuer?: string;
  /** Required `aud` claim; unchecked when absent. */
  audience?: string;
  /** Least time between two JWKS fetches caused by an unknown `kid`; default 30 000 ms. */
  cooldownMs?: number;
  /** How long a fetched JWKS is used before it is fetched again; default 600 000 ms. */
  cacheMaxAgeMs?: number;
  /** Clock skew tolerated on `exp` and `nbf`; default 5 s. */
  clockToleranceSec?: number;
  /** Longest an accepted token is trusted without verifying it again (ADR 0054); default 60 000 ms. */
  rememberMs?: number;
}

const allowedAlgorithms = ["EdDSA"];
const roles: ReadonlySet<string> = new Set<Role>(["buyer", "seller", "admin"]);
const reservedClaims = new Set(["iss", "sub", "aud", "exp", "nbf", "iat", "jti", "roles"]);

/**
 * Verifies EdDSA-signed JWTs against a remote JWKS (cached, refetched when an unknown `kid`
 * appears, so key rotation needs no restart) and maps their claims to a Caller. Every failure is
 * an Unauthenticated with a short reason that never repeats the token. A token it accepted is
 * accepted again without verifying for up to `rememberMs`, never past its `exp` (ADR 0054).
 */
export function createJwksAuthenticator(options: JwksAuthenticatorOptions): Authenticator {
  const keys = createRemoteJWKSet(new URL(options.jwksUrl), {
    cooldownDuration: options.cooldownMs ?? 30_000,
    cacheMaxAge: options.cacheMaxAgeMs ?? 600_000,
  });
  return rememberVerified(
    async (token) => {
      let alg: string | undefined;
      let kid: string | undefined;
      try {
        ({ alg, kid } = decodeProtectedHeader(token));
      } catch {
        throw new Unauthenticated("token malformed");
      }
      // Checked before any key lookup so that `alg: none` or HS256 never reaches the JWKS.
      if (!alg || !allowedAlgorithms.includes(alg)) throw new Unauthenticated("token algorithm not allowed");
      if (!kid) throw new Unauthenticated("token has no key id");
      let payload: JWTPayload;
      try {
        ({ payload } = await jwtVerify(token, keys, {
          algorithms: allowedAlgorithms,
          requiredClaims: ["exp", "sub"],
          clockTolerance: options.clockToleranceSec ?? 5,
          ...(options.issuer === undefined ? {} : { issuer: options.issuer }),
          ...(options.audience === undefined ? {} : { audience: options.audience }),
        }));
      } catch (error) {
        throw new Unauthenticated(reasonFor(error));
      }
      if (typeof payload.sub !== "string" || payload.sub === "")
        throw new Unauthenticated("token claims invalid");
      return toCaller(payload, payload.sub);
    },
    options.rememberMs === undefined ? {} : { maxAgeMs: options.rememberMs },
  );
}

function reasonFor(error: unknown): string {
  if (error instanceof errors.JWTExpired) return "token expired";
  if (error instanceof errors.JWSSignatureVerificationFailed) return "token signature invalid";
  if (error instanceof errors.JOSEAlgNotAllowed) return "token algorithm not allowed";
  if (error instanceof errors.JWKSNoMatchingKey) return "token key unknown";
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === "iss" || error.claim === "aud") return "token issuer/audience mismatch";
    if (error.claim === "nbf") return "token not yet valid";
    return "token claims invalid";
  }
  if (error instanceof errors.JWSInvalid || error instanceof errors.JWTInvalid) return "token malformed";
  // The JWKS could not be fetched or parsed, or a key in it is unusable: no token can be trusted.
  return "token keys unavailable";
}

function toCaller(payload: JWTPayload, id: string): Caller {
  const claims: Record<string, string | boolean | number> = {};
  for (const [name, value] of Object.entries(payload)) {
    if (reservedClaims.has(name)) continue;
    if (typeof value === "string" || typeof value === "boolean" || typeof value === "number") {
      claims[camelCase(name)] = value;
    }
  }
  const granted = Array.isArray(payload.roles) ? payload.roles : [];
  return {
    id,
    roles: [...new Set(granted.filter((role): role is Role => typeof role === "string" && roles.has(role)))],
    claims,
  };
}

function camelCase(name: string): string {
  return name.replace(/[_-]+([a-zA-Z0-9])/g, (_, next: string) => next.toUpperCase());
}
