import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { isBlurhashValid } from "blurhash";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MediaRejected } from "../src/pipeline/errors.js";
import {
  imageSizes,
  type ProcessedImage,
  probeImage,
  processImage,
  renditionFormats,
  renditionKey,
} from "../src/pipeline/image.js";
import { sniffHeadBytes, sniffType } from "../src/pipeline/sniff.js";
import {
  extractPoster,
  type HlsOutput,
  probeVideo,
  ToolFailed,
  transcodeHls,
} from "../src/pipeline/video.js";
import {
  bombPng,
  executableBytes,
  exifHasGps,
  exifJpeg,
  smallPng,
  svgWithScript,
  testVideo,
  truncatedJpeg,
} from "./fixtures.js";

const exec = promisify(execFile);
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "mercato-media-pipeline-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const rejection = async (work: Promise<unknown>) => {
  const error = await work.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(MediaRejected);
  return (error as MediaRejected).message;
};

describe("sniffType", () => {
  it("recognises each accepted image type by its bytes", async () => {
    const base = sharp({ create: { width: 8, height: 8, channels: 3, background: "#336699" } });
    const made = {
      "image/jpeg": await base.clone().jpeg().toBuffer(),
      "image/png": await base.clone().png().toBuffer(),
      "image/webp": await base.clone().webp().toBuffer(),
      "image/avif": await base.clone().avif().toBuffer(),
      "image/gif": await base.clone().gif().toBuffer(),
    };
    for (const [mime, bytes] of Object.entries(made))
      expect(await sniffType(bytes)).toEqual({ kind: "image", mime });
  });

  it("recognises MP4, QuickTime and WebM videos, and refuses Matroska", async () => {
    const mp4 = await testVideo(dir, { seconds: 1, width: 160, height: 120, name: "sniff.mp4" });
    const remux = async (name: string, ...codec: string[]) => {
      const path = join(dir, name);
      await exec("ffmpeg", ["-v", "error", "-y", "-i", mp4, ...codec, path]);
      return path;
    };
    const head = async (path: string) => (await readFile(path)).subarray(0, sniffHeadBytes);
    expect(await sniffType(await head(mp4))).toEqual({ kind: "video", mime: "video/mp4" });
    expect(await sniffType(await head(await remux("sniff.mov", "-c", "copy")))).toEqual({
      kind: "video",
      mime: "video/quicktime",
    });
    const webm = await remux("sniff.webm", "-c:v", "libvpx", "-deadline", "realtime", "-c:a", "libvorbis");
    expect(await sniffType(await head(webm))).toEqual({ kind: "video", mime: "video/webm" });
    expect(await probeVideo(webm)).toMatchObject({ width: 160, height: 120, codec: "vp8" });
    expect(await sniffType(await head(await remux("sniff.mkv", "-c", "copy")))).toBeUndefined();
  });

  it("refuses an executable named .jpg, an SVG with a script and unknown bytes", async () => {
    expect(await sniffType(executableBytes())).toBeUndefined();
    expect(await sniffType(svgWithScript())).toBeUndefined();
    expect(await sniffType(Buffer.from("just some text, not an image"))).toBeUndefined();
    expect(await sniffType(new Uint8Array(0))).toBeUndefined();
  });
});

