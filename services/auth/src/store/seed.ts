import { randomBytes } from "node:crypto";
import { type Database, inChunks } from "@mercato/platform";
import { hashPassword } from "../domain/passwords.js";
import { accounts } from "./schema.js";

/** A seller account of the demo marketplace: verified, with a password nobody knows. */
export interface SeedSellerAccount {
  id: string;
  email: string;
  createdAt: Date;
}

/**
 * Writes verified seller accounts for a seed, with no events (the users service's seed writes
 * their profiles). Their password is one random secret that is hashed and forgotten, so an owner
 * signs in only after choosing a password through the reset link the outbox receives. Rows whose
 * id or e-mail address exists already are kept; returns how many were written.
 */
export async function seedSellerAccounts(
  database: Database,
  rows: readonly SeedSellerAccount[],
): Promise<number> {
  if (rows.length === 0) return 0;
  const passwordHash = await hashPassword(randomBytes(32).toString("base64url"));
  let inserted = 0;
  for (const chunk of inChunks(rows, 500)) {
    const written = await database.db
      .insert(accounts)
      .values(
        chunk.map((row) => ({
          id: row.id,
          roles: ["seller"],
          email: row.email.toLowerCase(),
          passwordHash,
          emailVerifiedAt: row.createdAt,
          createdAt: row.createdAt,
          updatedAt: row.createdAt,
        })),
      )
      .onConflictDoNothing()
      .returning({ id: accounts.id });
    inserted += written.length;
  }
  return inserted;
}
