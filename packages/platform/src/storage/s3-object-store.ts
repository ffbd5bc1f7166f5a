import { createWriteStream } from "node:fs";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { S3Client } from "@aws-sdk/client-s3";
import {
  checkObjectKey,
  type ObjectInfo,
  type ObjectStore,
  ObjectStoreUnavailable,
  ObjectTooLarge,
  type PutOptions,
  type SignedRequest,
} from "./object-store.js";

/** Where an S3-compatible store is (AWS S3, MinIO, R2, s3rver) and how long a call may take. */
export interface S3ObjectStoreOptions {
  bucket: string;
  /** Default us-east-1 (MinIO and s3rver accept any). */
  region?: string;
  /** Endpoint of a store other than AWS, e.g. `http://127.0.0.1:9000`. */
  endpoint?: string;
  /** `http://endpoint/bucket/key` instead of `http://bucket.endpoint/key` (MinIO, s3rver). */
  forcePathStyle?: boolean;
  /** Static credentials; the SDK's default chain (environment, instance role, …) when absent. */
  credentials?: { accessKeyId: string; secretAccessKey: string };
  /** Deadline of each call, in ms; default 10 000. Transfers of whole objects get ten times as long. */
  requestTimeoutMs?: number;
}

/** Objects deleted per DeleteObjects call (S3's limit). */
const deleteBatch = 1000;

/**
 * The object store on S3 through AWS SDK v3. The SDK is imported when the first store is made,
 * so a process that never uses S3 does not load it. Presigned PUTs sign Content-Type and
 * Content-Length: the client must upload exactly what it declared.
 */
