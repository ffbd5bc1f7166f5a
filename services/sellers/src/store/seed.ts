import type { Database } from "@mercato/platform";
import { storefronts } from "./schema.js";

/** A storefront of the demo data, written as is (no events; consumers rebuild from their own seeds). */
export interface SeedStorefront {
  id: string;
  ownerId: string;
  name: string;
  slug: string;
  description: string;
  contactEmail: string;
  contactPhone?: string;
  address: { line1: string; city: string; region?: string; postalCode: string; countryCode: string };
  /** Degrees on WGS 84. */
  location: { lat: number; lng: number };
  status: "active";
}

/** Rows per INSERT statement: far below PostgreSQL's 65,535 bind parameters at ~15 per row. */
const seedChunkSize = 500;

/**
 * Inserts demo storefronts in chunks of 500 rows, skipping ids that exist (so seeding twice is
 * harmless), without publishing events; returns how many rows were inserted.
 */
export async function seedStorefronts(database: Database, rows: readonly SeedStorefront[]): Promise<number> {
  let inserted = 0;
  for (let start = 0; start < rows.length; start += seedChunkSize) {
    const chunk = rows.slice(start, start + seedChunkSize);
    const written = await database.db
      .insert(storefronts)
      .values(
        chunk.map((row) => ({
          id: row.id,
          ownerId: row.ownerId,
          name: row.name,
          slug: row.slug,
          description: row.description,
          contactEmail: row.contactEmail,
          contactPhone: row.contactPhone ?? "",
          addressLine1: row.address.line1,
          city: row.address.city,
          region: row.address.region ?? "",
          postalCode: row.address.postalCode,
          countryCode: row.address.countryCode,
          location: { latitude: row.location.lat, longitude: row.location.lng },
          status: row.status,
          version: 1,
        })),
      )
      .onConflictDoNothing({ target: storefronts.id })
      .returning({ id: storefronts.id });
    inserted += written.length;
  }
  return inserted;
}
