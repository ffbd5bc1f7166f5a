import { createHmac, timingSafeEqual } from "node:crypto";
import { checkObjectKey, type HttpHandler, type ObjectStore } from "@mercato/platform";
import { validate as isUuid } from "uuid";

/** Where a video's HLS files live. */
export const videoPrefix = (mediaId: string) => `video/${mediaId}`;

/** Options of MediaUrls. */
export interface MediaUrlsOptions {
  store: ObjectStore;
  /** Public CDN base; when set every URL is `<cdn>/<key>`, unsigned. */
  cdnUrl?: string | undefined;
  /** How long a signed URL works. */
  expiryMs: number;
  /** This service's address as clients reach it (HLS playlists are served from it). */
  publicUrl: () => string;
  /** HMAC key of playlist links. */
  secret: string;
  /** Most signed URLs kept for reuse. */
  cacheSize?: number;
}

/**
 * Turns stored keys into URLs clients GET: the CDN's when one is set, else signed ones that work
 * for `expiryMs`. A signed URL is reused while more than half its life is left, so hydrating a
 * page of products signs each image about twice an hour rather than on every request.
 */
export class MediaUrls {
  private readonly signed = new Map<string, { url: string; renewAt: number }>();
  private readonly cacheSize: number;

  constructor(private readonly options: MediaUrlsOptions) {
    this.cacheSize = options.cacheSize ?? 20_000;
  }

  /** A URL of the object `key` (a rendition or an HLS segment). */
  async object(key: string): Promise<string> {
    if (this.options.cdnUrl) return `${this.options.cdnUrl.replace(/\/$/, "")}/${key}`;
    const now = Date.now();
    const cached = this.signed.get(key);
    if (cached && cached.renewAt > now) return cached.url;
    const expiresInSeconds = Math.floor(this.options.expiryMs / 1000);
    const { url } = await this.options.store.presignGet(key, { expiresInSeconds });
    if (this.signed.size >= this.cacheSize) {
      // Map keeps insertion order: drop the oldest tenth.
      let drop = Math.ceil(this.cacheSize / 10);
      for (const old of this.signed.keys()) {
        this.signed.delete(old);
        if (--drop === 0) break;
      }
    }
    this.signed.delete(key);
    this.signed.set(key, { url, renewAt: now + this.options.expiryMs / 2 });
    return url;
  }

  /**
   * The master playlist URL of a video. Without a CDN it points at this service, with the
   * signature in the path so the playlist's relative links (renditions, segments) carry it too.
   */
  hls(mediaId: string): string {
    if (this.options.cdnUrl)
      return `${this.options.cdnUrl.replace(/\/$/, "")}/${videoPrefix(mediaId)}/master.m3u8`;
    const expires = Math.floor((Date.now() + this.options.expiryMs) / 1000);
    const base = this.options.publicUrl().replace(/\/$/, "");
    return `${base}/hls/${mediaId}/${expires}/${this.sign(mediaId, expires)}/master.m3u8`;
  }

  private sign(mediaId: string, expires: number): string {
    return createHmac("sha256", this.options.secret)
      .update(`hls\n${mediaId}\n${expires}`)
      .digest("base64url");
  }

  /**
   * Serves `GET /hls/<media id>/<expires>/<signature>/<path>`: playlists from storage, segments
   * by a redirect to their own signed URL. True when the request was under /hls/.
   */
  handler(): HttpHandler {
    return (req, answer) => {
      // Both HTTP/1.1 and HTTP/2 responses have writeHead and end; one type for both.
      const res = answer as import("node:http").ServerResponse;
      const path = (req.url ?? "/").split("?")[0] ?? "/";
      if (!path.startsWith("/hls/")) return false;
      const fail = (status: number, message: string) => {
        res.writeHead(status, { "content-type": "application/json" });
        res.end(JSON.stringify({ error: message }));
      };
      if (req.method !== "GET" && req.method !== "HEAD") {
        fail(405, "only GET reads a playlist");
        return true;
      }
      const [, , mediaId = "", expiresText = "", signature = "", ...rest] = path.split("/");
      const file = rest.join("/");
      const expires = Number(expiresText);
      if (!isUuid(mediaId) || !Number.isSafeInteger(expires) || file === "") {
        fail(404, "no such playlist");
        return true;
      }
      const expected = Buffer.from(this.sign(mediaId, expires));
      const given = Buffer.from(signature);
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
        fail(403, "the link's signature is not valid");
        return true;
      }
      if (expires * 1000 < Date.now()) {
        fail(403, "the link has expired; ask for the media again");
        return true;
      }
      const key = `${videoPrefix(mediaId)}/${file}`;
      try {
        checkObjectKey(key);
      } catch {
        fail(404, "no such file");
        return true;
      }
      void (async () => {
        if (file.endsWith(".m3u8")) {
          const body = await this.options.store.get(key, { maxBytes: 1024 * 1024 });
          res.writeHead(200, {
            "content-type": "application/vnd.apple.mpegurl",
            "cache-control": "private, max-age=60",
            "access-control-allow-origin": "*",
          });
          res.end(req.method === "HEAD" ? undefined : body);
        } else {
          res.writeHead(302, {
            location: await this.object(key),
            "cache-control": "private, max-age=60",
            "access-control-allow-origin": "*",
          });
          res.end();
        }
      })().catch((error: unknown) => {
        if (res.headersSent) return void res.destroy();
        const missing = /not ?found|no such|ENOENT/i.test(String(error));
        fail(missing ? 404 : 503, missing ? "no such file" : "storage is not answering; try again");
      });
      return true;
    };
  }
}
