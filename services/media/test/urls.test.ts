import { mkdtemp, rm } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createLocalObjectStore, type LocalObjectStore } from "@mercato/platform";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MediaUrls } from "../src/domain/urls.js";

describe("media URLs", () => {
  let dir: string;
  let store: LocalObjectStore;
  let server: Server;
  let base = "";
  const secret = "k".repeat(32);
  const mediaId = "01900000-0000-7000-8000-000000000001";

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "mercato-urls-"));
    store = createLocalObjectStore({ dir, secret, baseUrl: () => `${base}/files` });
    const urls = new MediaUrls({ store, expiryMs: 60_000, publicUrl: () => base, secret });
    const serve = urls.handler();
    server = createServer((req, res) => {
      if (!serve(req, res)) {
        res.writeHead(404);
        res.end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    await store.put(`video/${mediaId}/master.m3u8`, Buffer.from("#EXTM3U\n360p/index.m3u8\n"), {
      contentType: "application/vnd.apple.mpegurl",
    });
    await store.put(`video/${mediaId}/360p/segment_000.ts`, Buffer.from("ts"), { contentType: "video/mp2t" });
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await rm(dir, { recursive: true, force: true });
  });

  it("uses the CDN's URL, unsigned, when one is set", async () => {
    const urls = new MediaUrls({
      store,
      cdnUrl: "https://cdn.example/",
      expiryMs: 60_000,
      publicUrl: () => base,
      secret,
    });
    expect(await urls.object("media/abc.avif")).toBe("https://cdn.example/media/abc.avif");
    expect(urls.hls(mediaId)).toBe(`https://cdn.example/video/${mediaId}/master.m3u8`);
  });

  it("signs a URL once and reuses it while more than half its life is left", async () => {
    const urls = new MediaUrls({ store, expiryMs: 60_000, publicUrl: () => base, secret });
    const first = await urls.object("media/abc.avif");
    expect(first).toMatch(/expires=\d+&sig=/);
    expect(await urls.object("media/abc.avif")).toBe(first);
    const expires = Number(new URL(first).searchParams.get("expires"));
    expect(expires * 1000 - Date.now()).toBeLessThanOrEqual(60_000);
    expect(expires * 1000 - Date.now()).toBeGreaterThan(50_000);
  });

  it("serves a video's playlists under a signed path, redirects segments to their own signed URL, and refuses a tampered or expired link", async () => {
    const urls = new MediaUrls({ store, expiryMs: 60_000, publicUrl: () => base, secret });
    const master = urls.hls(mediaId);
    const answer = await fetch(master);
    expect(answer.status).toBe(200);
    expect(answer.headers.get("content-type")).toBe("application/vnd.apple.mpegurl");
    expect(await answer.text()).toContain("360p/index.m3u8");
    const segment = await fetch(new URL("360p/segment_000.ts", master), { redirect: "manual" });
    expect(segment.status).toBe(302);
    expect(segment.headers.get("location")).toMatch(/\/files\/video\/.+segment_000\.ts\?expires=/);
    expect((await fetch(master.replace(/\/[A-Za-z0-9_-]{43}\//, `/${"A".repeat(43)}/`))).status).toBe(403);
    expect((await fetch(master.replace(mediaId, "01900000-0000-7000-8000-000000000002"))).status).toBe(403);
    const past = new MediaUrls({ store, expiryMs: -1_000, publicUrl: () => base, secret }).hls(mediaId);
    expect((await fetch(past)).status).toBe(403);
    expect((await fetch(master.replace("master.m3u8", "..%2F..%2Fsecret"))).status).toBe(404);
  });
});
