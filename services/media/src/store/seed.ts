import { createHash, randomBytes } from "node:crypto";
import { join, resolve } from "node:path";
import { createObjectStore, type Database, type ObjectStore, parseConfig } from "@mercato/platform";
import { v7 as uuidv7 } from "uuid";
import { mediaConfigSchema } from "../config.js";
import { loadSharp, processImage } from "../pipeline/image.js";
import { type PublishedRendition, publishImage } from "../pipeline/publish.js";
import { assets, objects, references, referrers } from "./schema.js";

/** One picture the demo seed attaches: a media of `ownerId` shown by `referrer` (`product:<id>`, `storefront:<id>`). */
export interface SeedPicture {
  mediaId: string;
  ownerId: string;
  purpose: "product" | "storefront_logo";
  referrer: string;
  /** Which of the generated images it shows. */
  image: number;
}

/** How many different pictures the demo seed generates; media share their renditions (content-addressed keys). */
export const demoImageCount = 16;

/**
 * The object store the media service of `env` writes to (S3_* or MEDIA_DIR/DATA_DIR), for the seed
 * to write renditions where the service will serve them from. It signs no URLs.
 */
export function openSeedStore(env: Record<string, string | undefined>): Promise<ObjectStore> {
  const config = parseConfig(mediaConfigSchema, env);
  return createObjectStore(config, {
    dir: resolve(config.MEDIA_DIR ?? join(config.DATA_DIR, "media")),
    secret: randomBytes(32).toString("base64url"),
    baseUrl: () => "http://127.0.0.1/files",
  });
}

/** A deterministic media id for a demo picture of `of` (a product or storefront id). */
export function demoMediaId(of: string, purpose: string): string {
  const digest = createHash("sha256").update(`${purpose}:${of}`).digest();
  return uuidv7({ msecs: Date.UTC(2026, 0, 1) + digest.readUInt32BE(0), random: digest.subarray(4, 20) });
}

/**
 * An 800×800 picture, number `n` of the set: a diagonal gradient in a hue of its own with a few
 * soft shapes, enough to tell products apart on a page.
 */
async function demoImage(n: number): Promise<Buffer> {
  const hue = Math.round((n * 360) / demoImageCount);
  const shapes = [0, 1, 2]
    .map((i) => {
      const x = 160 + ((n * 97 + i * 211) % 480);
      const y = 160 + ((n * 53 + i * 173) % 480);
      const r = 70 + ((n + i * 3) % 5) * 25;
      return `<circle cx="${x}" cy="${y}" r="${r}" fill="hsl(${(hue + 40 * (i + 1)) % 360},70%,${55 + i * 10}%)" fill-opacity="0.75"/>`;
    })
    .join("");
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="800" height="800">
    <defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1">
      <stop offset="0" stop-color="hsl(${hue},65%,82%)"/><stop offset="1" stop-color="hsl(${hue},55%,45%)"/>
    </linearGradient></defs>
    <rect width="800" height="800" fill="url(#g)"/>${shapes}
    <rect x="250" y="250" width="300" height="300" rx="40" fill="white" fill-opacity="0.35"/>
  </svg>`;
  return (await loadSharp())(Buffer.from(svg)).jpeg({ quality: 90 }).toBuffer();
}

/**
 * Writes the demo seed's pictures: generates the images the pictures use (each once), writes
 * their renditions to `store`, and records each picture as a ready media of its owner shown by
 * its referrer. Like every seed it publishes no events; ids are deterministic, so a second run
 * adds nothing. Returns how many media it wrote.
 */
export async function seedMediaLibrary(
  database: Database,
  store: ObjectStore,
  pictures: readonly SeedPicture[],
): Promise<number> {
  if (pictures.length === 0) return 0;
  const made = new Map<
    number,
    { processed: Awaited<ReturnType<typeof processImage>>; stored: PublishedRendition[] }
  >();
  for (const image of new Set(pictures.map((p) => p.image % demoImageCount))) {
    const processed = await processImage(await demoImage(image));
    made.set(image, { processed, stored: await publishImage(store, processed) });
  }
  let written = 0;
  for (let start = 0; start < pictures.length; start += 500) {
    const batch = pictures.slice(start, start + 500);
    written += await database.transaction(async (tx) => {
      const rows = await tx
        .insert(assets)
        .values(
          batch.map((picture) => {
            const { processed, stored } = made.get(picture.image % demoImageCount) as {
              processed: Awaited<ReturnType<typeof processImage>>;
              stored: PublishedRendition[];
            };
            return {
              id: picture.mediaId,
              ownerId: picture.ownerId,
              purpose: picture.purpose,
              status: "ready",
              kind: "image",
              declaredType: "image/jpeg",
              contentType: "image/jpeg",
              byteSize: stored.reduce((sum, r) => sum + r.byteSize, 0),
              uploadKey: `uploads/${picture.mediaId}`,
              uploadExpiresAt: new Date(),
              width: processed.width,
              height: processed.height,
              placeholder: processed.placeholder,
              dominantColor: processed.dominantColor,
              renditions: stored,
              progress: 100,
            };
          }),
        )
        .onConflictDoNothing()
        .returning({ id: assets.id });
      const fresh = new Set(rows.map((row) => row.id));
      const mine = batch.filter((picture) => fresh.has(picture.mediaId));
      if (mine.length === 0) return 0;
      await tx
        .insert(objects)
        .values(
          mine.flatMap((picture) =>
            (made.get(picture.image % demoImageCount)?.stored ?? []).map((r) => ({
              mediaId: picture.mediaId,
              key: r.key,
            })),
          ),
        )
        .onConflictDoNothing();
      await tx
        .insert(references)
        .values(mine.map((picture) => ({ mediaId: picture.mediaId, referrer: picture.referrer })))
        .onConflictDoNothing();
      await tx
        .insert(referrers)
        .values(
          [...new Set(mine.map((picture) => picture.referrer))].map((referrer) => ({ referrer, version: 1 })),
        )
        .onConflictDoNothing();
      return mine.length;
    });
  }
  return written;
}
