import type { Readable } from "node:stream";
import { ServiceUnavailable } from "../errors/index.js";

/** A URL a client uses directly against the store, with the method and headers it must send. */
export interface SignedRequest {
  url: string;
  method: "PUT" | "GET";
  /** Headers the client must send exactly as given (the signature covers them). */
  headers: Record<string, string>;
  expiresAt: Date;
}

/** What the store knows of one object. */
export interface ObjectInfo {
  key: string;
  size: number;
  contentType: string | undefined;
  cacheControl: string | undefined;
}

/** Options of a write. */
export interface PutOptions {
  contentType: string;
  /** E.g. `public, max-age=31536000, immutable` for content-addressed keys. */
  cacheControl?: string;
}

/**
 * The object store port (ADR 0040): S3 (AWS S3, MinIO, R2) in production, the local disk for
 * `npm start`. Keys are `[A-Za-z0-9._/-]+` without `..` segments; a bad key throws.
 */
export interface ObjectStore {
  /** Which adapter this is, for logs and readiness ("s3", "local"). */
  readonly kind: string;
  /** A URL the client PUTs exactly `contentLength` bytes of `contentType` to, valid `expiresInSeconds`. */
  presignPut(
    key: string,
    options: { contentType: string; contentLength: number; expiresInSeconds: number },
  ): Promise<SignedRequest>;
  /** A URL anyone holding it may GET the object with, valid `expiresInSeconds`. */
  presignGet(key: string, options: { expiresInSeconds: number }): Promise<SignedRequest>;
  /** Writes an object whole (renditions, playlists, segments). */
  put(key: string, body: Buffer | Uint8Array | Readable, options: PutOptions): Promise<void>;
  /** Reads a whole object; `maxBytes` guards memory: a larger object throws ObjectTooLarge. */
  get(key: string, options?: { maxBytes?: number }): Promise<Buffer>;
  /** Reads at most the first `bytes` of an object (to sniff its type). */
  getHead(key: string, bytes: number): Promise<Buffer>;
  /** Streams the object to a file at `path` (large uploads such as video). */
  download(key: string, path: string): Promise<void>;
  /** The object's size and metadata, or undefined when there is none. */
  stat(key: string): Promise<ObjectInfo | undefined>;
  /** Deletes objects; absent ones are no error. */
  delete(keys: readonly string[]): Promise<void>;
  /** Keys under `prefix` (for deleting a video's segments). */
  list(prefix: string): Promise<string[]>;
  /** Throws when the store cannot be reached (for /ready). */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** An object was larger than the caller allowed. */
export class ObjectTooLarge extends Error {
  constructor(
    readonly key: string,
    readonly size: number,
    readonly maxBytes: number,
  ) {
    super(`object ${key} is ${size} bytes, more than ${maxBytes}`);
    this.name = "ObjectTooLarge";
  }
}

/** The store did not answer in time or could not be reached: the caller answers UNAVAILABLE (503), not a fault of its own. */
export class ObjectStoreUnavailable extends ServiceUnavailable {
  constructor(message: string, options?: ErrorOptions) {
    super(message, "storage");
    this.name = "ObjectStoreUnavailable";
    if (options?.cause !== undefined) this.cause = options.cause;
  }
}

/** Throws unless `key` is a safe object key. */
export function checkObjectKey(key: string): void {
  if (
    key.length === 0 ||
    key.length > 512 ||
    !/^[A-Za-z0-9._/-]+$/.test(key) ||
    key.startsWith("/") ||
    key.split("/").some((segment) => segment === "" || segment === "." || segment === "..")
  )
    throw new Error(`object key "${key}" must be [A-Za-z0-9._/-]+ with no empty, "." or ".." segments`);
}
