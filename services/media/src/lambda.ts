import { createS3ObjectStore, type ObjectStore, ObjectTooLarge } from "@mercato/platform";
import type { S3Event } from "aws-lambda";
import { MediaRejected } from "./pipeline/errors.js";
import { defaultMaxImagePixels, type ImageProbe, processImage } from "./pipeline/image.js";
import { type PublishedRendition, publishImage } from "./pipeline/publish.js";
import { sniffHeadBytes, sniffType } from "./pipeline/sniff.js";

/** The manifest written to `manifests/<mediaId>.json` once an upload is processed. */
export type Manifest =
  | ({
      mediaId: string;
      source: string;
      processedAt: string;
      /** BlurHash to paint before a rendition loads. */
      placeholder: string;
      /** `#rrggbb`. */
      dominantColor: string;
      renditions: (PublishedRendition & { contentType: string })[];
    } & ImageProbe)
  | { mediaId: string; source: string; processedAt: string; failed: string };

/** Options of the Lambda handler. */
export interface LambdaOptions {
  /** Only events of this bucket are handled (the one `store` writes to); others are skipped. */
  bucket?: string;
  /** Largest image read, in bytes; default 15 MiB. */
  maxImageBytes?: number;
  /** Largest image in pixels (width × height); default 50 megapixels. */
  maxPixels?: number;
  /** Where a line about each upload goes; CloudWatch reads stdout. */
  log?: (entry: Record<string, unknown>) => void;
}

/** What the handler did with one record of an event. */
export interface HandledRecord {
  key: string;
  outcome: "ready" | "failed" | "skipped";
  manifestKey?: string;
}

const uploadKey = /^uploads\/([A-Za-z0-9_-]+)$/;
const megabytes = (bytes: number) => `${Math.round(bytes / 104_857.6) / 10} MB`;

/** The key of an upload's manifest. */
export const manifestKey = (mediaId: string) => `manifests/${mediaId}.json`;

/**
 * An AWS Lambda handler for S3 `ObjectCreated` events on `uploads/<mediaId>`: each upload is
 * sniffed and made into the twelve image renditions (content-addressed, immutable), and its
 * manifest is written, the reason included when the file is refused. Other keys (our own writes
 * among them) are skipped; storage errors throw so that Lambda tries the event again.
 */
export function createHandler(store: ObjectStore, options: LambdaOptions = {}) {
  const maxImageBytes = options.maxImageBytes ?? 15 * 1024 * 1024;
  const maxPixels = options.maxPixels ?? defaultMaxImagePixels;
  const log = options.log ?? ((entry) => console.info(JSON.stringify(entry)));

  const processUpload = async (key: string, mediaId: string): Promise<Manifest> => {
    const processedAt = () => new Date().toISOString();
    const failed = (reason: string): Manifest => ({
      mediaId,
      source: key,
      processedAt: processedAt(),
      failed: reason,
    });
    const found = await sniffType(await store.getHead(key, sniffHeadBytes));
    if (!found)
      return failed(
        "the file is not an image we accept (JPEG, PNG, WebP, AVIF or GIF), whatever its name or declared type",
      );
    if (found.kind !== "image")
      return failed(`this function makes image renditions; the file is a ${found.kind} (${found.mime})`);
    try {
      const processed = await processImage(await store.get(key, { maxBytes: maxImageBytes }), { maxPixels });
      const stored = await publishImage(store, processed);
      return {
        mediaId,
        source: key,
        processedAt: processedAt(),
        width: processed.width,
        height: processed.height,
        format: processed.format,
        placeholder: processed.placeholder,
        dominantColor: processed.dominantColor,
        renditions: stored.map((rendition) => ({ ...rendition, contentType: `image/${rendition.format}` })),
      };
    } catch (error) {
      if (error instanceof MediaRejected) return failed(error.message);
      if (error instanceof ObjectTooLarge)
        return failed(
          `the file is ${megabytes(error.size)}, more than the ${megabytes(maxImageBytes)} allowed for an image`,
        );
      throw error;
    }
  };

  return async function handler(event: S3Event): Promise<HandledRecord[]> {
    const handled: HandledRecord[] = [];
    for (const record of event.Records) {
      // S3 event keys are URL-encoded, with spaces as "+".
      const key = decodeURIComponent(record.s3.object.key.replace(/\+/g, " "));
      const mediaId = uploadKey.exec(key)?.[1];
      if (
        !mediaId ||
        !record.eventName.startsWith("ObjectCreated:") ||
        (options.bucket && record.s3.bucket.name !== options.bucket)
      ) {
        log({ msg: "record skipped", bucket: record.s3.bucket.name, key, eventName: record.eventName });
        handled.push({ key, outcome: "skipped" });
        continue;
      }
      const started = Date.now();
      const manifest = await processUpload(key, mediaId);
      const target = manifestKey(mediaId);
      await store.put(target, Buffer.from(JSON.stringify(manifest)), {
        contentType: "application/json",
        // The manifest of an upload uploaded again under the same id changes; renditions never do.
        cacheControl: "no-cache",
      });
      const outcome = "failed" in manifest ? "failed" : "ready";
      log({
        msg: `upload ${outcome}`,
        key,
        mediaId,
        ms: Date.now() - started,
        ...("failed" in manifest ? { reason: manifest.failed } : {}),
      });
      handled.push({ key, outcome, manifestKey: target });
    }
    return handled;
  };
}

const flag = (value: string | undefined) => value === "true" || value === "1";

let fromEnvironment: Promise<ReturnType<typeof createHandler>> | undefined;

/**
 * The Lambda entry (`@mercato/media/lambda`, handler `handler`): its store is the bucket
 * `S3_BUCKET` in `S3_REGION` (or the function's `AWS_REGION`), at `S3_ENDPOINT` when not AWS
 * itself, with path-style URLs when `S3_FORCE_PATH_STYLE` is true; credentials are the function
 * role's unless `S3_ACCESS_KEY_ID` and `S3_SECRET_ACCESS_KEY` are set.
 */
export async function handler(event: S3Event): Promise<HandledRecord[]> {
  if (!fromEnvironment) {
    fromEnvironment = fromEnv();
    // A failed start (a missing variable) is tried again by the next invocation, not cached.
    fromEnvironment.catch(() => {
      fromEnvironment = undefined;
    });
  }
  return (await fromEnvironment)(event);
}

async function fromEnv(): Promise<ReturnType<typeof createHandler>> {
  const env = process.env;
  const bucket = env.S3_BUCKET;
  if (!bucket) throw new Error("S3_BUCKET must be set to the bucket the uploads arrive in");
  const region = env.S3_REGION ?? env.AWS_REGION;
  const store = await createS3ObjectStore({
    bucket,
    forcePathStyle: flag(env.S3_FORCE_PATH_STYLE),
    ...(region ? { region } : {}),
    ...(env.S3_ENDPOINT ? { endpoint: env.S3_ENDPOINT } : {}),
    ...(env.S3_ACCESS_KEY_ID && env.S3_SECRET_ACCESS_KEY
      ? { credentials: { accessKeyId: env.S3_ACCESS_KEY_ID, secretAccessKey: env.S3_SECRET_ACCESS_KEY } }
      : {}),
  });
  const maxImageBytes = Number(env.MEDIA_MAX_IMAGE_BYTES) || undefined;
  const maxPixels = Number(env.MEDIA_MAX_IMAGE_PIXELS) || undefined;
  return createHandler(store, {
    bucket,
    ...(maxImageBytes ? { maxImageBytes } : {}),
    ...(maxPixels ? { maxPixels } : {}),
  });
}
