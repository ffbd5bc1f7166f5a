import { randomBytes } from "node:crypto";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createS3ObjectStore, type ObjectStore } from "@mercato/platform";
import { requireInfraUrl, type S3TestServer, startS3Server, waitFor } from "@mercato/testing";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  bombPng,
  executableBytes,
  exifHasGps,
  exifJpeg,
  smallPng,
  svgWithScript,
  testVideo,
  truncatedJpeg,
} from "../../services/media/test/fixtures.js";
import {
  adminCategory,
  graphqlClient,
  phoneBuyer,
  type RealInfra,
  type RestReply,
  realInfra,
  restClient,
  type Stack,
  startStack,
  verifiedSeller,
} from "./stack.js";

// One stack for the suite: on real PostgreSQL, NATS and Redis when DATABASE_URL is set (as in CI),
// on the embedded adapters otherwise; objects always go to the s3rver test server through presigned
// URLs, as a client's would. A second variant would double the suite's time for little.

const adminEmail = "media-admin@mercato.test";
const adminPassword = "media admin passphrase";
/** How long a download URL works here (MEDIA_URL_EXPIRY_MS), short enough to wait out. */
const urlExpiryMs = 3_000;

const databaseUrl = requireInfraUrl("DATABASE_URL");
const real: RealInfra | undefined = databaseUrl ? realInfra(databaseUrl) : undefined;

interface Rendition {
  size: string;
  format: string;
  width: number;
  height: number;
  url: string;
}

/** The renditions of an upright 3000×4000 photo: six sizes, each in AVIF and WebP. */
const portraitSizes: Record<string, [number, number]> = {
  thumbnail_small: [100, 100],
  thumbnail_large: [250, 250],
  main_mobile: [480, 640],
  main_tablet: [800, 1067],
  main_desktop: [1200, 1600],
  main_large_retina: [2000, 2667],
};

/** When an S3 V4 presigned URL stops working (X-Amz-Date + X-Amz-Expires), in epoch ms. */
function presignedExpiry(url: string): number {
  const query = new URL(url).searchParams;
  const date = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(query.get("X-Amz-Date") ?? "");
  const seconds = Number(query.get("X-Amz-Expires"));
  if (!date || !Number.isFinite(seconds)) throw new Error(`not a presigned URL: ${url}`);
  const [, y, mo, d, h, mi, s] = date.map(Number) as number[];
  return Date.UTC(y as number, (mo as number) - 1, d, h, mi, s) + seconds * 1000;
}