describe("images", () => {
  let jpeg: Buffer;
  let processed: ProcessedImage;

  beforeAll(async () => {
    jpeg = await exifJpeg(4000, 3000);
    processed = await processImage(jpeg);
  });

  it("the fixture really carries EXIF orientation 6 and GPS tags", async () => {
    const metadata = await sharp(jpeg).metadata();
    expect(metadata.orientation).toBe(6);
    expect(exifHasGps(metadata.exif)).toBe(true);
  });

  it("probeImage gives the upright size from the header", async () => {
    expect(await probeImage(jpeg)).toEqual({ width: 3000, height: 4000, format: "jpeg" });
  });

  it("processImage makes six sizes in AVIF and WebP, upright and fitted", () => {
    expect(processed).toMatchObject({ width: 3000, height: 4000, format: "jpeg" });
    const made = processed.renditions.map((r) => `${r.size} ${r.format} ${r.width}x${r.height}`);
    expect(made).toEqual([
      "thumbnail_small avif 100x100",
      "thumbnail_small webp 100x100",
      "thumbnail_large avif 250x250",
      "thumbnail_large webp 250x250",
      "main_mobile avif 480x640",
      "main_mobile webp 480x640",
      "main_tablet avif 800x1067",
      "main_tablet webp 800x1067",
      "main_desktop avif 1200x1600",
      "main_desktop webp 1200x1600",
      "main_large_retina avif 2000x2667",
      "main_large_retina webp 2000x2667",
    ]);
  });

  it("each rendition's bytes are of its format, at the size it states", async () => {
    for (const rendition of processed.renditions) {
      expect(await sniffType(rendition.bytes)).toEqual({ kind: "image", mime: rendition.contentType });
      expect(rendition.contentType).toBe(`image/${rendition.format}`);
      const metadata = await sharp(rendition.bytes).metadata();
      expect([metadata.width, metadata.height]).toEqual([rendition.width, rendition.height]);
    }
  });

  it("renditions carry no EXIF (no GPS) and no orientation to apply", async () => {
    for (const rendition of processed.renditions) {
      const metadata = await sharp(rendition.bytes).metadata();
      expect(metadata.exif).toBeUndefined();
      expect(metadata.orientation ?? 1).toBe(1);
      expect(rendition.bytes.includes(Buffer.from("Mercato test camera"))).toBe(false);
    }
  });

  it("gives a BlurHash placeholder and the dominant colour", () => {
    expect(isBlurhashValid(processed.placeholder)).toEqual({ result: true });
    expect(processed.placeholder).toHaveLength(4 + 2 * 4 * 3);
    expect(processed.dominantColor).toMatch(/^#[0-9a-f]{6}$/);
  });

  it("never upscales a small image to the main sizes", async () => {
    const small = await processImage(await smallPng(64, 48));
    for (const rendition of small.renditions) {
      const size = imageSizes.find((s) => s.name === rendition.size);
      if (size?.fit === "cover")
        expect([rendition.width, rendition.height]).toEqual([size.width, size.height]);
      else expect([rendition.width, rendition.height]).toEqual([64, 48]);
    }
    expect(small.renditions).toHaveLength(imageSizes.length * renditionFormats.length);
  });

  it("refuses a 30 000×30 000 PNG from its header, without decoding it", async () => {
    const bomb = bombPng(30_000);
    expect(bomb.length).toBeLessThan(100_000);
    const started = performance.now();
    expect(await rejection(probeImage(bomb))).toBe(
      "the image is 30000×30000 pixels (900 megapixels), more than the 50 megapixels allowed",
    );
    expect(await rejection(processImage(bomb))).toContain("more than the 50 megapixels allowed");
    // Decoding 2.7 GB of pixels would take far longer than this.
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it("applies a smaller pixel limit when asked", async () => {
    expect(await rejection(probeImage(jpeg, { maxPixels: 1_000_000 }))).toContain(
      "more than the 1 megapixels allowed",
    );
  });

  it("refuses a truncated JPEG", async () => {
    expect(await rejection(processImage(await truncatedJpeg()))).toBe(
      "the image is damaged or incomplete and could not be decoded",
    );
  });

  it("refuses an SVG with a script, and an executable named .jpg", async () => {
    expect(await rejection(processImage(svgWithScript()))).toBe(
      "SVG images are not accepted; upload a JPEG, PNG, WebP, AVIF or GIF",
    );
    expect(await rejection(processImage(executableBytes()))).toBe(
      "the file is not an image we can read: it is damaged or of an unknown type",
    );
  });

  it("renditionKey addresses bytes by their SHA-256", () => {
    const bytes = Buffer.from("abc");
    expect(renditionKey(bytes, "avif")).toBe(
      "media/ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad.avif",
    );
    expect(renditionKey(Buffer.from("abc"), "webp")).toMatch(/^media\/ba7816bf[0-9a-f]{56}\.webp$/);
    expect(renditionKey(Buffer.from("abd"), "webp")).not.toBe(renditionKey(bytes, "webp"));
  });
});

const ffprobeStreams = async (path: string) => {
  const { stdout } = await exec("ffprobe", ["-v", "error", "-print_format", "json", "-show_streams", path]);
  return (
    JSON.parse(stdout) as {
      streams: { codec_type: string; codec_name: string; width?: number; height?: number }[];
    }
  ).streams;
};

describe("videos", () => {
  let source: string;
  let hls: HlsOutput;
  const progress: number[] = [];

  beforeAll(async () => {
    source = await testVideo(dir, { seconds: 10, width: 1280, height: 720 });
    hls = await transcodeHls(source, join(dir, "hls"), { onProgress: (fraction) => progress.push(fraction) });
  });

  it("probeVideo reads size, duration, audio and codec", async () => {
    const probe = await probeVideo(source);
    expect(probe).toMatchObject({ width: 1280, height: 720, hasAudio: true, codec: "h264" });
    expect(probe.durationSeconds).toBeCloseTo(10, 0);
  });

  it("transcodeHls writes 360p and 720p renditions (none taller than the source) and a master", async () => {
    expect(hls.renditionHeights).toEqual([360, 720]);
    expect(hls.files).toContain("master.m3u8");
    expect(hls.files).toEqual(
      expect.arrayContaining(["360p/index.m3u8", "720p/index.m3u8", "360p/segment_000.ts"]),
    );
    const master = await readFile(join(dir, "hls", "master.m3u8"), "utf8");
    expect(master).toMatch(
      /BANDWIDTH=\d+,RESOLUTION=640x360,CODECS="avc1\.[0-9a-f]{6},mp4a\.40\.2"\n360p\/index\.m3u8/,
    );
    expect(master).toMatch(
      /BANDWIDTH=\d+,RESOLUTION=1280x720,CODECS="avc1\.[0-9a-f]{6},mp4a\.40\.2"\n720p\/index\.m3u8/,
    );
  });

  it("each rendition is H.264 yuv420p with AAC that ffprobe reads at its height", async () => {
    for (const height of [360, 720]) {
      const streams = await ffprobeStreams(join(dir, "hls", `${height}p`, "index.m3u8"));
      expect(streams.find((s) => s.codec_type === "video")).toMatchObject({ codec_name: "h264", height });
      expect(streams.find((s) => s.codec_type === "audio")).toMatchObject({ codec_name: "aac" });
    }
  });

  it("cuts ~6 s segments, aligned across renditions", async () => {
    const durations = async (height: number) =>
      [
        ...(await readFile(join(dir, "hls", `${height}p`, "index.m3u8"), "utf8")).matchAll(
          /#EXTINF:([\d.]+)/g,
        ),
      ].map((m) => Number(m[1]));
    const low = await durations(360);
    expect(low).toHaveLength(2);
    expect(low[0]).toBeCloseTo(6, 1);
    expect(low.reduce((a, b) => a + b, 0)).toBeCloseTo(10, 0);
    expect(await durations(720)).toEqual(low);
  });

  it("reports progress up to 1", () => {
    expect(progress.length).toBeGreaterThan(1);
    expect(
      progress.every((fraction, i) => fraction >= 0 && fraction <= 1 && fraction >= (progress[i - 1] ?? 0)),
    ).toBe(true);
    expect(progress.at(-1)).toBe(1);
  });

  it("extractPoster writes a frame that processImage takes", async () => {
    const poster = join(dir, "poster.png");
    await extractPoster(source, poster);
    const image = await processImage(await readFile(poster));
    expect([image.width, image.height]).toEqual([1280, 720]);
  });

  it("a source below 360p without audio gets one rendition at its own height, video only", async () => {
    const small = await testVideo(dir, {
      seconds: 2,
      width: 320,
      height: 240,
      audio: false,
      name: "small.mp4",
    });
    expect(await probeVideo(small)).toMatchObject({ width: 320, height: 240, hasAudio: false });
    const out = await transcodeHls(small, join(dir, "small"));
    expect(out.renditionHeights).toEqual([240]);
    const streams = await ffprobeStreams(join(dir, "small", "240p", "index.m3u8"));
    expect(streams.map((s) => s.codec_type)).toEqual(["video"]);
    expect(await readFile(join(dir, "small", "master.m3u8"), "utf8")).toContain("RESOLUTION=320x240");
  });

  it("a portrait video's renditions are laddered by its width", async () => {
    const portrait = await testVideo(dir, {
      seconds: 1,
      width: 360,
      height: 640,
      audio: false,
      name: "portrait.mp4",
    });
    const out = await transcodeHls(portrait, join(dir, "portrait"));
    expect(out.renditionHeights).toEqual([360]);
    expect(await readFile(join(dir, "portrait", "master.m3u8"), "utf8")).toContain("RESOLUTION=360x640");
  });

  it("kills a tool that passes its deadline, and says so", async () => {
    // Probed first with the default deadline: on a busy machine ffprobe alone can pass 200 ms.
    const probe = await probeVideo(source);
    const error = await transcodeHls(source, join(dir, "late"), { timeoutMs: 200, probe }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ToolFailed);
    expect(error).toMatchObject({ why: "stopped", message: "ffmpeg did not finish within 0.2 s" });
  });

  it("probeVideo refuses a truncated video and an image", async () => {
    const truncated = join(dir, "truncated.mp4");
    const bytes = await readFile(source);
    await writeFile(truncated, bytes.subarray(0, bytes.length / 2));
    expect(await rejection(probeVideo(truncated))).toBe(
      "the video could not be read: it is damaged or not a video we accept",
    );
    const png = join(dir, "image.png");
    await writeFile(png, await smallPng());
    expect(await rejection(probeVideo(png))).toBe(
      "the video could not be read: it is damaged or not a video we accept",
    );
  });
});
