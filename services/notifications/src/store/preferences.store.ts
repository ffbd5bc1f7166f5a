import {
  type Database,
  type Executor,
  InvalidArgument,
  type Placeholders,
  prepared,
} from "@mercato/platform";
import { and, eq, sql } from "drizzle-orm";
import {
  type Category,
  type Channel,
  effectivePreferences,
  isLocked,
  type Preference,
} from "../domain/preferences.js";
import { preferences } from "./schema.js";

/** A user's settings of one category, read for every notification (built once, ADR 0037). */
const ofCategory = prepared(
  "notifications.preferences_of_category",
  (db, p: Placeholders<{ userId: string; category: Category }>) =>
    db
      .select()
      .from(preferences)
      .where(and(eq(preferences.userId, p.userId), eq(preferences.category, p.category))),
);

/** What each user wants to be told, and where. */
export class Preferences {
  constructor(private readonly database: Database) {}

  async of(userId: string, executor: Executor = this.database.db): Promise<Preference[]> {
    const rows = await executor.select().from(preferences).where(eq(preferences.userId, userId));
    return effectivePreferences(rows);
  }

  /** The channels on which `userId` wants `category`. */
  async channels(executor: Executor, userId: string, category: Category): Promise<Set<Channel>> {
    const rows = await ofCategory.run(executor, { userId, category });
    return new Set(
      effectivePreferences(rows)
        .filter((p) => p.category === category && p.enabled)
        .map((p) => p.channel),
    );
  }

  /** Changes the given settings; turning off a locked one is refused, naming it as `preferences[i]`. */
  async update(
    userId: string,
    changes: readonly { category: Category; channel: Channel; enabled: boolean }[],
  ): Promise<Preference[]> {
    changes.forEach((change, i) => {
      if (!change.enabled && isLocked(change.category, change.channel))
        throw InvalidArgument.field(
          `preferences[${i}]`,
          `${change.category} ${change.channel === "email" ? "e-mail" : change.channel} cannot be turned off`,
        );
    });
    return this.database.transaction(async (tx) => {
      for (const change of changes) {
        await tx
          .insert(preferences)
          .values({ userId, ...change })
          .onConflictDoUpdate({
            target: [preferences.userId, preferences.category, preferences.channel],
            set: { enabled: change.enabled, updatedAt: sql`now()` },
          });
      }
      return this.of(userId, tx);
    });
  }
}
