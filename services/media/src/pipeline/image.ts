import { createHash } from "node:crypto";
import { availableParallelism } from "node:os";
import { encode } from "blurhash";
import type { Metadata, OutputInfo, Sharp, SharpConstructor } from "sharp";
import { MediaRejected } from "./errors.js";

let loaded: Promise<SharpConstructor> | undefined;

/**
 * sharp (and libvips with it) loaded on first use: a process that never processes an image (most
 * of an embedded host's life, every other service) does not carry it.
 */
export function loadSharp(): Promise<SharpConstructor> {
  loaded ??= import("sharp").then(({ default: sharp }) => {
    // Each libvips operation may use this many threads; more than the cores only adds contention.
    // The operation cache keeps decoded images for reuse, which never happens with unique uploads.
    sharp.concurrency(Math.min(2, availableParallelism()));
    sharp.cache(false);
    return sharp as SharpConstructor;
  });
  return loaded;
}

/** Default pixel limit of a source image (50 megapixels): larger ones are refused before decoding. */
export const defaultMaxImagePixels = 50_000_000;

/** The names of the six sizes every image is made in. */
export const imageSizeNames = [
  "thumbnail_small",
  "thumbnail_large",
  "main_mobile",
  "main_tablet",
  "main_desktop",
  "main_large_retina",
] as const;

/** One of the six sizes. */
export type ImageSizeName = (typeof imageSizeNames)[number];

/** How one size is made, in pixels: `cover` crops to exactly width×height, `inside` fits within and never upscales. */
export interface ImageSize {
  name: ImageSizeName;
  width: number;
  height: number;
  fit: "cover" | "inside";
}

/**
 * The six sizes. Main sizes are bounded by their width; their height bound (twice the width)
 * only keeps a very tall image from becoming a very large rendition.
 */
export const imageSizes: readonly ImageSize[] = [
  { name: "thumbnail_small", width: 100, height: 100, fit: "cover" },
  { name: "thumbnail_large", width: 250, height: 250, fit: "cover" },
  { name: "main_mobile", width: 480, height: 960, fit: "inside" },
  { name: "main_tablet", width: 800, height: 1600, fit: "inside" },
  { name: "main_desktop", width: 1200, height: 2400, fit: "inside" },
  { name: "main_large_retina", width: 2000, height: 4000, fit: "inside" },
];

/** The formats each size is encoded in, with their quality (0-100). */
export const renditionFormats = [
  { format: "avif", quality: 65, contentType: "image/avif" },
  { format: "webp", quality: 75, contentType: "image/webp" },
] as const;

/** A rendition format. */
export type RenditionFormat = (typeof renditionFormats)[number]["format"];

/** Cache-Control of content-addressed renditions: their bytes never change under a key. */
export const immutableCacheControl = "public, max-age=31536000, immutable";

/** Options of probing and processing an image. */
export interface ImageOptions {
  /** Largest accepted width × height in pixels; default `defaultMaxImagePixels`. */
  maxPixels?: number;
}

/** What the header of an accepted image says. */
export interface ImageProbe {
  /** Upright width in pixels (after the EXIF orientation). */
  width: number;
  /** Upright height in pixels (after the EXIF orientation). */
  height: number;
  format: "jpeg" | "png" | "webp" | "avif" | "gif";
}

/** One encoded rendition. */
export interface ImageRendition {
  size: ImageSizeName;
  format: RenditionFormat;
  width: number;
  height: number;
  contentType: "image/avif" | "image/webp";
  bytes: Buffer;
}

/** An image made ready: its upright size, the twelve renditions and what shows while they load. */
export interface ProcessedImage extends ImageProbe {
  renditions: ImageRendition[];
  /** A BlurHash string (4×3 components) to paint before a rendition loads. */
  placeholder: string;
  /** The dominant colour, `#rrggbb`. */
  dominantColor: string;
}

const readable = (
  format: string | undefined,
  compression: string | undefined,
): ImageProbe["format"] | undefined => {
  if (format === "jpeg" || format === "png" || format === "webp" || format === "gif") return format;
  if (format === "heif" && compression === "av1") return "avif";
  return undefined;
};

const megapixels = (pixels: number) => `${Math.round(pixels / 100_000) / 10} megapixels`;

/**
 * Reads an image's header only (nothing is decoded) and refuses it, with MediaRejected, unless it
 * is an accepted format within `maxPixels`: a small file claiming 30 000×30 000 pixels (a
 * decompression bomb) is refused here.
 */
