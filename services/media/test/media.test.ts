import { execFile } from "node:child_process";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { create, type DescMessage, type MessageInitShape } from "@bufbuild/protobuf";
import { Code } from "@connectrpc/connect";
import { eventSubjects } from "@mercato/contracts/events";
import {
  ImageFormat,
  ImageSize,
  type Media,
  MediaKind,
  MediaService,
  MediaStatus,
  Purpose,
} from "@mercato/contracts/mercato/media/v1/media_pb";
import {
  createRpcClient,
  createS3ObjectStore,
  type EventEnvelope,
  type RunningService,
  rowsOf,
} from "@mercato/platform";
import { type S3TestServer, startS3Server, waitFor } from "@mercato/testing";
import { eventEnvelope } from "@mercato/testing/identity-events";
import {
  type DatabaseFixture,
  failure,
  openServiceRig,
  pgliteFixture,
  postgresFixture,
  type ServiceRig,
  startTestService,
} from "@mercato/testing/service-fixture";
import { sql } from "drizzle-orm";
import sharp from "sharp";
import { v7 as uuidv7 } from "uuid";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mediaService } from "../src/index.js";
import {
  bombPng,
  executableBytes,
  exifHasGps,
  exifJpeg,
  svgWithScript,
  testVideo,
  truncatedJpeg,
} from "./fixtures.js";

type Client = ReturnType<typeof createRpcClient<typeof MediaService>>;
const run = promisify(execFile);

function event<Desc extends DescMessage>(
  subject: { subject: string; schema: Desc },
  message: MessageInitShape<Desc>,
): EventEnvelope {
  return eventEnvelope(subject.subject, subject.schema, create(subject.schema, message));
}

/** Settings of one suite: where the service keeps files. */
interface Storage {
  env: () => Record<string, string>;
  /** Every key the store holds, to show nothing of a refused upload stays. */
  keys: () => Promise<string[]>;
  close: () => Promise<void>;
}

