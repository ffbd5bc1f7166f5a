import { decodeProtectedHeader, errors, jwtVerify, SignJWT } from "jose";
import type { Caller } from "../context/context.js";
import { PermissionDenied, Unauthenticated } from "../errors/errors.js";
import type { Authenticator } from "../rpc/server.js";
import { rememberVerified } from "./verified-tokens.js";

const issuer = "mercato-services";
const audience = "mercato-services";
const algorithm = "HS256";
/** Prefix of a service caller's id: `service:orders`. */
export const serviceCallerPrefix = "service:";
/** Shortest secret accepted, in characters. */
export const minServiceSecretLength = 32;

/**
 * Tokens services sign for themselves when they act on their own (a sweeper) or must be told
 * apart from users (reservations): HS256 with a secret every service of one deployment shares,
 * never published, so no client and no user token can pass for one (ADR 0018).
 */
export class ServiceTokens {
  private readonly key: Uint8Array;
  private readonly cache = new Map<string, { token: string; expiresAt: number }>();

  constructor(
    secret: string,
    private readonly ttlSeconds = 300,
  ) {
    if (secret.length < minServiceSecretLength)
      throw new Error(`the service token secret must be at least ${minServiceSecretLength} characters`);
    this.key = new TextEncoder().encode(secret);
  }

  /** A token naming `service` (`service:<name>`), reused until a minute before it expires. */
  async sign(service: string): Promise<string> {
    const cached = this.cache.get(service);
    if (cached && cached.expiresAt - Date.now() > 60_000) return cached.token;
    const expiresAt = Date.now() + this.ttlSeconds * 1000;
    const token = await new SignJWT({})
      .setProtectedHeader({ alg: algorithm })
      .setIssuer(issuer)
      .setAudience(audience)
      .setSubject(`${serviceCallerPrefix}${service}`)
      .setIssuedAt()
      .setExpirationTime(Math.floor(expiresAt / 1000))
      .sign(this.key);
    this.cache.set(service, { token, expiresAt });
    return token;
  }

  /**
   * An authenticator that accepts service tokens signed with this secret and hands every other
   * token to `users` (or refuses it when there is none).
   */
  authenticator(users: Authenticator | undefined): Authenticator {
    // The same token comes with every call of a service for minutes: its check is remembered (ADR 0054).
    const service = rememberVerified(async (token) => {
      try {
        const { payload } = await jwtVerify(token, this.key, {
          algorithms: [algorithm],
          issuer,
          audience,
          requiredClaims: ["exp", "sub"],
          clockTolerance: 5,
        });
        if (typeof payload.sub !== "string" || !payload.sub.startsWith(serviceCallerPrefix))
          throw new Unauthenticated("token claims invalid");
        return {
          id: payload.sub,
          roles: [],
          claims: { service: payload.sub.slice(serviceCallerPrefix.length) },
        };
      } catch (error) {
        if (error instanceof Unauthenticated) throw error;
        throw new Unauthenticated(
          error instanceof errors.JWTExpired ? "token expired" : "service token invalid",
        );
      }
    });
    return async (token) => {
      let alg: string | undefined;
      try {
        ({ alg } = decodeProtectedHeader(token));
      } catch {
        throw new Unauthenticated("token malformed");
      }
      if (alg !== algorithm) {
        if (!users) throw new Unauthenticated("this service accepts only service tokens");
        return users(token);
      }
      return service(token);
    };
  }
}

/** Whether the caller is a service acting with its own token, optionally one named `service`. */
export function isServiceCaller(caller: Caller | undefined, service?: string): boolean {
  if (!caller?.id.startsWith(serviceCallerPrefix)) return false;
  return service === undefined || caller.id === `${serviceCallerPrefix}${service}`;
}

/** The caller when it is the service `service`; PermissionDenied with `refusal` otherwise. */
export function requireServiceCaller(caller: Caller, service: string, refusal: string): Caller {
  if (!isServiceCaller(caller, service)) throw new PermissionDenied(refusal);
  return caller;
}
