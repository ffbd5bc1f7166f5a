import { type Database, inChunks } from "@mercato/platform";
import { defaultLocale } from "../domain/profile-rules.js";
import { profiles } from "./schema.js";

/** The profile of an account the auth service's seed wrote. */
export interface SeedProfile {
  userId: string;
  email: string;
  createdAt: Date;
}

/**
 * Writes the profiles of seeded accounts, as the registration event would, with no events.
 * Existing profiles are kept; returns how many were written.
 */
export async function seedProfiles(database: Database, rows: readonly SeedProfile[]): Promise<number> {
  let inserted = 0;
  for (const chunk of inChunks(rows, 500)) {
    const written = await database.db
      .insert(profiles)
      .values(
        chunk.map((row) => ({
          userId: row.userId,
          email: row.email.toLowerCase(),
          locale: defaultLocale,
          createdAt: row.createdAt,
          updatedAt: row.createdAt,
        })),
      )
      .onConflictDoNothing({ target: profiles.userId })
      .returning({ userId: profiles.userId });
    inserted += written.length;
  }
  return inserted;
}
