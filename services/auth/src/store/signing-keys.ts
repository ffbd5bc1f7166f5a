import type { Database } from "@mercato/platform";
import { desc, gt, isNull, or, sql } from "drizzle-orm";
import {
  calculateJwkThumbprint,
  exportJWK,
  generateKeyPair,
  importJWK,
  type JWK,
  type JWTPayload,
  SignJWT,
} from "jose";
import { signingKeys } from "./schema.js";

/** Options of SigningKeys. */
export interface SigningKeysOptions {
  issuer: string;
  audience: string;
  /** Lifetime of an access token, ms; a retired key stays published this long (plus a minute). */
  accessTtlMs: number;
  /** Age after which the current key is replaced, ms. */
  rotationMs: number;
  /** How long a loaded current key is used before the database is asked again, ms; default 30 000. */
  cacheMs?: number;
}

interface CurrentKey {
  kid: string;
  key: Awaited<ReturnType<typeof importJWK>>;
  createdAt: Date;
  loadedAt: number;
}

const publishSlackMs = 60_000;

/**
 * The Ed25519 keys access tokens are signed with, kept in the service's database so every
 * replica signs with the same current key and publishes the same JWKS. Rotation retires the
 * current key; a retired key is still published until every token it signed has expired.
 */
export class SigningKeys {
  private current: CurrentKey | undefined;

  constructor(
    private readonly database: Database,
    private readonly options: SigningKeysOptions,
  ) {}

  /** Makes sure a current key exists and is younger than the rotation age; rotates when not. */
  async ensureCurrent(now = new Date()): Promise<void> {
    await this.database.transaction(async (tx) => {
      await tx.execute(sql`select pg_advisory_xact_lock(hashtext('mercato.auth.signing_keys'))`);
      const [newest] = await tx
        .select({ kid: signingKeys.kid, createdAt: signingKeys.createdAt })
        .from(signingKeys)
        .where(isNull(signingKeys.retiredAt))
        .orderBy(desc(signingKeys.createdAt))
        .limit(1);
      if (newest && now.getTime() - newest.createdAt.getTime() < this.options.rotationMs) return;
      await this.insertKey(tx, now);
    });
    this.current = undefined;
  }

  /** Retires the current key and makes a new one current; returns the new key id. */
  async rotate(now = new Date()): Promise<string> {
    const kid = await this.database.transaction(async (tx) => {
      await tx.execute(sql`select pg_advisory_xact_lock(hashtext('mercato.auth.signing_keys'))`);
      return this.insertKey(tx, now);
    });
    this.current = undefined;
    return kid;
  }

  /** The public keys tokens may be verified with: the current one and retired ones still in use. */
  async jwks(now = new Date()): Promise<{ keys: JWK[] }> {
    const rows = await this.database.db
      .select({ publicJwk: signingKeys.publicJwk })
      .from(signingKeys)
      .where(or(isNull(signingKeys.publishedUntil), gt(signingKeys.publishedUntil, now)))
      .orderBy(desc(signingKeys.createdAt));
    return { keys: rows.map((row) => row.publicJwk as JWK) };
  }

  /** Signs an access token for `subject` with the current key; returns it with its expiry. */
  async sign(subject: string, claims: JWTPayload): Promise<{ token: string; expiresAt: Date }> {
    const key = await this.currentKey();
    const now = Math.floor(Date.now() / 1000);
    const expiresAt = new Date((now + Math.floor(this.options.accessTtlMs / 1000)) * 1000);
    const token = await new SignJWT(claims)
      .setProtectedHeader({ alg: "EdDSA", kid: key.kid, typ: "JWT" })
      .setSubject(subject)
      .setIssuer(this.options.issuer)
      .setAudience(this.options.audience)
      .setIssuedAt(now)
      .setExpirationTime(Math.floor(expiresAt.getTime() / 1000))
      .sign(key.key);
    return { token, expiresAt };
  }

  private async currentKey(): Promise<CurrentKey> {
    const cached = this.current;
    if (cached && Date.now() - cached.loadedAt < (this.options.cacheMs ?? 30_000)) return cached;
    const [row] = await this.database.db
      .select()
      .from(signingKeys)
      .where(isNull(signingKeys.retiredAt))
      .orderBy(desc(signingKeys.createdAt))
      .limit(1);
    if (!row) {
      await this.ensureCurrent();
      return this.currentKey();
    }
    this.current = {
      kid: row.kid,
      key: await importJWK(row.privateJwk, "EdDSA"),
      createdAt: row.createdAt,
      loadedAt: Date.now(),
    };
    return this.current;
  }

  private async insertKey(
    tx: Parameters<Parameters<Database["transaction"]>[0]>[0],
    now: Date,
  ): Promise<string> {
    const { privateKey, publicKey } = await generateKeyPair("EdDSA", { crv: "Ed25519", extractable: true });
    const publicJwk = await exportJWK(publicKey);
    const kid = await calculateJwkThumbprint(publicJwk);
    const privateJwk = await exportJWK(privateKey);
    await tx
      .update(signingKeys)
      .set({
        retiredAt: now,
        publishedUntil: new Date(now.getTime() + this.options.accessTtlMs + publishSlackMs),
      })
      .where(isNull(signingKeys.retiredAt));
    await tx.insert(signingKeys).values({
      kid,
      privateJwk: { ...privateJwk, kid, alg: "EdDSA" },
      publicJwk: { ...publicJwk, kid, alg: "EdDSA", use: "sig" },
      createdAt: now,
    });
    return kid;
  }
}
