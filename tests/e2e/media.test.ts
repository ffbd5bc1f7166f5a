import { randomBytes } from "node:crypto";
import { createS3ObjectStore, type ObjectStore } from "@mercato/platform";
import { describeWithInfra, type S3TestServer, startS3Server, waitFor } from "@mercato/testing";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { adminCategory, type RestReply, restClient, type Stack, startStack } from "./stack.js";

const adminEmail = "media-admin@mercato.test";
const adminPassword = "media admin passphrase";

/** A photo-like 4000×3000 JPEG stored sideways (EXIF orientation 6) with the camera's GPS position. */
async function cameraPhoto(): Promise<Buffer> {
  const seed = await sharp({
    create: {
      width: 40,
      height: 30,
      channels: 3,
      background: "#808080",
      noise: { type: "gaussian", mean: 128, sigma: 60 },
    },
  })
    .png()
    .toBuffer();
  return sharp(seed)
    .resize(4000, 3000, { kernel: "cubic" })
    .jpeg({ quality: 85 })
    .withMetadata({ orientation: 6 })
    .withExif({
      IFD3: {
        GPSLatitudeRef: "N",
        GPSLatitude: "52/1 31/1 0/1",
        GPSLongitudeRef: "E",
        GPSLongitude: "13/1 24/1 0/1",
      },
    })
    .toBuffer();
}