function describeMedia(
  label: string,
  openFixture: () => Promise<DatabaseFixture>,
  openStorage: () => Promise<Storage>,
) {
  describe(label, () => {
    let rig: ServiceRig;
    let service: RunningService;
    let client: Client;
    let storage: Storage;
    let work: string;

    beforeAll(async () => {
      work = await mkdtemp(join(tmpdir(), "mercato-media-test-"));
      storage = await openStorage();
      rig = await openServiceRig(openFixture, "mercato.media.>");
      service = await startTestService(mediaService, {
        ...rig,
        env: {
          DATA_DIR: work,
          MEDIA_URL_EXPIRY_MS: "4000",
          MEDIA_GC_INTERVAL_MS: "200",
          ...storage.env(),
        },
      });
      client = createRpcClient(MediaService, { baseUrl: service.url, maxRetries: 0, timeoutMs: 30_000 });
    }, 60_000);

    afterAll(async () => {
      await service?.stop();
      await rig?.close();
      await storage?.close();
      if (work) await rm(work, { recursive: true, force: true });
    });

    const as = async (id: string, roles = ["seller"]) => ({
      headers: { authorization: `Bearer ${await rig.issuer.sign({ sub: id, roles, email_verified: true })}` },
    });
    const seller = async () => {
      const id = uuidv7();
      return { id, call: await as(id) };
    };

    /** Asks for an upload, PUTs `bytes` to its URL as the client would, and returns the media id and the PUT's status. */
    const upload = async (
      call: { headers: Record<string, string> },
      bytes: Uint8Array,
      options: { purpose?: Purpose; contentType?: string } = {},
    ) => {
      const created = await client.createUpload(
        {
          purpose: options.purpose ?? Purpose.PRODUCT,
          contentType: options.contentType ?? "image/jpeg",
          byteSize: BigInt(bytes.length),
        },
        call,
      );
      const put = await fetch(created.uploadUrl, {
        method: "PUT",
        headers: created.uploadHeaders,
        body: bytes,
      });
      return { id: created.media?.id ?? "", status: put.status, created };
    };

    const settled = (id: string, call: { headers: Record<string, string> }) =>
      waitFor(
        async () => {
          const { media } = await client.getMedia({ mediaId: id }, call);
          return media && media.status !== MediaStatus.PROCESSING ? media : undefined;
        },
        { timeoutMs: 60_000, intervalMs: 100, message: `media ${id} still processing` },
      );

    /** What the service knows shows `mediaId`, from other services' events. */
    const shownByNow = async (mediaId: string) =>
      rowsOf<{ referrer: string }>(
        await service.runtime.database.db.execute(
          sql`select referrer from media.references where media_id = ${mediaId}`,
        ),
      ).map((row) => row.referrer);
    const shownBy = (mediaId: string, referrer: string) =>
      waitFor(async () => (await shownByNow(mediaId)).includes(referrer), {
        message: `${referrer} never showed ${mediaId}`,
      });

    const url = (media: Media, size: ImageSize, format: ImageFormat) =>
      media.renditions.find((r) => r.size === size && r.format === format)?.url ?? "";

    it("makes twelve upright renditions without metadata of a 4000×3000 JPEG with EXIF orientation and GPS", async () => {
      const me = await seller();
      const original = await exifJpeg();
      const before = await sharp(original).metadata();
      expect(before.orientation).toBe(6);
      expect(exifHasGps(before.exif)).toBe(true);
      const { id, status, created } = await upload(me.call, original);
      expect(status).toBe(200);
      expect(created.media?.status).toBe(MediaStatus.PENDING_UPLOAD);
      const completed = await client.completeUpload({ mediaId: id }, me.call);
      expect(completed.media?.status).toBe(MediaStatus.PROCESSING);
      expect(completed.media?.kind).toBe(MediaKind.IMAGE);
      const media = await settled(id, me.call);
      expect(media.status).toBe(MediaStatus.READY);
      // Orientation 6 turns the 4000×3000 landscape upright: 3000 wide, 4000 high.
      expect([media.width, media.height]).toEqual([3000, 4000]);
      expect(media.placeholder).toMatch(/^[0-9A-Za-z#$%*+,-.:;=?@[\]^_{|}~]{20,}$/);
      expect(media.dominantColor).toMatch(/^#[0-9a-f]{6}$/);
      expect(media.renditions).toHaveLength(12);
      const expected: Record<number, [number, number]> = {
        [ImageSize.THUMBNAIL_SMALL]: [100, 100],
        [ImageSize.THUMBNAIL_LARGE]: [250, 250],
        [ImageSize.MAIN_MOBILE]: [480, 640],
        [ImageSize.MAIN_TABLET]: [800, 1067],
        [ImageSize.MAIN_DESKTOP]: [1200, 1600],
        [ImageSize.MAIN_LARGE_RETINA]: [2000, 2667],
      };
      for (const rendition of media.renditions) {
        const response = await fetch(rendition.url);
        expect(response.status, `${rendition.url}`).toBe(200);
        expect(response.headers.get("cache-control")).toContain("immutable");
        const bytes = Buffer.from(await response.arrayBuffer());
        const meta = await sharp(bytes).metadata();
        expect([meta.width, meta.height]).toEqual(expected[rendition.size]);
        expect([rendition.width, rendition.height]).toEqual(expected[rendition.size]);
        expect(meta.exif).toBeUndefined();
        expect(meta.orientation).toBeUndefined();
        expect(rendition.format === ImageFormat.AVIF ? meta.compression : meta.format).toBe(
          rendition.format === ImageFormat.AVIF ? "av1" : "webp",
        );
      }
      // Completing again changes nothing.
      const again = await client.completeUpload({ mediaId: id }, me.call);
      expect(again.media?.status).toBe(MediaStatus.READY);
      // Public view: no owner, no private state.
      const { media: batch } = await client.batchGetMedia({ mediaIds: [id, uuidv7()] });
      expect(batch.map((m) => m.id)).toEqual([id]);
      expect(batch[0]?.ownerId).toBe("");
      expect(batch[0]?.renditions).toHaveLength(12);
      // Published for the services that accept media ids.
      await waitFor(() =>
        rig.published.some((e) => e.subject === eventSubjects.media.assetReady.subject && e.id && e.payload),
      );
    }, 90_000);

    it("refuses a download URL once it has expired", async () => {
      const me = await seller();
      const { id } = await upload(
        me.call,
        await sharp({ create: { width: 64, height: 48, channels: 3, background: "#3366aa" } })
          .jpeg()
          .toBuffer(),
      );
      await client.completeUpload({ mediaId: id }, me.call);
      const media = await settled(id, me.call);
      const link = url(media, ImageSize.THUMBNAIL_SMALL, ImageFormat.WEBP);
      expect((await fetch(link)).status).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, 4_500));
      expect((await fetch(link)).status).toBe(403);
      // A fresh read signs a fresh URL.
      const { media: fresh } = await client.getMedia({ mediaId: id }, me.call);
      expect((await fetch(url(fresh as Media, ImageSize.THUMBNAIL_SMALL, ImageFormat.WEBP))).status).toBe(
        200,
      );
    }, 30_000);

    it("does not upscale a small image", async () => {
      const me = await seller();
      const { id } = await upload(
        me.call,
        await sharp({ create: { width: 300, height: 200, channels: 3, background: "#aa3366" } })
          .png()
          .toBuffer(),
        { contentType: "image/png" },
      );
      await client.completeUpload({ mediaId: id }, me.call);
      const media = await settled(id, me.call);
      const desktop = media.renditions.find((r) => r.size === ImageSize.MAIN_DESKTOP);
      expect([desktop?.width, desktop?.height]).toEqual([300, 200]);
      expect(media.contentType).toBe("image/png");
    }, 30_000);

    describe("refuses bad input with a clear reason, keeps none of it and stays up", () => {
      const refused = async (
        bytes: Uint8Array,
        contentType: string,
        reason: RegExp,
        purpose = Purpose.PRODUCT,
      ) => {
        const me = await seller();
        const { id, status } = await upload(me.call, bytes, { contentType, purpose });
        expect(status).toBe(200);
        const failed = await failure(client.completeUpload({ mediaId: id }, me.call));
        expect(failed.code).toBe(Code.InvalidArgument);
        expect(failed.message).toMatch(reason);
        const { media } = await client.getMedia({ mediaId: id }, me.call);
        expect(media?.status).toBe(MediaStatus.FAILED);
        expect(media?.failureReason).toMatch(reason);
        expect(media?.renditions).toEqual([]);
        await waitFor(async () => (await storage.keys()).every((key) => !key.includes(id)));
        await waitFor(() => rig.published.some((e) => e.subject === eventSubjects.media.assetFailed.subject));
      };

      it("an executable renamed .jpg", () =>
        refused(executableBytes(), "image/jpeg", /not an image or video we accept/));
      it("an SVG with a script", () =>
        refused(svgWithScript(), "image/svg+xml", /not an image or video we accept/));
      it("a 30 000 × 30 000 PNG", async () => refused(await bombPng(), "image/png", /megapixels|pixels/));
      it("a content type that lies: a video declared as an avatar image", async () => {
        const video = await readFile(
          await testVideo(work, { seconds: 1, width: 320, height: 240, name: "lie.mp4" }),
        );
        await refused(video, "image/jpeg", /avatar must be an image/, Purpose.AVATAR);
      });

      it("a 20 MB image is refused before it is uploaded, and a longer body than declared never lands", async () => {
        const me = await seller();
        const big = await failure(
          client.createUpload(
            { purpose: Purpose.PRODUCT, contentType: "image/jpeg", byteSize: 20n * 1024n * 1024n },
            me.call,
          ),
        );
        expect(big.code).toBe(Code.InvalidArgument);
        expect(big.fields).toEqual(["byte_size"]);
        expect(big.message).toMatch(/15 MB/);
        const created = await client.createUpload(
          { purpose: Purpose.PRODUCT, contentType: "image/jpeg", byteSize: 1000n },
          me.call,
        );
        const put = await fetch(created.uploadUrl, {
          method: "PUT",
          headers: created.uploadHeaders,
          body: new Uint8Array(5000),
        });
        const completed = await failure(client.completeUpload({ mediaId: created.media?.id ?? "" }, me.call));
        if (put.ok) {
          // s3rver does not check V4 signatures (AWS, MinIO and R2 refuse the PUT): completion does.
          expect(completed.code).toBe(Code.InvalidArgument);
          expect(completed.message).toMatch(/5000 bytes, not the 1000 declared/);
        } else {
          expect(put.status).toBe(400);
          expect(completed.code).toBe(Code.FailedPrecondition);
        }
      });

      it("a truncated JPEG fails in processing, with nothing stored", async () => {
        const me = await seller();
        const { id } = await upload(me.call, await truncatedJpeg());
        await client.completeUpload({ mediaId: id }, me.call);
        const media = await settled(id, me.call);
        expect(media.status).toBe(MediaStatus.FAILED);
        expect(media.failureReason).not.toBe("");
        expect(media.renditions).toEqual([]);
        await waitFor(async () => (await storage.keys()).every((key) => !key.includes(id)));
      }, 30_000);

      it("a declared type the purpose does not take, and a type that names no image", async () => {
        const me = await seller();
        const logoVideo = await failure(
          client.createUpload(
            { purpose: Purpose.STOREFRONT_LOGO, contentType: "video/mp4", byteSize: 100n },
            me.call,
          ),
        );
        expect(logoVideo.fields).toEqual(["content_type"]);
        const bad = await failure(
          client.createUpload(
            { purpose: Purpose.PRODUCT, contentType: "text/html", byteSize: 100n },
            me.call,
          ),
        );
        expect(bad.code).toBe(Code.InvalidArgument);
        const none = await failure(
          client.createUpload(
            { purpose: Purpose.UNSPECIFIED, contentType: "image/png", byteSize: 100n },
            me.call,
          ),
        );
        expect(none.fields).toEqual(["purpose"]);
      });

      it("still serves after all of it, and counts what it processed", async () => {
        const ready = await fetch(`${service.url}/ready`);
        expect(ready.status).toBe(200);
        const metrics = await (await fetch(`${service.url}/metrics`)).text();
        expect(metrics).toMatch(
          /media_processing_seconds_count\{[^}]*kind="image",outcome="done"[^}]*\} [1-9]/,
        );
        expect(metrics).toMatch(
          /media_processing_seconds_count\{[^}]*kind="image",outcome="failed"[^}]*\} [1-9]/,
        );
      });
    });

    it("keeps another account from completing, reading or deleting my media; an admin may read it", async () => {
      const me = await seller();
      const other = await seller();
      const { id } = await upload(
        me.call,
        await sharp({ create: { width: 40, height: 40, channels: 3, background: "#118844" } })
          .jpeg()
          .toBuffer(),
      );
      expect((await failure(client.completeUpload({ mediaId: id }, other.call))).code).toBe(
        Code.PermissionDenied,
      );
      await client.completeUpload({ mediaId: id }, me.call);
      await settled(id, me.call);
      const read = await failure(client.getMedia({ mediaId: id }, other.call));
      expect(read.code).toBe(Code.PermissionDenied);
      expect(read.message).toMatch(/another account/);
      expect((await failure(client.deleteMedia({ mediaId: id }, other.call))).code).toBe(
        Code.PermissionDenied,
      );
      expect((await client.listMyMedia({}, other.call)).media.map((m) => m.id)).not.toContain(id);
      expect((await client.listMyMedia({}, me.call)).media.map((m) => m.id)).toContain(id);
      const admin = await as(uuidv7(), ["admin"]);
      expect((await client.getMedia({ mediaId: id }, admin)).media?.ownerId).toBe(me.id);
      expect((await failure(client.getMedia({ mediaId: id }))).code).toBe(Code.Unauthenticated);
      expect((await failure(client.getMedia({ mediaId: uuidv7() }, me.call))).code).toBe(Code.NotFound);
    }, 30_000);

    it("refuses to delete what a product shows, deletes it once the product lets go, and collects media nothing shows", async () => {
      const me = await seller();
      const image = () =>
        sharp({
          create: {
            width: 50,
            height: 30,
            channels: 3,
            background: { r: Math.floor(Math.random() * 255), g: 9, b: 9 },
          },
        })
          .jpeg()
          .toBuffer();
      const shown = (await upload(me.call, await image())).id;
      const loose = (await upload(me.call, await image())).id;
      for (const id of [shown, loose]) {
        await client.completeUpload({ mediaId: id }, me.call);
        await settled(id, me.call);
      }
      const productId = uuidv7();
      await rig.bus.publish(
        event(eventSubjects.products.productCreated, {
          product: { id: productId, mediaIds: [shown], version: 1n },
        }),
      );
      await shownBy(shown, `product:${productId}`);
      const busy = await failure(client.deleteMedia({ mediaId: shown }, me.call));
      expect(busy.code).toBe(Code.FailedPrecondition);
      expect(busy.message).toContain(`product ${productId}`);
      // An older event changes nothing; a newer one lets go.
      await rig.bus.publish(
        event(eventSubjects.products.productUpdated, {
          product: { id: productId, mediaIds: [], version: 3n },
        }),
      );
      await rig.bus.publish(
        event(eventSubjects.products.productUpdated, {
          product: { id: productId, mediaIds: [shown], version: 2n },
        }),
      );
      await waitFor(async () => (await shownByNow(shown)).length === 0);
      await client.deleteMedia({ mediaId: shown }, me.call);
      const { media: deleted } = await client.getMedia({ mediaId: shown }, me.call);
      expect(deleted?.status).toBe(MediaStatus.DELETED);
      expect((await client.batchGetMedia({ mediaIds: [shown] })).media).toEqual([]);
      // The loose one: nothing showed it for longer than the grace period.
      await service.runtime.database.db.execute(
        sql`update media.assets set unreferenced_since = now() - interval '2 days' where id = ${loose}`,
      );
      await waitFor(
        async () =>
          (await client.getMedia({ mediaId: loose }, me.call)).media?.status === MediaStatus.DELETED,
      );
      await waitFor(async () => (await storage.keys()).every((key) => !key.includes(loose)));
    }, 60_000);

    it("keeps the files of a media an order was bought with after its owner deletes it", async () => {
      const me = await seller();
      const { id } = await upload(
        me.call,
        await sharp({ create: { width: 60, height: 60, channels: 3, background: "#ff8800" } })
          .jpeg()
          .toBuffer(),
      );
      await client.completeUpload({ mediaId: id }, me.call);
      await settled(id, me.call);
      const orderId = uuidv7();
      await rig.bus.publish(
        event(eventSubjects.orders.orderPlaced, { orderId, snapshot: { lines: [{ mediaId: id }] } }),
      );
      await shownBy(id, `order:${orderId}`);
      await client.deleteMedia({ mediaId: id }, me.call);
      const [kept] = (await client.batchGetMedia({ mediaIds: [id] })).media;
      expect(kept?.renditions).toHaveLength(12);
      expect((await fetch(kept?.renditions[0]?.url ?? "")).status).toBe(200);
    }, 30_000);

    it("turns a video into HLS renditions ffprobe reads, with a poster, and reports progress", async () => {
      const me = await seller();
      const video = await readFile(
        await testVideo(work, { seconds: 3, width: 640, height: 360, name: "clip.mp4" }),
      );
      const { id } = await upload(me.call, video, { contentType: "video/mp4" });
      const completed = await client.completeUpload({ mediaId: id }, me.call);
      expect(completed.media?.kind).toBe(MediaKind.VIDEO);
      const media = await settled(id, me.call);
      expect(media.status, media.failureReason).toBe(MediaStatus.READY);
      expect(media.progress).toBe(100);
      expect(media.video?.renditionHeights).toEqual([360]);
      expect(media.renditions).toHaveLength(12);
      const hls = media.video?.hlsUrl ?? "";
      const master = await fetch(hls);
      expect(master.status).toBe(200);
      expect(await master.text()).toMatch(/#EXT-X-STREAM-INF:.*RESOLUTION=640x360/);
      const { stdout } = await run("ffprobe", [
        "-v",
        "error",
        "-show_entries",
        "stream=codec_name,height",
        "-of",
        "json",
        hls,
      ]);
      const streams = (JSON.parse(stdout) as { streams: { codec_name: string; height?: number }[] }).streams;
      expect(streams.map((s) => s.codec_name)).toEqual(expect.arrayContaining(["h264", "aac"]));
      const tampered = hls.replace(
        /\/([A-Za-z0-9_-]{20,})\/master/,
        "/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA/master",
      );
      expect((await fetch(tampered)).status).toBe(403);
    }, 120_000);
  });
}