export async function probeImage(input: Buffer, options: ImageOptions = {}): Promise<ImageProbe> {
  const maxPixels = options.maxPixels ?? defaultMaxImagePixels;
  let metadata: Metadata;
  try {
    // The pixel limit is checked below with a clearer message; reading a header decodes nothing.
    metadata = await (await loadSharp())(input, { limitInputPixels: false }).metadata();
  } catch (error) {
    throw new MediaRejected("the file is not an image we can read: it is damaged or of an unknown type", {
      cause: error,
    });
  }
  const format = readable(metadata.format, metadata.compression);
  if (!format)
    throw new MediaRejected(
      `${metadata.format?.toUpperCase() ?? "this"} images are not accepted; upload a JPEG, PNG, WebP, AVIF or GIF`,
    );
  const { width, height } = metadata.autoOrient;
  if (!width || !height) throw new MediaRejected("the image has no width or height");
  if (width * height > maxPixels)
    throw new MediaRejected(
      `the image is ${width}×${height} pixels (${megapixels(width * height)}), more than the ${megapixels(maxPixels)} allowed`,
    );
  return { width, height, format };
}

/** The scale of the one decode every rendition is made from: as large as the largest rendition needs. */
function workingScale(width: number, height: number): number {
  const largest = imageSizes.reduce((a, b) => (b.width > a.width ? b : a));
  const covers = imageSizes.filter((size) => size.fit === "cover");
  const cover = Math.max(...covers.map((size) => Math.max(size.width, size.height)));
  const inside = Math.min(1, largest.width / width, largest.height / height);
  // A panorama shrunk to fit inside would leave too few rows for a sharp square thumbnail.
  const forCover = Math.min(1, cover / Math.min(width, height));
  return Math.max(inside, forCover);
}

/**
 * Makes the twelve renditions of an image (six sizes, AVIF and WebP), upright by its EXIF
 * orientation and with all metadata stripped (GPS included), plus a placeholder and the dominant
 * colour. The source is decoded once, at the size the largest rendition needs; a damaged,
 * truncated, unaccepted or oversized image throws MediaRejected.
 */
export async function processImage(input: Buffer, options: ImageOptions = {}): Promise<ProcessedImage> {
  const probe = await probeImage(input, options);
  const sharp = await loadSharp();
  const scale = workingScale(probe.width, probe.height);
  let working: { data: Buffer; info: OutputInfo };
  try {
    working = await sharp(input, {
      limitInputPixels: options.maxPixels ?? defaultMaxImagePixels,
      failOn: "error",
    })
      .rotate()
      .resize({ width: Math.max(1, Math.round(probe.width * scale)) })
      .toColourspace("srgb")
      .raw({ depth: "uchar" })
      .toBuffer({ resolveWithObject: true });
  } catch (error) {
    throw new MediaRejected("the image is damaged or incomplete and could not be decoded", { cause: error });
  }
  const raw = {
    raw: { width: working.info.width, height: working.info.height, channels: working.info.channels },
  } as const;
  const from = () => sharp(working.data, raw);

  const renditions: ImageRendition[] = [];
  for (const size of imageSizes) {
    const resized = from().resize({
      width: size.width,
      height: size.height,
      fit: size.fit,
      withoutEnlargement: size.fit === "inside",
    });
    // Two encoders at a time: AVIF is the slow one, and each uses the libvips threads too.
    const encoded = await Promise.all(
      renditionFormats.map(async ({ format, quality, contentType }) => {
        const pipeline = resized.clone();
        const { data, info } = await (format === "avif"
          ? pipeline.avif({ quality, effort: 3, chromaSubsampling: "4:2:0" })
          : pipeline.webp({ quality, effort: 4 })
        ).toBuffer({ resolveWithObject: true });
        return { size: size.name, format, width: info.width, height: info.height, contentType, bytes: data };
      }),
    );
    renditions.push(...encoded);
  }

  const [placeholder, stats] = await Promise.all([blurhashOf(from()), from().stats()]);
  const { r, g, b } = stats.dominant;
  const hex = (n: number) => n.toString(16).padStart(2, "0");
  return { ...probe, renditions, placeholder, dominantColor: `#${hex(r)}${hex(g)}${hex(b)}` };
}

async function blurhashOf(image: Sharp): Promise<string> {
  const { data, info } = await image
    .resize({ width: 32, height: 32, fit: "inside" })
    .ensureAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return encode(
    new Uint8ClampedArray(data.buffer, data.byteOffset, data.length),
    info.width,
    info.height,
    4,
    3,
  );
}

/** The content-addressed key of a rendition: `media/<sha256 hex>.<avif|webp>`. */
export function renditionKey(bytes: Uint8Array, format: RenditionFormat): string {
  return `media/${createHash("sha256").update(bytes).digest("hex")}.${format}`;
}
