import { randomBytes } from "node:crypto";
import { eq } from "drizzle-orm";
import type { PgColumn, PgTable } from "drizzle-orm/pg-core";
import type { Database } from "./database.js";

/** A service's table of named settings: a text `name` key and a text `value`. */
type SettingsTable = PgTable & { name: PgColumn; value: PgColumn };

/**
 * A random key (32 bytes, base64url) made once per deployment under `name` in the service's
 * settings table and kept, so what it signed (unsubscribe links, file URLs) stays valid across
 * restarts and replicas; the first replica to write it wins.
 */
export async function keptSecret(database: Database, table: SettingsTable, name: string): Promise<string> {
  await database.db
    .insert(table)
    .values({ name, value: randomBytes(32).toString("base64url") } as never)
    .onConflictDoNothing();
  const [row] = (await database.db
    .select({ value: table.value })
    .from(table)
    .where(eq(table.name, name))) as {
    value: string;
  }[];
  if (!row) throw new Error(`the setting ${name} was not stored`);
  return row.value;
}
