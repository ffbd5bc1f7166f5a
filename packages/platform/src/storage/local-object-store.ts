import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { copyFile, mkdir, open, readdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Http2ServerRequest, Http2ServerResponse } from "node:http2";
import { dirname, join, relative, sep } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import {
  checkObjectKey,
  type ObjectInfo,
  type ObjectStore,
  ObjectTooLarge,
  type PutOptions,
  type SignedRequest,
} from "./object-store.js";

/** Where local objects live and how their URLs are made. */
export interface LocalObjectStoreOptions {
  /** Folder of the objects (`objects/`) and their metadata (`meta/`). */
  dir: string;
  /** HMAC key of the URLs (at least 32 characters). */
  secret: string;
  /** Base URL the URLs start with, e.g. `http://127.0.0.1:8087/files`, read when a URL is made. */
  baseUrl: () => string;
}

/** A local store also serves its signed URLs: see {@link localObjectHandler}. */
export interface LocalObjectStore extends ObjectStore {
  readonly kind: "local";
  /** Checks a signed request and answers why it is refused, or undefined when it is good. */
  verify(method: "PUT" | "GET", key: string, query: URLSearchParams): string | undefined;
  /** The metadata written with an object. */
  info(key: string): Promise<ObjectInfo | undefined>;
  /** Where the bytes of `key` are. */
  file(key: string): string;
  /** Writes `body` under `key` from a stream, refusing more or fewer than `length` bytes. */
  receive(key: string, body: Readable, options: PutOptions & { length: number }): Promise<void>;
  basePath(): string;
}

interface Meta {
  contentType: string;
  cacheControl?: string;
}

/**
 * Objects as files for `npm start` (ADR 0040): bytes under `<dir>/objects/<key>`, their type and
 * cache policy under `<dir>/meta/<key>.json`, each written to a temporary file and renamed into
 * place. Presigned URLs carry an expiry and an HMAC-SHA256 signature over the method, key, expiry
 * and, for a PUT, the content type and length; the owning service serves them with
 * {@link localObjectHandler}.
 */
