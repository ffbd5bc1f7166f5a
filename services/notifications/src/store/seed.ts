import { type Database, inChunks } from "@mercato/platform";
import { products, recipients, storefronts } from "./schema.js";

/** What the notifications service must know of a seeded marketplace: who owns which storefront and product, and where to write. */
export interface NotificationsSeed {
  recipients: readonly { userId: string; email: string; locale?: string }[];
  storefronts: readonly { id: string; ownerId: string; name: string; status: string; version: number }[];
  products: readonly { id: string; storefrontId: string; title: string }[];
}

/**
 * Writes the directory of a seeded marketplace (the seed publishes no events, so the service would
 * otherwise never learn of the demo sellers); rows already there are kept. Returns the rows written.
 */
export async function seedNotificationsDirectory(
  database: Database,
  seed: NotificationsSeed,
): Promise<number> {
  let written = 0;
  for (const batch of inChunks(seed.recipients)) {
    const rows = batch.map((r) => ({ userId: r.userId, email: r.email, locale: r.locale ?? "en" }));
    written += (await database.db.insert(recipients).values(rows).onConflictDoNothing().returning()).length;
  }
  for (const batch of inChunks(seed.storefronts)) {
    written += (
      await database.db
        .insert(storefronts)
        .values([...batch])
        .onConflictDoNothing()
        .returning()
    ).length;
  }
  for (const batch of inChunks(seed.products)) {
    const rows = batch.map((p) => ({ ...p, version: 1, status: "active" }));
    written += (await database.db.insert(products).values(rows).onConflictDoNothing().returning()).length;
  }
  return written;
}
