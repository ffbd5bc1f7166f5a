import type { Account } from "@mercato/contracts/mercato/auth/v1/auth_pb";
import {
  type Caller,
  type Database,
  type Executor,
  type MediaReferences,
  NotFound,
  type Outbox,
} from "@mercato/platform";
import { eq, sql } from "drizzle-orm";
import { avatarMediaReferences, defaultLocale, type ProfileChanges } from "../domain/profile-rules.js";
import { recordProfileCreated, recordProfileUpdated } from "../events/profile-events.js";
import { profileToProto } from "./mappers.js";
import { type ProfileRow, profiles } from "./schema.js";

/** The message of every "no such profile" answer, also for profiles the caller may not see. */
export const profileNotFoundMessage = "profile not found; it is created shortly after registration";

/** Profiles: created from registrations, read and changed by their owner; every change is published. */
export class Profiles {
  constructor(
    private readonly database: Database,
    private readonly outbox: Outbox,
    private readonly media: MediaReferences,
  ) {}

  /**
   * Creates the profile of a newly registered account, seeded with its e-mail and phone, and
   * records ProfileCreated in the same transaction. A second registration event for the same
   * account changes nothing and publishes nothing; returns whether a profile was created.
   */
  async createForAccount(tx: Executor, account: Account): Promise<boolean> {
    const blankToNull = (value: string) => (value.trim() === "" ? null : value.trim());
    const [created] = await tx
      .insert(profiles)
      .values({
        userId: account.id,
        email: blankToNull(account.email),
        phone: blankToNull(account.phone),
        locale: defaultLocale,
      })
      .onConflictDoNothing({ target: profiles.userId })
      .returning();
    if (!created) return false;
    await recordProfileCreated(this.outbox, tx, profileToProto(created));
    return true;
  }

  /** The profile of `userId`, or NotFound. */
  async get(userId: string, executor: Executor = this.database.db): Promise<ProfileRow> {
    const [row] = await executor.select().from(profiles).where(eq(profiles.userId, userId)).limit(1);
    if (!row) throw new NotFound(profileNotFoundMessage);
    return row;
  }

  /**
   * Applies `changes` to the caller's profile and records ProfileUpdated in the same transaction;
   * when nothing actually changes it writes and publishes nothing. A new avatar must be a ready
   * avatar image of the caller (ADR 0041).
   */
  async update(caller: Caller, changes: ProfileChanges): Promise<ProfileRow> {
    const userId = caller.id;
    return this.database.transaction(async (tx) => {
      const [current] = await tx
        .select()
        .from(profiles)
        .where(eq(profiles.userId, userId))
        .for("update")
        .limit(1);
      if (!current) throw new NotFound(profileNotFoundMessage);
      const changed = Object.fromEntries(
        Object.entries(changes).filter(([key, value]) => current[key as keyof ProfileChanges] !== value),
      ) as ProfileChanges;
      if (Object.keys(changed).length === 0) return current;
      // Only an avatar the change sets is checked: one deleted since it was set stays (ADR 0041).
      await this.media.check(tx, caller, avatarMediaReferences(changed));
      const [updated] = await tx
        .update(profiles)
        .set({ ...changed, updatedAt: sql`now()` })
        .where(eq(profiles.userId, userId))
        .returning();
      if (!updated) throw new NotFound(profileNotFoundMessage);
      await recordProfileUpdated(this.outbox, tx, profileToProto(updated));
      return updated;
    });
  }
}
