import { hash, verify } from "@node-rs/argon2";

// OWASP's argon2id baseline: 19 MiB, 2 iterations, 1 lane. Algorithm 2 is Argon2id (a const enum
// in the typings, which verbatimModuleSyntax cannot import).
const params = { algorithm: 2, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;
let decoy: Promise<string> | undefined;

/** The argon2id hash (PHC string) a password is stored as. */
export function hashPassword(password: string): Promise<string> {
  return hash(password, params);
}

/**
 * Whether `password` matches the stored hash. Without a stored hash it still verifies against a
 * decoy, so an unknown e-mail address costs as long as a wrong password.
 */
export async function passwordMatches(stored: string | null | undefined, password: string): Promise<boolean> {
  if (!stored) {
    decoy ??= hashPassword("decoy password that matches nothing");
    await verify(await decoy, password).catch(() => false);
    return false;
  }
  return verify(stored, password).catch(() => false);
}
