import { randomBytes } from "node:crypto";
import type { Database } from "@mercato/platform";
import { eq } from "drizzle-orm";
import { settings } from "./schema.js";

/** The key unsubscribe links are signed with: made once per deployment and kept, so old links stay valid. */
export async function unsubscribeKey(database: Database): Promise<string> {
  await database.db
    .insert(settings)
    .values({ name: "unsubscribe_key", value: randomBytes(32).toString("base64url") })
    .onConflictDoNothing();
  const [row] = await database.db.select().from(settings).where(eq(settings.name, "unsubscribe_key"));
  if (!row) throw new Error("the unsubscribe key was not stored");
  return row.value;
}
