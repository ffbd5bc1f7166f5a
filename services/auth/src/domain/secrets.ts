import { createHash, createHmac, randomBytes, randomInt, timingSafeEqual } from "node:crypto";

/** A new 6-digit one-time code, uniformly random, as a string with leading zeros. */
export function newOtpCode(): string {
  return randomInt(0, 1_000_000).toString().padStart(6, "0");
}

/** The keyed hash a code is stored under; bound to the phone number so a hash cannot be replayed for another. */
export function otpHash(key: string, phone: string, code: string): string {
  return createHmac("sha256", key).update(`${phone}\n${code}`).digest("base64url");
}

/** Compares two hashes in constant time. */
export function sameHash(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/** A new opaque token (refresh tokens, e-mailed links): 256 random bits, base64url. */
export function newOpaqueToken(): string {
  return randomBytes(32).toString("base64url");
}

/** The SHA-256 of an opaque token, under which it is stored; the token itself is never stored. */
export function tokenHash(token: string): string {
  return createHash("sha256").update(token).digest("base64url");
}

/** A new random secret for the service to keep (48 random bytes, base64url). */
export function newSecret(): string {
  return randomBytes(48).toString("base64url");
}
