import { mkdtemp, readFile, rm } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type S3TestServer, startS3Server } from "@mercato/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLocalObjectStore, localObjectHandler } from "./local-object-store.js";
import { type ObjectStore, ObjectStoreUnavailable, ObjectTooLarge } from "./object-store.js";
import { createS3ObjectStore } from "./s3-object-store.js";

/** A store under test and how to stop what serves it. */
interface Opened {
  store: ObjectStore;
  /**
   * Whether the server checks what a signature covers. s3rver checks a V4 URL's expiry but not its
   * signature, so on it the test asserts what the URL signs instead (AWS, MinIO and R2 check it).
   */
  checksSignatures: boolean;
  close(): Promise<void>;
}

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** One contract, every adapter: what the media service relies on. */
function describeObjectStore(label: string, open: () => Promise<Opened>) {
  describe(label, () => {
    let opened: Opened;
    let store: ObjectStore;
    let work: string;

    beforeAll(async () => {
      opened = await open();
      store = opened.store;
      work = await mkdtemp(join(tmpdir(), "mercato-store-test-"));
    });
    afterAll(async () => {
      await opened?.close();
      if (work) await rm(work, { recursive: true, force: true });
    });

    it("writes, reads, describes, lists and deletes objects", async () => {
      const body = Buffer.from("hello, storage");
      await store.put("a/b/one.txt", body, {
        contentType: "text/plain",
        cacheControl: "public, max-age=60, immutable",
      });
      await store.put("a/b/two.txt", Buffer.from("2"), { contentType: "text/plain" });
      expect(await store.get("a/b/one.txt")).toEqual(body);
      expect(await store.getHead("a/b/one.txt", 5)).toEqual(Buffer.from("hello"));
      expect(await store.getHead("a/b/two.txt", 4100)).toEqual(Buffer.from("2"));
      expect(await store.stat("a/b/one.txt")).toMatchObject({
        size: body.length,
        contentType: "text/plain",
        cacheControl: "public, max-age=60, immutable",
      });
      expect(await store.stat("a/b/none.txt")).toBeUndefined();
      expect(await store.list("a/b/")).toEqual(["a/b/one.txt", "a/b/two.txt"]);
      const path = join(work, "copy");
      await store.download("a/b/one.txt", path);
      expect(await readFile(path)).toEqual(body);
      await expect(store.get("a/b/one.txt", { maxBytes: 3 })).rejects.toBeInstanceOf(ObjectTooLarge);
      await store.delete(["a/b/one.txt", "a/b/never.txt"]);
      expect(await store.list("a/b/")).toEqual(["a/b/two.txt"]);
      await store.ping();
    });

    it("refuses keys that could escape or confuse the store", async () => {
      for (const key of ["../x", "a//b", "/abs", "a/./b", "", "sp ace", "a/../../b"])
        await expect(store.put(key, Buffer.from("x"), { contentType: "text/plain" }), key).rejects.toThrow(
          /object key/,
        );
    });

    it("takes exactly the signed type and length through a presigned PUT and serves it by a presigned GET", async () => {
      const bytes = Buffer.from("x".repeat(1000));
      const put = await store.presignPut("up/ok", {
        contentType: "image/png",
        contentLength: bytes.length,
        expiresInSeconds: 60,
      });
      expect((await fetch(put.url, { method: "PUT", headers: put.headers, body: bytes })).status).toBe(200);
      expect((await store.stat("up/ok"))?.size).toBe(1000);
      const get = await store.presignGet("up/ok", { expiresInSeconds: 60 });
      const fetched = await fetch(get.url);
      expect(fetched.status).toBe(200);
      expect(Buffer.from(await fetched.arrayBuffer())).toEqual(bytes);

      const typed = await store.presignPut("up/typed", {
        contentType: "image/png",
        contentLength: 10,
        expiresInSeconds: 60,
      });
      if (!opened.checksSignatures) {
        const signed = new URL(typed.url).searchParams.get("X-Amz-SignedHeaders")?.split(";");
        expect(signed).toEqual(expect.arrayContaining(["content-length", "content-type"]));
        return;
      }
      const wrongType = await fetch(typed.url, {
        method: "PUT",
        headers: { "content-type": "text/html" },
        body: Buffer.alloc(10),
      });
      expect(wrongType.status).toBeGreaterThanOrEqual(400);
      expect(wrongType.status).toBeLessThan(500);
      const longer = await fetch(typed.url, {
        method: "PUT",
        headers: typed.headers,
        body: Buffer.alloc(5000),
      });
      expect(longer.status).toBeGreaterThanOrEqual(400);
      expect(longer.status).toBeLessThan(500);
      expect(await store.stat("up/typed")).toBeUndefined();
    });

    it("refuses a tampered or expired URL", async () => {
      await store.put("up/secret", Buffer.from("s"), { contentType: "text/plain" });
      const get = await store.presignGet("up/secret", { expiresInSeconds: 1 });
      if (opened.checksSignatures) {
        await store.put("up/other", Buffer.from("o"), { contentType: "text/plain" });
        expect((await fetch(get.url.replace("up/secret", "up/other"))).status).toBe(403);
      }
      expect((await fetch(get.url)).status).toBe(200);
      await wait(2_100);
      expect((await fetch(get.url)).status).toBe(403);
      const put = await store.presignPut("up/late", {
        contentType: "text/plain",
        contentLength: 1,
        expiresInSeconds: 1,
      });
      await wait(2_100);
      expect((await fetch(put.url, { method: "PUT", headers: put.headers, body: "x" })).status).toBe(403);
      expect(await store.stat("up/late")).toBeUndefined();
    });
  });
}