export async function createS3ObjectStore(options: S3ObjectStoreOptions): Promise<ObjectStore> {
  const sdk = await import("@aws-sdk/client-s3");
  const { getSignedUrl } = await import("@aws-sdk/s3-request-presigner");
  const timeoutMs = options.requestTimeoutMs ?? 10_000;
  const client: S3Client = new sdk.S3Client({
    region: options.region ?? "us-east-1",
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    forcePathStyle: options.forcePathStyle ?? false,
    ...(options.credentials ? { credentials: options.credentials } : {}),
    maxAttempts: 2,
    requestHandler: { connectionTimeout: Math.min(timeoutMs, 3_000), requestTimeout: timeoutMs },
  });
  const Bucket = options.bucket;

  /** Runs one call with a deadline; an unreachable, failing (5xx) or slow store becomes ObjectStoreUnavailable. */
  const call = async <T>(
    what: string,
    run: (signal: AbortSignal) => Promise<T>,
    ms = timeoutMs,
  ): Promise<T> => {
    try {
      return await run(AbortSignal.timeout(ms));
    } catch (error) {
      if (unavailable(error))
        throw new ObjectStoreUnavailable(`object storage did not answer ${what}`, { cause: error });
      throw error;
    }
  };

  const store: ObjectStore = {
    kind: "s3",

    async presignPut(key, { contentType, contentLength, expiresInSeconds }): Promise<SignedRequest> {
      checkObjectKey(key);
      const command = new sdk.PutObjectCommand({
        Bucket,
        Key: key,
        ContentType: contentType,
        ContentLength: contentLength,
      });
      const url = await getSignedUrl(client, command, {
        expiresIn: expiresInSeconds,
        signableHeaders: new Set(["content-type", "content-length"]),
      });
      return {
        url,
        method: "PUT",
        headers: { "content-type": contentType },
        expiresAt: new Date(Date.now() + expiresInSeconds * 1000),
      };
    },

    async presignGet(key, { expiresInSeconds }): Promise<SignedRequest> {
      checkObjectKey(key);
      const url = await getSignedUrl(client, new sdk.GetObjectCommand({ Bucket, Key: key }), {
        expiresIn: expiresInSeconds,
      });
      return { url, method: "GET", headers: {}, expiresAt: new Date(Date.now() + expiresInSeconds * 1000) };
    },

    async put(key, body, putOptions: PutOptions) {
      checkObjectKey(key);
      await call(
        `writing ${key}`,
        (abortSignal) =>
          client.send(
            new sdk.PutObjectCommand({
              Bucket,
              Key: key,
              Body: body,
              ContentType: putOptions.contentType,
              ...(putOptions.cacheControl ? { CacheControl: putOptions.cacheControl } : {}),
              ...(Buffer.isBuffer(body) || body instanceof Uint8Array ? { ContentLength: body.length } : {}),
            }),
            { abortSignal },
          ),
        timeoutMs * 10,
      );
    },

    async get(key, getOptions = {}) {
      checkObjectKey(key);
      return call(
        `reading ${key}`,
        async (abortSignal) => {
          const answer = await client.send(new sdk.GetObjectCommand({ Bucket, Key: key }), { abortSignal });
          const size = answer.ContentLength ?? 0;
          if (getOptions.maxBytes !== undefined && size > getOptions.maxBytes) {
            (answer.Body as Readable | undefined)?.destroy?.();
            throw new ObjectTooLarge(key, size, getOptions.maxBytes);
          }
          return Buffer.from((await answer.Body?.transformToByteArray()) ?? []);
        },
        timeoutMs * 10,
      );
    },

    async getHead(key, bytes) {
      checkObjectKey(key);
      return call(`reading ${key}`, async (abortSignal) => {
        const answer = await client.send(
          new sdk.GetObjectCommand({ Bucket, Key: key, Range: `bytes=0-${Math.max(0, bytes - 1)}` }),
          { abortSignal },
        );
        return Buffer.from((await answer.Body?.transformToByteArray()) ?? []).subarray(0, bytes);
      });
    },

    async download(key, path) {
      checkObjectKey(key);
      await call(
        `reading ${key}`,
        async (abortSignal) => {
          const answer = await client.send(new sdk.GetObjectCommand({ Bucket, Key: key }), { abortSignal });
          await pipeline(answer.Body as Readable, createWriteStream(path));
        },
        timeoutMs * 60,
      );
    },

    async stat(key): Promise<ObjectInfo | undefined> {
      checkObjectKey(key);
      try {
        const head = await call(`looking up ${key}`, (abortSignal) =>
          client.send(new sdk.HeadObjectCommand({ Bucket, Key: key }), { abortSignal }),
        );
        return {
          key,
          size: head.ContentLength ?? 0,
          contentType: head.ContentType,
          cacheControl: head.CacheControl,
        };
      } catch (error) {
        if (statusOf(error) === 404) return undefined;
        throw error;
      }
    },

    async delete(keys) {
      for (const key of keys) checkObjectKey(key);
      for (let start = 0; start < keys.length; start += deleteBatch) {
        const Objects = keys.slice(start, start + deleteBatch).map((Key) => ({ Key }));
        const answer = await call(`deleting ${Objects.length} objects`, (abortSignal) =>
          client.send(new sdk.DeleteObjectsCommand({ Bucket, Delete: { Objects, Quiet: true } }), {
            abortSignal,
          }),
        );
        const failed = (answer.Errors ?? []).filter((e) => e.Code !== "NoSuchKey");
        if (failed.length > 0)
          throw new ObjectStoreUnavailable(
            `object storage did not delete ${failed.map((e) => `${e.Key} (${e.Code})`).join(", ")}`,
          );
      }
    },

    async list(prefix) {
      const keys: string[] = [];
      let ContinuationToken: string | undefined;
      do {
        const page = await call(`listing ${prefix}`, (abortSignal) =>
          client.send(
            new sdk.ListObjectsV2Command({
              Bucket,
              Prefix: prefix,
              ...(ContinuationToken ? { ContinuationToken } : {}),
            }),
            { abortSignal },
          ),
        );
        for (const item of page.Contents ?? []) if (item.Key) keys.push(item.Key);
        ContinuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (ContinuationToken);
      return keys;
    },

    async ping() {
      await call(`for bucket ${Bucket}`, (abortSignal) =>
        client.send(new sdk.HeadBucketCommand({ Bucket }), { abortSignal }),
      );
    },

    async close() {
      client.destroy();
    },
  };
  return store;
}

function statusOf(error: unknown): number | undefined {
  return (error as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode;
}

/** Errors that say the store is away or failing rather than that the request was wrong. */
function unavailable(error: unknown): boolean {
  if (error instanceof ObjectTooLarge) return false;
  const status = statusOf(error);
  if (status !== undefined) return status >= 500 || status === 429;
  const name = (error as Error)?.name ?? "";
  const code = (error as NodeJS.ErrnoException)?.code ?? "";
  return (
    ["TimeoutError", "AbortError", "RequestTimeout", "TimeoutError"].includes(name) ||
    /^(ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|EHOSTUNREACH|ENOTFOUND|EAI_AGAIN|UND_ERR)/.test(code) ||
    error instanceof TypeError
  );
}
