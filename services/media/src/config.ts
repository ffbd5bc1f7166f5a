import { durationMs, objectStoreConfigShape, url } from "@mercato/platform";
import { z } from "zod";

const bytes = (fallback: number) =>
  z.coerce
    .number({ error: "must be a number of bytes" })
    .int()
    .positive({ error: "must be positive" })
    .default(fallback);

const megabyte = 1024 * 1024;

/**
 * The media service's environment, validated at start. Objects go to S3 when S3_BUCKET is set
 * (AWS S3, MinIO, R2), to MEDIA_DIR on the local disk otherwise, with URLs this service signs and
 * serves (ADR 0040).
 */
export const mediaConfigSchema = z.object({
  ...objectStoreConfigShape,
  /** Where local files live when no S3 bucket is set. */
  MEDIA_DIR: z.string().optional(),
  DATA_DIR: z.string().default("./data"),
  /** This service's HTTP address as clients reach it: local upload/download URLs and HLS playlists point at it. */
  MEDIA_PUBLIC_URL: url(["http:", "https:"]).optional(),
  /** Key local URLs and playlist links are signed with (at least 32 characters); made and kept in the database when unset. */
  MEDIA_URL_SECRET: z.string().min(32, { error: "must be at least 32 characters" }).optional(),
  /** Public CDN base URL (e.g. CloudFront in front of the bucket); renditions are served from it unsigned when set. */
  MEDIA_CDN_URL: url(["http:", "https:"]).optional(),
  /** How long a download URL works; an hour by default, a day at most. */
  MEDIA_URL_EXPIRY_MS: durationMs(60 * 60_000).refine((ms) => ms >= 1_000 && ms <= 7 * 24 * 60 * 60_000, {
    error: "must be between 1 second and 7 days (S3's longest)",
  }),
  /** How long an upload URL works. */
  MEDIA_UPLOAD_EXPIRY_MS: durationMs(15 * 60_000),
  /** Largest image upload. */
  MEDIA_MAX_IMAGE_BYTES: bytes(15 * megabyte),
  /** Largest video upload. */
  MEDIA_MAX_VIDEO_BYTES: bytes(500 * megabyte),
  /** Most pixels an image (width × height) may have: larger ones are refused before decoding. */
  MEDIA_MAX_IMAGE_PIXELS: bytes(50_000_000),
  /** Longest video, in seconds. */
  MEDIA_MAX_VIDEO_SECONDS: bytes(10 * 60),
  /** Media no product, storefront, profile or order uses any more is deleted after this long. */
  MEDIA_GC_GRACE_MS: durationMs(24 * 60 * 60_000),
  /** How often the collector looks for such media and for uploads never completed. */
  MEDIA_GC_INTERVAL_MS: durationMs(10 * 60_000),
  /** Processing jobs run at once in this process (each image decodes whole; a video runs ffmpeg). */
  MEDIA_WORKERS: z.coerce.number().int().min(1).max(16).default(1),
});

export type MediaConfig = z.infer<typeof mediaConfigSchema>;