describe(`media through the gateway on S3 (${real ? "real PostgreSQL, NATS and Redis" : "embedded"})`, {
  timeout: 60_000,
}, () => {
  let s3: S3TestServer;
  let bucket: ObjectStore;
  let stack: Stack;
  let categoryId: string;
  let videoDir: string;
  const rest = restClient(() => `${stack.url}/api/v1`);
  const graphql = graphqlClient(() => stack.url);

  beforeAll(async () => {
    s3 = await startS3Server();
    bucket = await createS3ObjectStore(s3.storeOptions);
    videoDir = await mkdtemp(join(tmpdir(), "mercato-media-e2e-"));
    stack = await startStack({
      catalog: true,
      media: true,
      ...(real ? { real } : {}),
      env: {
        ...s3.env,
        MEDIA_URL_EXPIRY_MS: String(urlExpiryMs),
        ADMIN_EMAIL: adminEmail,
        ADMIN_PASSWORD: adminPassword,
      },
    });
    categoryId = await adminCategory(
      rest,
      { email: adminEmail, password: adminPassword },
      { name: "Pictures", slug: `pictures-${randomBytes(3).toString("hex")}` },
    );
  }, 120_000);

  afterAll(async () => {
    await stack?.stop();
    await bucket?.close();
    await s3?.stop();
    if (videoDir) await rm(videoDir, { recursive: true, force: true });
  });

  /** Asks for an upload and PUTs the bytes to the presigned URL with its headers, as a client would. */
  const put = async (token: string, bytes: Buffer, contentType: string, purpose = "product") => {
    const created = await rest("POST", "/media/uploads", {
      token,
      body: { purpose, contentType, byteSize: bytes.length },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body.media).toMatchObject({ status: "pending_upload" });
    expect(created.body.upload).toMatchObject({ method: "PUT" });
    expect(created.body.upload.url.startsWith(`${s3.endpoint}/${s3.bucket}/`)).toBe(true);
    expect(Date.parse(created.body.upload.expiresAt)).toBeGreaterThan(Date.now());
    const sent = await fetch(created.body.upload.url, {
      method: "PUT",
      headers: created.body.upload.headers,
      body: bytes,
    });
    expect(sent.status).toBe(200);
    return created.body.media.id as string;
  };

  /** Uploads and completes; answers the completion. */
  const upload = async (token: string, bytes: Buffer, contentType: string, purpose = "product") => {
    const id = await put(token, bytes, contentType, purpose);
    return { id, completed: await rest("POST", `/media/${id}/complete`, { token }) };
  };

  /** Polls the media until it is no longer processing. */
  const settled = (token: string, id: string) =>
    waitFor(
      async () => {
        const got = await rest("GET", `/media/${id}`, { token });
        return got.body.status === "processing" ? undefined : got;
      },
      { timeoutMs: 30_000, intervalMs: 200, message: `media ${id} never finished processing` },
    );

  /** Creates an active product showing `mediaIds`; answers the last refusal when it never takes them. */
  const createProduct = (token: string, title: string, mediaIds: string[]) =>
    rest("POST", "/products", {
      token,
      body: {
        title,
        description: "A print",
        categoryId,
        optionNames: [],
        status: "active",
        mediaIds,
        variants: [
          {
            sku: `SKU-${randomBytes(4).toString("hex")}`,
            price: { amountMinor: 4500, currency: "EUR" },
            options: {},
          },
        ],
      },
    });

  it("turns a sideways camera photo with GPS into twelve upright renditions without EXIF, shows it in REST and GraphQL search, and lets its URLs expire", async () => {
    const { token } = await verifiedSeller(stack, rest, "photo", { storefront: true });
    const photo = await exifJpeg(4000, 3000);
    expect(exifHasGps((await sharp(photo).metadata()).exif)).toBe(true);
    const { id, completed } = await upload(token, photo, "image/jpeg");
    expect(completed.status, JSON.stringify(completed.body)).toBe(200);
    const media = (await settled(token, id)).body;
    expect(media).toMatchObject({
      status: "ready",
      kind: "image",
      contentType: "image/jpeg",
      width: 3000,
      height: 4000,
    });
    const renditions = media.renditions as Rendition[];
    expect(renditions.map((r) => `${r.size} ${r.format} ${r.width}x${r.height}`).sort()).toEqual(
      Object.entries(portraitSizes)
        .flatMap(([size, [w, h]]) => [`${size} avif ${w}x${h}`, `${size} webp ${w}x${h}`])
        .sort(),
    );
    await Promise.all(
      renditions.map(async (r) => {
        const fetched = await fetch(r.url);
        expect(fetched.status, `${r.size} ${r.format}`).toBe(200);
        const meta = await sharp(Buffer.from(await fetched.arrayBuffer())).metadata();
        expect([meta.width, meta.height], `${r.size} ${r.format}`).toEqual([r.width, r.height]);
        expect(meta.exif, `${r.size} ${r.format} keeps EXIF`).toBeUndefined();
        expect(meta.orientation ?? 1).toBe(1);
        if (r.format === "avif") expect(meta.compression).toBe("av1");
        else expect(meta.format).toBe("webp");
      }),
    );

    // The products service learns the media is ready from media's event: until then it refuses it.
    const title = `Framed print ${randomBytes(3).toString("hex")}`;
    const product = await waitFor(
      async () => {
        const created = await createProduct(token, title, [id]);
        return created.status === 201 ? created : undefined;
      },
      { timeoutMs: 15_000, intervalMs: 200, message: "the product never took its ready media" },
    );
    expect(product.body.image).toMatchObject({ id });

    const hit = await waitFor(
      async () => {
        const found = await rest("GET", `/products?query=${encodeURIComponent(title)}`);
        return (found.body.items as { id: string; image?: { id: string; renditions: Rendition[] } }[])?.find(
          (item) => item.id === product.body.id,
        );
      },
      { timeoutMs: 15_000, intervalMs: 200, message: "the product never appeared in REST search" },
    );
    expect(hit.image?.id).toBe(id);
    const card = hit.image?.renditions.find((r) => r.size === "thumbnail_large" && r.format === "webp")?.url;
    if (!card) throw new Error(`no thumbnail_large webp in the hit: ${JSON.stringify(hit)}`);
    const cardBytes = await fetch(card);
    expect(cardBytes.status).toBe(200);
    expect(cardBytes.headers.get("content-type")).toBe("image/webp");
    expect((await sharp(Buffer.from(await cardBytes.arrayBuffer())).metadata()).width).toBe(250);

    const searched = await graphql(
      `query($q: String) { products(query: $q, first: 5) { edges { node { id image { url(size: MAIN_MOBILE, format: AVIF) width height placeholder } } } } }`,
      { q: title },
    );
    expect(searched.errors).toBeUndefined();
    const node = (
      (searched.data?.products.edges ?? []) as { node: { id: string; image: { url: string } } }[]
    ).find((e) => e.node.id === product.body.id)?.node;
    expect(node?.image).toMatchObject({ width: 3000, height: 4000 });
    const avif = await fetch(node?.image.url ?? "");
    expect(avif.status).toBe(200);
    expect((await sharp(Buffer.from(await avif.arrayBuffer())).metadata()).width).toBe(480);
    const shown = await graphql(
      `query($id: ID!) { product(id: $id) { media { id status url(size: THUMBNAIL_SMALL) renditions { size format } } } }`,
      { id: product.body.id },
    );
    expect(shown.errors).toBeUndefined();
    expect(shown.data?.product.media).toMatchObject([{ id, status: "READY" }]);
    expect(shown.data?.product.media[0].renditions).toHaveLength(12);

    // Once MEDIA_URL_EXPIRY_MS has passed since a URL was signed, S3 refuses it.
    const expiresAt = presignedExpiry(card);
    expect(expiresAt - Date.now()).toBeLessThanOrEqual(urlExpiryMs);
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, expiresAt - Date.now()) + 1_100));
    expect((await fetch(card)).status).toBe(403);
    // A fresh read signs a fresh URL that works again.
    const again = (await rest("GET", `/media/${id}`, { token })).body.renditions as Rendition[];
    const fresh = again.find((r) => r.size === "thumbnail_large" && r.format === "webp")?.url ?? "";
    expect(fresh).not.toBe(card);
    expect((await fetch(fresh)).status).toBe(200);
  });

  it("refuses bad files with a clear reason, keeps none of them, and stays up", async () => {
    const { token } = await verifiedSeller(stack, rest, "bad", { storefront: true });
    const before = new Set(await bucket.list(""));
    const notMedia = /not an image or video we accept/;
    const refused: [name: string, bytes: Buffer, declared: string, reason: RegExp, purpose?: string][] = [
      ["an executable renamed .jpg", executableBytes(), "image/jpeg", notMedia],
      ["an SVG with a script", svgWithScript(), "image/svg+xml", notMedia],
      ["a 30 000×30 000 PNG", bombPng(30_000), "image/png", /30000×30000 pixels .* more than the/],
      [
        "a video that says it is a JPEG avatar",
        await readFile(await testVideo(videoDir, { seconds: 1, width: 320, height: 240, audio: false })),
        "image/jpeg",
        /an avatar must be an image; this file is a video/,
        "avatar",
      ],
    ];
    const failed: string[] = [];
    for (const [name, bytes, declared, reason, purpose] of refused) {
      const { id, completed } = await upload(token, bytes, declared, purpose);
      expect(completed.status, `${name}: ${JSON.stringify(completed.body)}`).toBe(400);
      expect(completed.body.error.message, name).toMatch(reason);
      const got = await rest("GET", `/media/${id}`, { token });
      expect(got.body, name).toMatchObject({ status: "failed", renditions: [] });
      expect(got.body.failureReason, name).toMatch(reason);
      failed.push(id);
    }

    // Completing before the bytes were PUT is refused and changes nothing; bytes that are not the
    // size declared fail the media.
    const jpeg = await exifJpeg(400, 300);
    const early = await rest("POST", "/media/uploads", {
      token,
      body: { purpose: "product", contentType: "image/jpeg", byteSize: jpeg.length },
    });
    const tooEarly = await rest("POST", `/media/${early.body.media.id}/complete`, { token });
    expect(tooEarly.status, JSON.stringify(tooEarly.body)).toBe(422);
    expect(tooEarly.body.error.message).toMatch(/PUT the file to its upload URL first/);
    expect((await rest("GET", `/media/${early.body.media.id}`, { token })).body.status).toBe(
      "pending_upload",
    );
    const short = await rest("POST", "/media/uploads", {
      token,
      body: { purpose: "product", contentType: "image/jpeg", byteSize: jpeg.length + 10 },
    });
    // s3rver does not check the signed Content-Length (S3 would refuse this PUT); the service does.
    expect(
      (await fetch(short.body.upload.url, { method: "PUT", headers: short.body.upload.headers, body: jpeg }))
        .status,
    ).toBe(200);
    const shortCompleted = await rest("POST", `/media/${short.body.media.id}/complete`, { token });
    expect(shortCompleted.status, JSON.stringify(shortCompleted.body)).toBe(400);
    expect(shortCompleted.body.error.message).toMatch(/not the \d+ declared/);
    failed.push(short.body.media.id);

    // A truncated JPEG passes the checks of the upload and fails while it is processed.
    const truncated = await upload(token, await truncatedJpeg(), "image/jpeg");
    expect(truncated.completed.status, JSON.stringify(truncated.completed.body)).toBe(200);
    const broken = (await settled(token, truncated.id)).body;
    expect(broken).toMatchObject({ status: "failed", renditions: [] });
    expect(broken.failureReason).toEqual(expect.stringMatching(/\S/));
    failed.push(truncated.id);

    // 20 MB is refused before any URL is signed, naming the field.
    const big = await rest("POST", "/media/uploads", {
      token,
      body: { purpose: "product", contentType: "image/jpeg", byteSize: 20 * 1024 * 1024 },
    });
    expect(big.status).toBe(400);
    expect(JSON.stringify(big.body.error)).toContain("byteSize");

    // A content type that lies about a good PNG: the bytes decide, and it is kept as the PNG it is.
    const lying = await upload(token, await smallPng(300, 200), "image/gif");
    expect(lying.completed.status).toBe(200);
    expect((await settled(token, lying.id)).body).toMatchObject({
      status: "ready",
      contentType: "image/png",
    });

    // Nothing of the refused files stays (no upload, no rendition); only the PNG's renditions were
    // added: six, as a 300-pixel-wide image is not upscaled, so its four main sizes are the same
    // bytes under one content-addressed key per format.
    let added: string[] = [];
    await waitFor(async () => {
      added = (await bucket.list("")).filter((key) => !before.has(key));
      return added.length === 6 && added.every((key) => key.startsWith("media/"));
    }).catch((error: Error) => {
      throw new Error(`${error.message}; added: ${JSON.stringify(added)}`);
    });
    for (const id of failed) expect(added.some((key) => key.includes(id))).toBe(false);

    expect((await fetch(`${stack.service("media").url}/ready`)).status).toBe(200);
    const health = await fetch(`${stack.url}/health/services`);
    expect(health.status).toBe(200);
    expect(JSON.stringify(await health.json())).toContain("media");
  });

  it("keeps another seller from attaching, reading or deleting my media, and lets any signed-in user upload an avatar", async () => {
    const mine = await verifiedSeller(stack, rest, "owner", { storefront: true });
    const other = await verifiedSeller(stack, rest, "other", { storefront: true });
    const { id } = await upload(mine.token, await smallPng(120, 120), "image/png");
    expect((await settled(mine.token, id)).body.status).toBe("ready");

    // Even once products knows the media is ready (my own product takes it), theirs is refused.
    await waitFor(async () => (await createProduct(mine.token, "Mine", [id])).status === 201, {
      timeoutMs: 15_000,
      intervalMs: 200,
      message: "my product never took my ready media",
    });
    const attach: RestReply = await createProduct(other.token, "Not mine", [id]);
    expect(attach.status).toBe(400);
    expect(JSON.stringify(attach.body.error)).toContain("mediaIds[0]");
    expect((await rest("GET", `/media/${id}`, { token: other.token })).status).toBe(403);
    expect((await rest("DELETE", `/media/${id}`, { token: other.token })).status).toBe(403);
    const deleted = await graphql(`mutation($id: ID!) { deleteMedia(id: $id) }`, { id }, other.token);
    expect(deleted.errors?.[0]?.extensions?.code).toBe("PERMISSION_DENIED");
    expect((await rest("GET", `/media/${id}`, { token: mine.token })).body.status).toBe("ready");

    // The service lets any signed-in user upload (an avatar is a buyer's); nobody signed in may not.
    expect(
      (
        await rest("POST", "/media/uploads", {
          body: { purpose: "avatar", contentType: "image/png", byteSize: 100 },
        })
      ).status,
    ).toBe(401);
    const buyer = await phoneBuyer(stack, rest);
    const avatar = await smallPng(64, 64);
    const created = await graphql(
      `mutation($input: CreateUploadInput!) { createUpload(input: $input) { media { id status } uploadUrl uploadHeaders { name value } } }`,
      { input: { purpose: "AVATAR", contentType: "image/png", byteSize: avatar.length } },
      buyer,
    );
    expect(created.errors).toBeUndefined();
    const { media, uploadUrl, uploadHeaders } = (created.data?.createUpload ?? {}) as {
      media: { id: string; status: string };
      uploadUrl: string;
      uploadHeaders: { name: string; value: string }[];
    };
    expect(media.status).toBe("PENDING_UPLOAD");
    const sent = await fetch(uploadUrl, {
      method: "PUT",
      headers: Object.fromEntries(uploadHeaders.map((h) => [h.name, h.value])),
      body: avatar,
    });
    expect(sent.status).toBe(200);
    const completed = await graphql(
      `mutation($id: ID!) { completeUpload(id: $id) { id status } }`,
      { id: media.id },
      buyer,
    );
    expect(completed.errors).toBeUndefined();
    const ready = await waitFor(
      async () => {
        const got = await graphql(
          `query($id: ID!) { media(id: $id) { status purpose width } }`,
          { id: media.id },
          buyer,
        );
        return got.data?.media?.status === "READY" ? got.data.media : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 200, message: "the avatar never became ready" },
    );
    expect(ready).toMatchObject({ purpose: "AVATAR", width: 64 });
    // The buyer's media is theirs alone too.
    expect((await rest("GET", `/media/${media.id}`, { token: mine.token })).status).toBe(403);
  });
});
