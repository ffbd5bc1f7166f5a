import type { ObjectStore } from "@mercato/platform";
import {
  type ImageSizeName,
  immutableCacheControl,
  type ProcessedImage,
  type RenditionFormat,
  renditionKey,
} from "./image.js";

/** A rendition written to the object store under its content-addressed key. */
export interface PublishedRendition {
  size: ImageSizeName;
  format: RenditionFormat;
  width: number;
  height: number;
  /** Its length in bytes. */
  byteSize: number;
  key: string;
}

/** How many renditions are written at once. */
const parallelWrites = 4;

/**
 * Writes the renditions of a processed image under content-addressed keys, immutable and with
 * their content type, and returns them with their keys. Writing the same bytes again is harmless:
 * the key and the bytes are the same.
 */
export async function publishImage(
  store: ObjectStore,
  processed: ProcessedImage,
): Promise<PublishedRendition[]> {
  const published = processed.renditions.map((rendition) => ({
    rendition,
    stored: {
      size: rendition.size,
      format: rendition.format,
      width: rendition.width,
      height: rendition.height,
      byteSize: rendition.bytes.length,
      key: renditionKey(rendition.bytes, rendition.format),
    } satisfies PublishedRendition,
  }));
  let next = 0;
  const writer = async () => {
    for (let item = published[next++]; item; item = published[next++])
      await store.put(item.stored.key, item.rendition.bytes, {
        contentType: item.rendition.contentType,
        cacheControl: immutableCacheControl,
      });
  };
  await Promise.all(Array.from({ length: parallelWrites }, writer));
  return published.map((item) => item.stored);
}