describeObjectStore("object store on the local disk", async () => {
  const dir = await mkdtemp(join(tmpdir(), "mercato-local-store-"));
  let base = "";
  const store = createLocalObjectStore({ dir, secret: "s".repeat(32), baseUrl: () => `${base}/files` });
  const handle = localObjectHandler(store);
  const server: Server = createServer((req, res) => {
    if (!handle(req, res)) {
      res.writeHead(404);
      res.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    store,
    checksSignatures: true,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await rm(dir, { recursive: true, force: true });
    },
  };
});

const s3Options = (server: S3TestServer, requestTimeoutMs?: number) => ({
  ...server.storeOptions,
  ...(requestTimeoutMs ? { requestTimeoutMs } : {}),
});

describeObjectStore("object store on S3 (s3rver)", async () => {
  const server = await startS3Server();
  const store = await createS3ObjectStore(s3Options(server));
  return {
    store,
    checksSignatures: false,
    close: async () => {
      await store.close();
      await server.stop();
    },
  };
});

describe("object store on S3 when the store is gone", () => {
  it("fails calls with ObjectStoreUnavailable within the deadline and ping throws", async () => {
    const server = await startS3Server();
    const store = await createS3ObjectStore(s3Options(server, 1_500));
    await store.put("k", Buffer.from("v"), { contentType: "text/plain" });
    await server.stop();
    await expect(store.ping()).rejects.toBeInstanceOf(ObjectStoreUnavailable);
    await expect(store.stat("k")).rejects.toBeInstanceOf(ObjectStoreUnavailable);
    await expect(store.get("k")).rejects.toBeInstanceOf(ObjectStoreUnavailable);
    // Signing needs no store: a client may still be handed a URL, which then fails at the store.
    expect((await store.presignGet("k", { expiresInSeconds: 60 })).url).toContain("/k?");
    await store.close();
  });

  it("a store that accepts connections but never answers fails by the deadline", async () => {
    const hung = createServer(() => {});
    await new Promise<void>((resolve) => hung.listen(0, "127.0.0.1", resolve));
    const store = await createS3ObjectStore({
      bucket: "b",
      endpoint: `http://127.0.0.1:${(hung.address() as AddressInfo).port}`,
      forcePathStyle: true,
      credentials: { accessKeyId: "a", secretAccessKey: "b" },
      requestTimeoutMs: 500,
    });
    await expect(store.ping()).rejects.toBeInstanceOf(ObjectStoreUnavailable);
    await store.close();
    hung.closeAllConnections();
    await new Promise((resolve) => hung.close(resolve));
  });
});
