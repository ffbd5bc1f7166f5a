import { createS3ObjectStore, type ObjectStore } from "@mercato/platform";
import { type S3TestServer, startS3Server } from "@mercato/testing";
import type { S3Event } from "aws-lambda";
import sharp from "sharp";
import { v7 as uuidv7 } from "uuid";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHandler, handler as lambdaHandler, type Manifest } from "../src/lambda.js";
import { immutableCacheControl } from "../src/pipeline/image.js";
import { sniffType } from "../src/pipeline/sniff.js";
import { exifJpeg, smallPng, svgWithScript } from "./fixtures.js";

/** An S3 `ObjectCreated:Put` event of one object, as S3 sends it (the key URL-encoded). */
function objectCreated(bucket: string, key: string, size: number): S3Event {
  return {
    Records: [
      {
        eventVersion: "2.1",
        eventSource: "aws:s3",
        awsRegion: "us-east-1",
        eventTime: new Date().toISOString(),
        eventName: "ObjectCreated:Put",
        userIdentity: { principalId: "AWS:EXAMPLE" },
        requestParameters: { sourceIPAddress: "127.0.0.1" },
        responseElements: { "x-amz-request-id": "EXAMPLE", "x-amz-id-2": "EXAMPLE" },
        s3: {
          s3SchemaVersion: "1.0",
          configurationId: "media-uploads",
          bucket: { name: bucket, ownerIdentity: { principalId: "EXAMPLE" }, arn: `arn:aws:s3:::${bucket}` },
          object: { key: encodeURIComponent(key).replace(/%2F/g, "/"), size, eTag: "0", sequencer: "0" },
        },
      },
    ],
  };
}

describe("the Lambda handler", () => {
  let server: S3TestServer;
  let store: ObjectStore;
  let handler: ReturnType<typeof createHandler>;

  beforeAll(async () => {
    server = await startS3Server();
    store = await createS3ObjectStore(server.storeOptions);
    handler = createHandler(store, { bucket: server.bucket, log: () => {} });
  });
  afterAll(async () => {
    await store?.close();
    await server?.stop();
  });

  const manifestOf = async (mediaId: string) =>
    JSON.parse((await store.get(`manifests/${mediaId}.json`)).toString("utf8")) as Manifest;

  it("writes twelve immutable content-addressed renditions and a manifest of an uploaded JPEG", async () => {
    const mediaId = uuidv7();
    const jpeg = await exifJpeg(1600, 1200);
    await store.put(`uploads/${mediaId}`, jpeg, { contentType: "image/jpeg" });

    const handled = await handler(objectCreated(server.bucket, `uploads/${mediaId}`, jpeg.length));
    expect(handled).toEqual([
      { key: `uploads/${mediaId}`, outcome: "ready", manifestKey: `manifests/${mediaId}.json` },
    ]);

    const manifest = await manifestOf(mediaId);
    if ("failed" in manifest) throw new Error(`failed: ${manifest.failed}`);
    expect(manifest).toMatchObject({ mediaId, source: `uploads/${mediaId}`, width: 1200, height: 1600 });
    expect(manifest.placeholder.length).toBeGreaterThan(20);
    expect(manifest.dominantColor).toMatch(/^#[0-9a-f]{6}$/);
    expect(manifest.renditions).toHaveLength(12);
    expect(await store.list("media/")).toEqual(expect.arrayContaining(manifest.renditions.map((r) => r.key)));
    for (const rendition of manifest.renditions) {
      expect(rendition.key).toMatch(new RegExp(`^media/[0-9a-f]{64}\\.${rendition.format}$`));
      expect(await store.stat(rendition.key)).toEqual({
        key: rendition.key,
        size: rendition.byteSize,
        contentType: `image/${rendition.format}`,
        cacheControl: immutableCacheControl,
      });
      const bytes = await store.get(rendition.key);
      expect(await sniffType(bytes)).toEqual({ kind: "image", mime: `image/${rendition.format}` });
      const metadata = await sharp(bytes).metadata();
      expect([metadata.width, metadata.height]).toEqual([rendition.width, rendition.height]);
    }
  });

  it("writes a failed manifest with the reason for an SVG, and no renditions", async () => {
    const mediaId = uuidv7();
    const before = await store.list("media/");
    await store.put(`uploads/${mediaId}`, svgWithScript(), { contentType: "image/jpeg" });
    const handled = await handler(objectCreated(server.bucket, `uploads/${mediaId}`, svgWithScript().length));
    expect(handled[0]?.outcome).toBe("failed");
    expect(await manifestOf(mediaId)).toMatchObject({
      mediaId,
      failed:
        "the file is not an image we accept (JPEG, PNG, WebP, AVIF or GIF), whatever its name or declared type",
    });
    expect(await store.list("media/")).toEqual(before);
  });

  it("the exported handler builds its store from S3_* variables", async () => {
    const saved = { ...process.env };
    Object.assign(process.env, server.env);
    try {
      const mediaId = uuidv7();
      const png = await smallPng();
      await store.put(`uploads/${mediaId}`, png, { contentType: "image/png" });
      const handled = await lambdaHandler(objectCreated(server.bucket, `uploads/${mediaId}`, png.length));
      expect(handled[0]?.outcome).toBe("ready");
      expect(await manifestOf(mediaId)).toMatchObject({ mediaId, width: 64, height: 48, format: "png" });
    } finally {
      process.env = saved;
    }
  });

  it("skips its own writes and keys outside uploads/", async () => {
    const handled = await handler(objectCreated(server.bucket, "manifests/x.json", 10));
    expect(handled).toEqual([{ key: "manifests/x.json", outcome: "skipped" }]);
  });
});
