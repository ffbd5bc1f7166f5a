import { fileTypeFromBuffer } from "file-type";

/** Image types we accept, by their sniffed MIME type. */
export const acceptedImageTypes = [
  "image/jpeg",
  "image/png",
  "image/webp",
  "image/avif",
  "image/gif",
] as const;

/** Video types we accept, by their sniffed MIME type (MP4, QuickTime MOV, WebM). */
export const acceptedVideoTypes = ["video/mp4", "video/quicktime", "video/webm"] as const;

/** How many leading bytes of a file `sniffType` needs to recognise every accepted type. */
export const sniffHeadBytes = 4100;

/** An accepted image MIME type. */
export type ImageMime = (typeof acceptedImageTypes)[number];
/** An accepted video MIME type. */
export type VideoMime = (typeof acceptedVideoTypes)[number];

/** What the bytes of an upload are, as far as we accept them. */
export type SniffedType = { kind: "image"; mime: ImageMime } | { kind: "video"; mime: VideoMime };

const isImage = (mime: string): mime is ImageMime => (acceptedImageTypes as readonly string[]).includes(mime);
const isVideo = (mime: string): mime is VideoMime => (acceptedVideoTypes as readonly string[]).includes(mime);

/**
 * The type of an upload from its first bytes (pass at least `sniffHeadBytes`), or undefined when it
 * is nothing we accept. Only the magic numbers count: the declared content type and the file name
 * are the client's word, so an SVG (text that may carry script), an executable named `.jpg` or
 * anything unknown is refused.
 */
export async function sniffType(head: Uint8Array): Promise<SniffedType | undefined> {
  const found = await fileTypeFromBuffer(head);
  if (!found) return undefined;
  // An animated PNG is a PNG whose first frame every decoder shows; file-type names it apart.
  const mime = found.mime === "image/apng" ? "image/png" : found.mime;
  if (isImage(mime)) return { kind: "image", mime };
  if (isVideo(mime)) return { kind: "video", mime };
  return undefined;
}