/** Media on S3 (the s3rver test server): the production configuration. */
async function s3Storage(): Promise<Storage> {
  const server: S3TestServer = await startS3Server();
  const store = await createS3ObjectStore(server.storeOptions);
  return {
    env: () => server.env,
    keys: () => store.list(""),
    close: async () => {
      await store.close();
      await server.stop();
    },
  };
}

/** Media on the local disk, with URLs the service signs and serves: `npm start`'s configuration. */
async function localStorage(): Promise<Storage> {
  const dir = await mkdtemp(join(tmpdir(), "mercato-media-files-"));
  const files = async (): Promise<string[]> =>
    (await readdir(dir, { recursive: true, withFileTypes: true }))
      .filter((entry) => entry.isFile())
      .map((entry) => join(entry.parentPath, entry.name).slice(dir.length + 1));
  return {
    env: () => ({ MEDIA_DIR: dir }),
    keys: files,
    close: () => rm(dir, { recursive: true, force: true }),
  };
}

const url = process.env.DATABASE_URL;
if (url)
  describeMedia(
    "media service on PostgreSQL and S3",
    () => postgresFixture(url, { prefix: "media_test" }),
    s3Storage,
  );
else console.log("[skipped] media service on PostgreSQL and S3: DATABASE_URL is not set");
describeMedia(
  "media service on PGlite and the local disk",
  () => pgliteFixture({ postgis: false }),
  localStorage,
);

