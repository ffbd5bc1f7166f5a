import type { Database } from "@mercato/platform";
import { desc, gt, isNull, ne, or, sql } from "drizzle-orm";
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
  /**
   * How long a new key is published before it signs, ms: longer than verifiers wait before they
   * fetch the JWKS again for an unknown `kid` (30 s by default), so none refuses its tokens.
   */
  activationDelayMs: number;
  /** How long a loaded current key is used before the database is asked again, ms; default 30 000. */
  cacheMs?: number;
}

interface CurrentKey {
  kid: string;
  key: Awaited<ReturnType<typeof importJWK>>;
  createdAt: Date;
  loadedAt: number;
  /** When a scheduled successor takes over, epoch ms. */
  validUntil: number;
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

  /** Makes sure a key exists and that a successor is on its way once the current one is old. */
  async ensureCurrent(now = new Date()): Promise<void> {
    await this.database.transaction(async (tx) => {
      await tx.execute(sql`select pg_advisory_xact_lock(hashtext('mercato.auth.signing_keys'))`);
      const [newest] = await tx
        .select({ activatesAt: signingKeys.activatesAt })
        .from(signingKeys)
        .where(isNull(signingKeys.publishedUntil))
        .orderBy(desc(signingKeys.activatesAt))
        .limit(1);
      if (!newest) {
        await this.insertKey(tx, now, now);
        return;
      }
      // A successor already scheduled, or a current key young enough: nothing to do.
      if (now.getTime() - newest.activatesAt.getTime() < this.options.rotationMs) return;
      await this.insertKey(tx, now, new Date(now.getTime() + this.options.activationDelayMs));
    });
    this.current = undefined;
  }

  /**
   * Makes a new key: published now, signing after the activation delay; an emergency rotation
   * (a leaked key) signs at once and withdraws every older key from the JWKS now.
   */
  async rotate(
    options: { emergency?: boolean } = {},
    now = new Date(),
  ): Promise<{ kid: string; activatesAt: Date }> {
    const activatesAt = options.emergency ? now : new Date(now.getTime() + this.options.activationDelayMs);
    const kid = await this.database.transaction(async (tx) => {
      await tx.execute(sql`select pg_advisory_xact_lock(hashtext('mercato.auth.signing_keys'))`);
      const created = await this.insertKey(tx, now, activatesAt);
      if (options.emergency)
        await tx
          .update(signingKeys)
          .set({ retiredAt: now, publishedUntil: now })
          .where(ne(signingKeys.kid, created));
      return created;
    });
    this.current = undefined;
    return { kid, activatesAt };
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
    const now = Date.now();
    if (cached && now - cached.loadedAt < (this.options.cacheMs ?? 30_000) && now < cached.validUntil)
      return cached;
    const rows = await this.database.db
      .select()
      .from(signingKeys)
      .where(or(isNull(signingKeys.publishedUntil), gt(signingKeys.publishedUntil, new Date(now))))
      .orderBy(desc(signingKeys.activatesAt));
    const row = rows.find((key) => key.activatesAt.getTime() <= now);
    if (!row) {
      await this.ensureCurrent();
      return this.currentKey();
    }
    // A scheduled successor ends this key's turn: reload when it activates.
    const successor = rows.filter((key) => key.activatesAt.getTime() > now).at(-1);
    this.current = {
      kid: row.kid,
      key: await importJWK(row.privateJwk, "EdDSA"),
      createdAt: row.createdAt,
      loadedAt: now,
      validUntil: successor ? successor.activatesAt.getTime() : Number.POSITIVE_INFINITY,
    };
    return this.current;
  }

  private async insertKey(
    tx: Parameters<Parameters<Database["transaction"]>[0]>[0],
    now: Date,
    activatesAt: Date,
  ): Promise<string> {
    const { privateKey, publicKey } = await generateKeyPair("EdDSA", { crv: "Ed25519", extractable: true });
    const publicJwk = await exportJWK(publicKey);
    const kid = await calculateJwkThumbprint(publicJwk);
    const privateJwk = await exportJWK(privateKey);
    // Keys still signing or scheduled stop when this one starts, and stay published until the
    // last token they can sign has expired.
    await tx
      .update(signingKeys)
      .set({
        retiredAt: activatesAt,
        publishedUntil: new Date(activatesAt.getTime() + this.options.accessTtlMs + publishSlackMs),
      })
      .where(isNull(signingKeys.publishedUntil));
    await tx.insert(signingKeys).values({
      kid,
      privateJwk: { ...privateJwk, kid, alg: "EdDSA" },
      publicJwk: { ...publicJwk, kid, alg: "EdDSA", use: "sig" },
      createdAt: now,
      activatesAt,
    });
    return kid;
  }
}
