import type { Executor } from "@mercato/platform";
import { eq, sql } from "drizzle-orm";
import { type StorefrontRow, storefronts } from "./schema.js";

/** A storefront as the products service keeps it: owner, status, place and the sellers service's version. */
export interface StorefrontProjection {
  id: string;
  ownerId: string;
  name: string;
  slug: string;
  /** `pending`, `active` or `suspended`. */
  status: string;
  location: { lat: number; lng: number };
  version: number;
}

/** The EWKT text PostGIS reads as a geography point (longitude first). */
export function pointText(location: { lat: number; lng: number }): string {
  return `SRID=4326;POINT(${location.lng} ${location.lat})`;
}

/**
 * Stores a storefront unless a version at least as new is already stored, so events that arrive
 * late or twice never roll the projection back. Returns whether the row changed.
 */
export async function upsertStorefront(
  executor: Executor,
  storefront: StorefrontProjection,
): Promise<boolean> {
  const location = pointText(storefront.location);
  const rows = await executor
    .insert(storefronts)
    .values({ ...storefront, location })
    .onConflictDoUpdate({
      target: storefronts.id,
      set: {
        ownerId: storefront.ownerId,
        name: storefront.name,
        slug: storefront.slug,
        status: storefront.status,
        location,
        version: storefront.version,
        updatedAt: sql`now()`,
      },
      setWhere: sql`${storefronts.version} < excluded.version`,
    })
    .returning({ id: storefronts.id });
  return rows.length > 0;
}

/** The storefront a seller owns (the oldest, should there be several), or undefined. */
export async function storefrontOwnedBy(
  executor: Executor,
  ownerId: string,
): Promise<StorefrontRow | undefined> {
  const [row] = await executor
    .select()
    .from(storefronts)
    .where(eq(storefronts.ownerId, ownerId))
    .orderBy(storefronts.id)
    .limit(1);
  return row;
}

/** One storefront of the projection, or undefined. */
export async function storefrontById(executor: Executor, id: string): Promise<StorefrontRow | undefined> {
  const [row] = await executor.select().from(storefronts).where(eq(storefronts.id, id)).limit(1);
  return row;
}
