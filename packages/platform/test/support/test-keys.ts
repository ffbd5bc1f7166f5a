import { randomUUID } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { type CryptoKey, exportJWK, generateKeyPair, type JWK, type JWTPayload, SignJWT } from "jose";
import { expect } from "vitest";
import { DomainError } from "../../src/errors/errors.js";

/** How a test token is signed. */
export interface TestSignOptions {
  /** Lifetime in seconds (negative for an already expired token) or a jose span such as `"2h"`; default 300. */
  expiresIn?: number | string;
  /** Signs with the published key of this id, or puts this id in the header over the current key; default the current key. */
  kid?: string;
  /** `EdDSA` (default, the current key), `HS256` (a shared secret) or `none` (unsigned). */
  alg?: "EdDSA" | "HS256" | "none";
  /** `iss` claim; default the issuer's. */
  issuer?: string;
  /** `aud` claim; default the issuer's. */
  audience?: string;
}

/** A JWT issuer for tests: Ed25519 keys published as a JWKS on a local HTTP server. */
export interface TestIssuer {
  /** `http://127.0.0.1:<port>/.well-known/jwks.json`. */
  jwksUrl: string;
  /** `iss` put in every token unless told otherwise. */
  issuer: string;
  /** `aud` put in every token unless told otherwise. */
  audience: string;
  /** `kid` of the key that signs now. */
  readonly kid: string;
  /** How many times the JWKS was fetched. */
  readonly jwksRequests: number;
  /** A signed JWT carrying `claims` (add `sub`, `roles`, ...), `iat` and `exp`. */
  sign(claims: JWTPayload, options?: TestSignOptions): Promise<string>;
  /** Adds a new signing key and keeps the old ones published; returns the new `kid`. */
  rotate(): Promise<string>;
  close(): Promise<void>;
}

interface SigningKey {
  kid: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
}

async function newKey(): Promise<SigningKey> {
  const { publicKey, privateKey } = await generateKeyPair("EdDSA", { crv: "Ed25519" });
  const kid = randomUUID();
  return { kid, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg: "EdDSA", use: "sig" } };
}

/** Starts a test issuer on a free port of 127.0.0.1; close it after the tests. */
export async function createTestIssuer(
  options: { issuer?: string; audience?: string } = {},
): Promise<TestIssuer> {
  const keys: SigningKey[] = [await newKey()];
  const hmacSecret = crypto.getRandomValues(new Uint8Array(32));
  let jwksRequests = 0;
  const server = http.createServer((req, res) => {
    if (req.method === "GET" && req.url === "/.well-known/jwks.json") {
      jwksRequests++;
      res.writeHead(200, { "content-type": "application/jwk-set+json" });
      res.end(JSON.stringify({ keys: keys.map((key) => key.publicJwk) }));
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  const { port } = server.address() as AddressInfo;
  const current = () => keys[keys.length - 1] as SigningKey;
  const issuer = options.issuer ?? "https://auth.mercato.test";
  const audience = options.audience ?? "mercato";

  return {
    jwksUrl: `http://127.0.0.1:${port}/.well-known/jwks.json`,
    issuer,
    audience,
    get kid() {
      return current().kid;
    },
    get jwksRequests() {
      return jwksRequests;
    },
    async sign(claims, signOptions = {}) {
      const alg = signOptions.alg ?? "EdDSA";
      const kid = signOptions.kid ?? current().kid;
      const key = keys.find((candidate) => candidate.kid === kid) ?? current();
      const now = Math.floor(Date.now() / 1000);
      const expiresIn = signOptions.expiresIn ?? 300;
      const payload: JWTPayload = {
        iss: signOptions.issuer ?? issuer,
        aud: signOptions.audience ?? audience,
        ...claims,
      };
      if (alg === "none") {
        const exp = typeof expiresIn === "number" ? now + expiresIn : now + 300;
        const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");
        return `${encode({ alg: "none", typ: "JWT", kid })}.${encode({ ...payload, iat: now, exp })}.`;
      }
      const jwt = new SignJWT(payload)
        .setProtectedHeader({ alg, kid, typ: "JWT" })
        .setIssuedAt(now)
        .setExpirationTime(typeof expiresIn === "number" ? now + expiresIn : expiresIn);
      return jwt.sign(alg === "HS256" ? hmacSecret : key.privateKey);
    },
    async rotate() {
      const key = await newKey();
      keys.push(key);
      return key.kid;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

/** The UNAUTHENTICATED DomainError `promise` rejects with (fails the test when it resolves or rejects otherwise). */
export async function rejection(promise: Promise<unknown>): Promise<DomainError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DomainError);
  expect((error as DomainError).code).toBe("UNAUTHENTICATED");
  return error as DomainError;
}