export function createLocalObjectStore(options: LocalObjectStoreOptions): LocalObjectStore {
  if (options.secret.length < 32)
    throw new Error("the local object store's secret must be at least 32 characters");
  const objects = join(options.dir, "objects");
  const metas = join(options.dir, "meta");
  const file = (key: string) => {
    checkObjectKey(key);
    return join(objects, ...key.split("/"));
  };
  const metaFile = (key: string) => join(metas, ...`${key}.json`.split("/"));
  const sign = (parts: readonly (string | number)[]) =>
    createHmac("sha256", options.secret).update(parts.join("\n")).digest("base64url");
  const urlOf = (key: string, params: Record<string, string>) =>
    `${options.baseUrl().replace(/\/$/, "")}/${key}?${new URLSearchParams(params).toString()}`;
  const readMeta = async (key: string): Promise<Meta | undefined> => {
    try {
      return JSON.parse(await readFile(metaFile(key), "utf8")) as Meta;
    } catch {
      return undefined;
    }
  };
  const writeAtomically = async (target: string, write: (temp: string) => Promise<void>) => {
    await mkdir(dirname(target), { recursive: true });
    const temp = `${target}.${randomBytes(6).toString("hex")}.part`;
    try {
      await write(temp);
      await rename(temp, target);
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
  };
  const putMeta = (key: string, meta: Meta) =>
    writeAtomically(metaFile(key), (temp) => writeFile(temp, JSON.stringify(meta)));

  const store: LocalObjectStore = {
    kind: "local",
    basePath: () => new URL(options.baseUrl()).pathname.replace(/\/$/, ""),
    file,

    async presignPut(key, { contentType, contentLength, expiresInSeconds }): Promise<SignedRequest> {
      checkObjectKey(key);
      const expires = Math.floor(Date.now() / 1000) + expiresInSeconds;
      const signature = sign(["PUT", key, expires, contentType, contentLength]);
      return {
        url: urlOf(key, {
          expires: String(expires),
          type: contentType,
          length: String(contentLength),
          sig: signature,
        }),
        method: "PUT",
        headers: { "content-type": contentType },
        expiresAt: new Date(expires * 1000),
      };
    },

    async presignGet(key, { expiresInSeconds }): Promise<SignedRequest> {
      checkObjectKey(key);
      const expires = Math.floor(Date.now() / 1000) + expiresInSeconds;
      return {
        url: urlOf(key, { expires: String(expires), sig: sign(["GET", key, expires]) }),
        method: "GET",
        headers: {},
        expiresAt: new Date(expires * 1000),
      };
    },

    verify(method, key, query) {
      const expires = Number(query.get("expires"));
      const given = query.get("sig") ?? "";
      if (!Number.isSafeInteger(expires) || given === "") return "the URL is not signed";
      const parts: (string | number)[] =
        method === "PUT"
          ? [method, key, expires, query.get("type") ?? "", query.get("length") ?? ""]
          : [method, key, expires];
      const expected = Buffer.from(sign(parts));
      const actual = Buffer.from(given);
      if (actual.length !== expected.length || !timingSafeEqual(actual, expected))
        return "the URL's signature is not valid";
      if (expires * 1000 < Date.now()) return "the URL has expired";
      return undefined;
    },

    async receive(key, body, receiveOptions) {
      const target = file(key);
      await writeAtomically(target, async (temp) => {
        let received = 0;
        const counted = body.on("data", (chunk: Buffer) => {
          received += chunk.length;
          if (received > receiveOptions.length)
            body.destroy(new RangeError(`the body is longer than the ${receiveOptions.length} bytes signed`));
        });
        await pipeline(counted, createWriteStream(temp));
        if (received !== receiveOptions.length)
          throw new RangeError(`the body is ${received} bytes, not the ${receiveOptions.length} signed`);
      });
      await putMeta(key, {
        contentType: receiveOptions.contentType,
        ...(receiveOptions.cacheControl ? { cacheControl: receiveOptions.cacheControl } : {}),
      });
    },

    async put(key, body, putOptions) {
      const target = file(key);
      await writeAtomically(target, async (temp) => {
        if (body instanceof Readable) await pipeline(body, createWriteStream(temp));
        else await writeFile(temp, body);
      });
      await putMeta(key, {
        contentType: putOptions.contentType,
        ...(putOptions.cacheControl ? { cacheControl: putOptions.cacheControl } : {}),
      });
    },

    async get(key, getOptions = {}) {
      const path = file(key);
      if (getOptions.maxBytes !== undefined) {
        const { size } = await stat(path);
        if (size > getOptions.maxBytes) throw new ObjectTooLarge(key, size, getOptions.maxBytes);
      }
      return readFile(path);
    },

    async getHead(key, bytes) {
      const handle = await open(file(key), "r");
      try {
        const buffer = Buffer.alloc(bytes);
        const { bytesRead } = await handle.read(buffer, 0, bytes, 0);
        return buffer.subarray(0, bytesRead);
      } finally {
        await handle.close();
      }
    },

    async download(key, path) {
      await copyFile(file(key), path);
    },

    async stat(key) {
      return store.info(key);
    },

    async info(key) {
      try {
        const { size } = await stat(file(key));
        const meta = await readMeta(key);
        return { key, size, contentType: meta?.contentType, cacheControl: meta?.cacheControl };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
        throw error;
      }
    },

    async delete(keys) {
      for (const key of keys) {
        await rm(file(key), { force: true });
        await rm(metaFile(key), { force: true });
      }
    },

    async list(prefix) {
      let entries: import("node:fs").Dirent[];
      try {
        entries = await readdir(objects, { recursive: true, withFileTypes: true });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
        throw error;
      }
      return entries
        .filter((entry) => entry.isFile() && !entry.name.endsWith(".part"))
        .map((entry) => relative(objects, join(entry.parentPath, entry.name)).split(sep).join("/"))
        .filter((key) => key.startsWith(prefix))
        .sort();
    },

    async ping() {
      await mkdir(objects, { recursive: true });
    },

    async close() {},
  };
  return store;
}

/** Whether `store` is a local one, whose URLs its service serves with {@link localObjectHandler}. */
export function isLocalObjectStore(store: ObjectStore): store is LocalObjectStore {
  return store.kind === "local" && "verify" in store;
}

type Request = IncomingMessage | Http2ServerRequest;
type Response = ServerResponse | Http2ServerResponse;

/**
 * Serves a local store's signed URLs under its base path: PUT writes exactly the signed type and
 * length, GET and HEAD stream the object with its type and cache policy; CORS is open (the
 * signature is the permission) so a web page may upload straight to it. True when the request
 * was under the base path.
 */
export function localObjectHandler(store: LocalObjectStore): (req: Request, res: Response) => boolean {
  return (req, res) => {
    const url = new URL(req.url ?? "/", "http://local");
    const base = `${store.basePath()}/`;
    if (!url.pathname.startsWith(base)) return false;
    const cors = {
      "access-control-allow-origin": "*",
      "access-control-allow-methods": "GET, HEAD, PUT",
      "access-control-allow-headers": "content-type",
      "access-control-max-age": "600",
    };
    const answer = (status: number, message: string) => {
      (res as ServerResponse).writeHead(status, { "content-type": "application/json", ...cors });
      res.end(JSON.stringify({ error: message }));
    };
    if (req.method === "OPTIONS") {
      (res as ServerResponse).writeHead(204, cors);
      res.end();
      return true;
    }
    let key: string;
    try {
      key = decodeURIComponent(url.pathname.slice(base.length));
      checkObjectKey(key);
    } catch {
      answer(400, "the URL names no valid object");
      return true;
    }
    const method = req.method === "HEAD" ? "GET" : req.method;
    if (method !== "GET" && method !== "PUT") {
      answer(405, "only GET, HEAD and PUT");
      return true;
    }
    const refused = store.verify(method, key, url.searchParams);
    if (refused) {
      answer(403, refused);
      return true;
    }
    void (async () => {
      if (method === "PUT") {
        const signedType = url.searchParams.get("type") ?? "";
        const length = Number(url.searchParams.get("length"));
        const type = String(req.headers["content-type"] ?? "");
        if (type !== signedType) return answer(400, `Content-Type must be ${signedType}, as signed`);
        const declared = req.headers["content-length"];
        if (declared !== undefined && Number(declared) !== length)
          return answer(400, `Content-Length must be ${length}, as signed`);
        try {
          await store.receive(key, req as Readable, { contentType: type, length });
        } catch (error) {
          if (error instanceof RangeError) return answer(400, error.message);
          throw error;
        }
        (res as ServerResponse).writeHead(200, { ...cors, "content-length": "0" });
        res.end();
        return;
      }
      const info = await store.info(key);
      if (!info) return answer(404, "no such object");
      (res as ServerResponse).writeHead(200, {
        ...cors,
        "content-type": info.contentType ?? "application/octet-stream",
        "content-length": String(info.size),
        ...(info.cacheControl ? { "cache-control": info.cacheControl } : {}),
      });
      if (req.method === "HEAD") return void res.end();
      await pipeline(createReadStream(store.file(key)), res as NodeJS.WritableStream);
    })().catch(() => {
      if (res.headersSent) res.destroy();
      else answer(500, "the object could not be served");
    });
    return true;
  };
}
