import { z } from "zod";
import { durationMs, flag, url } from "../config/index.js";
import { createLocalObjectStore, type LocalObjectStoreOptions } from "./local-object-store.js";
import type { ObjectStore } from "./object-store.js";
import { createS3ObjectStore } from "./s3-object-store.js";

/** The object store's environment: S3 when S3_BUCKET is set, the local disk otherwise. */
export const objectStoreConfigShape = {
  /** Bucket of the S3-compatible store; unset: files on the local disk. */
  S3_BUCKET: z
    .string()
    .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, { error: "must be a bucket name" })
    .optional(),
  S3_REGION: z.string().min(1).default("us-east-1"),
  /** Endpoint of a store other than AWS S3 (MinIO, R2), e.g. `http://minio:9000`. */
  S3_ENDPOINT: url(["http:", "https:"]).optional(),
  /** Path-style URLs (`endpoint/bucket/key`), which MinIO needs. */
  S3_FORCE_PATH_STYLE: flag(false),
  /** Static credentials; the SDK's default chain (environment, instance role) when unset. */
  S3_ACCESS_KEY_ID: z.string().min(1).optional(),
  S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
  /** Deadline of each call to the store. */
  S3_TIMEOUT_MS: durationMs(10_000),
};

export type ObjectStoreConfig = z.infer<z.ZodObject<typeof objectStoreConfigShape>>;

/** The S3 store the config names, else a local one with `local`'s folder, key and base URL. */
export async function createObjectStore(
  config: ObjectStoreConfig,
  local: LocalObjectStoreOptions,
): Promise<ObjectStore> {
  if (!config.S3_BUCKET) return createLocalObjectStore(local);
  if (Boolean(config.S3_ACCESS_KEY_ID) !== Boolean(config.S3_SECRET_ACCESS_KEY))
    throw new Error("S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY are set together or not at all");
  return createS3ObjectStore({
    bucket: config.S3_BUCKET,
    region: config.S3_REGION,
    ...(config.S3_ENDPOINT ? { endpoint: config.S3_ENDPOINT } : {}),
    forcePathStyle: config.S3_FORCE_PATH_STYLE,
    ...(config.S3_ACCESS_KEY_ID && config.S3_SECRET_ACCESS_KEY
      ? {
          credentials: { accessKeyId: config.S3_ACCESS_KEY_ID, secretAccessKey: config.S3_SECRET_ACCESS_KEY },
        }
      : {}),
    requestTimeoutMs: config.S3_TIMEOUT_MS,
  });
}