describe("media service when object storage is gone", () => {
  it("reports itself not ready naming storage, answers UNAVAILABLE rather than failing, and serves again once storage is back", async () => {
    const work = await mkdtemp(join(tmpdir(), "mercato-media-fault-"));
    const rig = await openServiceRig(() => pgliteFixture({ postgis: false }), "mercato.media.>");
    let server = await startS3Server();
    const env = { ...server.env, S3_TIMEOUT_MS: "1000", DATA_DIR: work };
    const service = await startTestService(mediaService, { ...rig, env });
    try {
      const client = createRpcClient(MediaService, {
        baseUrl: service.url,
        maxRetries: 0,
        timeoutMs: 15_000,
      });
      const call = {
        headers: { authorization: `Bearer ${await rig.issuer.sign({ sub: uuidv7(), roles: ["seller"] })}` },
      };
      const bytes = await sharp({ create: { width: 20, height: 20, channels: 3, background: "#123456" } })
        .jpeg()
        .toBuffer();
      const created = await client.createUpload(
        { purpose: Purpose.PRODUCT, contentType: "image/jpeg", byteSize: BigInt(bytes.length) },
        call,
      );
      expect(
        (await fetch(created.uploadUrl, { method: "PUT", headers: created.uploadHeaders, body: bytes })).ok,
      ).toBe(true);
      const port = new URL(server.endpoint).port;
      await server.stop();

      const ready = await fetch(`${service.url}/ready`);
      expect(ready.status).toBe(503);
      expect(await ready.text()).toContain("storage");
      const gone = await failure(client.completeUpload({ mediaId: created.media?.id ?? "" }, call));
      expect(gone.code).toBe(Code.Unavailable);
      expect(gone.message).toMatch(/object storage did not answer/);
      // Nothing was decided: the media still waits for its completion.
      expect((await client.getMedia({ mediaId: created.media?.id ?? "" }, call)).media?.status).toBe(
        MediaStatus.PENDING_UPLOAD,
      );

      // Storage back on the same address (empty, as a new bucket): the service serves again.
      server = await startS3Server({ port: Number(port) });
      await waitFor(async () => (await fetch(`${service.url}/ready`)).status === 200, { timeoutMs: 10_000 });
      const lost = await failure(client.completeUpload({ mediaId: created.media?.id ?? "" }, call));
      expect(lost.code).toBe(Code.FailedPrecondition);
    } finally {
      await service.stop();
      await rig.close();
      await server.stop();
      await rm(work, { recursive: true, force: true });
    }
  }, 60_000);
});