describeWithInfra(
  "DATABASE_URL",
  "media through the gateway, on S3 and real infrastructure",
  (databaseUrl) => {
    describe("media through the gateway, on S3 and real infrastructure", { timeout: 90_000 }, () => {
      let s3: S3TestServer;
      let bucket: ObjectStore;
      let stack: Stack;
      let categoryId: string;
      const rest = restClient(() => `${stack.url}/api/v1`);

      beforeAll(async () => {
        s3 = await startS3Server();
        bucket = await createS3ObjectStore(s3.storeOptions);
        stack = await startStack({
          catalog: true,
          media: true,
          real: {
            databaseUrl,
            natsUrl: process.env.NATS_URL ?? "nats://127.0.0.1:4222",
            redisUrl: process.env.REDIS_URL ?? "redis://127.0.0.1:6379",
          },
          env: {
            ...s3.env,
            MEDIA_URL_EXPIRY_MS: "4000",
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
      });

      /** A verified seller with an open storefront. */
      const seller = async (name: string) => {
        const email = `${name}-${randomBytes(4).toString("hex")}@shop.test`;
        const password = `${name} has a long passphrase`;
        expect((await rest("POST", "/auth/sellers", { body: { email, password } })).status).toBe(201);
        const verify = await stack.linkTokenFor(email, "/api/v1/auth/email/verify");
        expect((await rest("GET", `/auth/email/verify?token=${verify}`)).status).toBe(200);
        const token = (await rest("POST", "/auth/login", { body: { email, password } })).body
          .accessToken as string;
        const slug = `${name}-${randomBytes(3).toString("hex")}`;
        const store = await rest("POST", "/sellers", {
          token,
          body: {
            name: `${name} shop`,
            slug,
            contact: { email: `hello@${slug}.test` },
            address: { line1: "Hauptstraße 1", city: "Berlin", postalCode: "10115", countryCode: "DE" },
            location: { lat: 52.52, lng: 13.405 },
          },
        });
        expect(store.status, JSON.stringify(store.body)).toBe(201);
        return { token };
      };

      /** Asks for an upload, PUTs the bytes to the presigned URL as a client would, and completes it. */
      const upload = async (token: string, bytes: Buffer, contentType: string, purpose = "product") => {
        const created = await rest("POST", "/media/uploads", {
          token,
          body: { purpose, contentType, byteSize: bytes.length },
        });
        expect(created.status, JSON.stringify(created.body)).toBe(201);
        expect(created.body.upload.url).toContain(s3.endpoint);
        const put = await fetch(created.body.upload.url, {
          method: "PUT",
          headers: created.body.upload.headers,
          body: bytes,
        });
        expect(put.status).toBe(200);
        const id = created.body.media.id as string;
        return { id, completed: await rest("POST", `/media/${id}/complete`, { token }) };
      };

      const settled = (token: string, id: string) =>
        waitFor(
          async () => {
            const got = await rest("GET", `/media/${id}`, { token });
            return got.body.status === "processing" ? undefined : got;
          },
          { timeoutMs: 60_000, intervalMs: 200, message: `media ${id} never finished processing` },
        );

      const bucketKeys = () => bucket.list("");

      it("makes twelve upright renditions without EXIF of a camera photo, shows the picture in search, and refuses an expired URL", async () => {
        const { token } = await seller("photo");
        const { id, completed } = await upload(token, await cameraPhoto(), "image/jpeg");
        expect(completed.status, JSON.stringify(completed.body)).toBe(200);
        const media = (await settled(token, id)).body;
        expect(media).toMatchObject({ status: "ready", kind: "image", width: 3000, height: 4000 });
        expect(media.renditions).toHaveLength(12);
        for (const r of media.renditions as {
          size: string;
          format: string;
          width: number;
          height: number;
          url: string;
        }[]) {
          const bytes = Buffer.from(await (await fetch(r.url)).arrayBuffer());
          const meta = await sharp(bytes).metadata();
          expect([meta.width, meta.height], `${r.size} ${r.format}`).toEqual([r.width, r.height]);
          expect(meta.exif).toBeUndefined();
          expect(r.format === "avif" ? meta.compression : meta.format).toBe(
            r.format === "avif" ? "av1" : "webp",
          );
          if (r.size === "main_large_retina") expect([r.width, r.height]).toEqual([2000, 2667]);
        }
        const title = `Framed print ${randomBytes(3).toString("hex")}`;
        const product = await waitFor(
          async () => {
            const created = await rest("POST", "/products", {
              token,
              body: {
                title,
                description: "A print",
                categoryId,
                optionNames: [],
                status: "active",
                mediaIds: [id],
                variants: [
                  {
                    sku: `PRINT-${randomBytes(3).toString("hex")}`,
                    price: { amountMinor: 4500, currency: "EUR" },
                    options: {},
                  },
                ],
              },
            });
            // The products service learns the media is ready from media's event; until then it refuses it.
            return created.status === 201 ? created : undefined;
          },
          { timeoutMs: 15_000, intervalMs: 200, message: "the product never took its ready media" },
        );
        expect(product.body.image?.id).toBe(id);
        const hit = await waitFor(
          async () => {
            const found = await rest("GET", `/products?query=${encodeURIComponent(title)}`);
            return (
              found.body.items as {
                id: string;
                image?: { renditions: { size: string; format: string; url: string }[] };
              }[]
            )?.find((item) => item.id === product.body.id);
          },
          { timeoutMs: 15_000, intervalMs: 200, message: "the product never appeared in search" },
        );
        const card =
          hit.image?.renditions.find((r) => r.size === "thumbnail_large" && r.format === "webp")?.url ?? "";
        const fetched = await fetch(card);
        expect(fetched.status).toBe(200);
        expect((await sharp(Buffer.from(await fetched.arrayBuffer())).metadata()).width).toBe(250);
        const graphql = await fetch(`${stack.url}/graphql`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({
            query: `query($q: String) { products(query: $q, first: 5) { edges { node { id image { url(size: MAIN_MOBILE, format: AVIF) width height placeholder } } } } }`,
            variables: { q: title },
          }),
        });
        const edges = (
          (await graphql.json()) as {
            data: { products: { edges: { node: { id: string; image: { url: string } } }[] } };
          }
        ).data.products.edges;
        const node = edges.find((e) => e.node.id === product.body.id)?.node;
        expect(node?.image.url).toContain(".avif");
        expect((await fetch(node?.image.url ?? "")).status).toBe(200);
        // The URL works for MEDIA_URL_EXPIRY_MS (4 s here), then S3 refuses it.
        await new Promise((resolve) => setTimeout(resolve, 4_500));
        expect((await fetch(card)).status).toBe(403);
      });

      it("refuses bad input with a clear reason, keeps none of it, and stays up", async () => {
        const { token } = await seller("bad");
        const before = await bucketKeys();
        const refusals: [Buffer, string, RegExp][] = [
          [
            Buffer.concat([Buffer.from("MZ\x90\x00"), randomBytes(2000)]),
            "image/jpeg",
            /not an image or video we accept/,
          ],
          [
            Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
            "image/svg+xml",
            /not an image or video we accept/,
          ],
          [
            await sharp({ create: { width: 300, height: 200, channels: 3, background: "#000" } })
              .png()
              .toBuffer(),
            "image/gif",
            /./,
          ],
        ];
        for (const [bytes, type, reason] of refusals.slice(0, 2)) {
          const { id, completed } = await upload(token, bytes, type);
          expect(completed.status).toBe(400);
          expect(completed.body.error.message).toMatch(reason);
          expect((await rest("GET", `/media/${id}`, { token })).body).toMatchObject({ status: "failed" });
        }
        // A content type that lies about a good PNG: the bytes decide, and it is shown as the PNG it is.
        const lying = await upload(token, refusals[2]?.[0] as Buffer, "image/gif");
        expect(lying.completed.status).toBe(200);
        expect((await settled(token, lying.id)).body).toMatchObject({
          status: "ready",
          contentType: "image/png",
        });
        // A truncated JPEG passes the header checks and fails in processing.
        const whole = await sharp({ create: { width: 640, height: 480, channels: 3, background: "#369" } })
          .jpeg()
          .toBuffer();
        const truncated = await upload(token, whole.subarray(0, Math.floor(whole.length / 2)), "image/jpeg");
        expect((await settled(token, truncated.id)).body).toMatchObject({ status: "failed" });
        const big = await rest("POST", "/media/uploads", {
          token,
          body: { purpose: "product", contentType: "image/jpeg", byteSize: 20 * 1024 * 1024 },
        });
        expect(big.status).toBe(400);
        expect(JSON.stringify(big.body.error)).toMatch(/byteSize/);
        // Only the lying PNG's renditions were added (six distinct: a 300-pixel-wide image is not
        // upscaled, so its four main sizes are the same bytes under one content-addressed key each
        // format); no upload stayed.
        let added: string[] = [];
        await waitFor(async () => {
          added = (await bucketKeys()).filter((key) => !before.includes(key));
          return added.length === 6 && added.every((key) => key.startsWith("media/"));
        }).catch((error: Error) => {
          throw new Error(`${error.message}; added: ${JSON.stringify(added)}`);
        });
        expect((await fetch(`${stack.service("media").url}/ready`)).status).toBe(200);
        expect((await fetch(`${stack.url}/health/services`)).status).toBe(200);
      });

      it("keeps another seller from attaching, reading or deleting my media", async () => {
        const mine = await seller("owner");
        const other = await seller("other");
        const png = await sharp({ create: { width: 120, height: 120, channels: 3, background: "#a52" } })
          .png()
          .toBuffer();
        const { id } = await upload(mine.token, png, "image/png");
        await settled(mine.token, id);
        const attach: RestReply = await rest("POST", "/products", {
          token: other.token,
          body: {
            title: "Not mine",
            description: "x",
            categoryId,
            optionNames: [],
            mediaIds: [id],
            variants: [
              {
                sku: `NM-${randomBytes(3).toString("hex")}`,
                price: { amountMinor: 100, currency: "EUR" },
                options: {},
              },
            ],
          },
        });
        expect(attach.status).toBe(400);
        expect(JSON.stringify(attach.body.error)).toContain("mediaIds[0]");
        expect((await rest("GET", `/media/${id}`, { token: other.token })).status).toBe(403);
        expect((await rest("DELETE", `/media/${id}`, { token: other.token })).status).toBe(403);
        expect((await rest("GET", `/media/${id}`, { token: mine.token })).body.status).toBe("ready");
      });
    });
  },
);
