import { spawn } from "node:child_process";
import { mkdir, readdir } from "node:fs/promises";
import { join, relative, sep } from "node:path";
import { MediaRejected } from "./errors.js";

/** What ffprobe says of an accepted video. */
export interface VideoProbe {
  /** Displayed width in pixels (after any rotation the container asks for). */
  width: number;
  /** Displayed height in pixels. */
  height: number;
  durationSeconds: number;
  hasAudio: boolean;
  /** The video codec, as ffprobe names it (`h264`, `hevc`, `vp9`, `av1`, ...). */
  codec: string;
}

/**
 * One HLS rendition: its height in pixels (the shorter side, so a portrait phone video's "720p" is
 * 720×1280) and target bit rates in bits per second.
 */
export interface HlsRung {
  height: number;
  videoBitrate: number;
  audioBitrate: number;
}

/** The HLS ladder, lowest first; a source gets the rungs no larger than its shorter side. */
export const hlsLadder: readonly HlsRung[] = [
  { height: 360, videoBitrate: 800_000, audioBitrate: 96_000 },
  { height: 720, videoBitrate: 2_800_000, audioBitrate: 128_000 },
  { height: 1080, videoBitrate: 5_000_000, audioBitrate: 128_000 },
];

/** Target segment length of HLS renditions in seconds. */
export const hlsSegmentSeconds = 6;

/** Options of running ffprobe or ffmpeg. */
export interface ToolOptions {
  /** Kill the tool after this many milliseconds; defaults depend on the step. */
  timeoutMs?: number;
  /** Kill the tool when this aborts (a job being cancelled or the process stopping). */
  signal?: AbortSignal;
}

/** Options of `transcodeHls`. */
export interface TranscodeOptions extends ToolOptions {
  /** Called with the fraction done, 0 to 1, as ffmpeg reports its progress. */
  onProgress?: (fraction: number) => void;
  /** The source's probe, when the caller has it already. */
  probe?: VideoProbe;
}

/** What `transcodeHls` wrote. */
export interface HlsOutput {
  /** The master playlist, relative to the output folder (`master.m3u8`). */
  master: string;
  /** Every file written, relative to the output folder with `/` separators, playlists and segments. */
  files: string[];
  /** Each rendition's height in pixels ("720" of 720p; the width of a portrait video), lowest first. */
  renditionHeights: number[];
}

/** A tool that failed, was killed or timed out; its message ends with the tool's last words. */
export class ToolFailed extends Error {
  constructor(
    message: string,
    readonly stderrTail: string,
    /** `exit`: it ran and failed; `stopped`: its deadline passed or it was aborted; `spawn`: it did not start. */
    readonly why: "exit" | "stopped" | "spawn",
  ) {
    super(stderrTail ? `${message}: ${stderrTail}` : message);
    this.name = "ToolFailed";
  }
}

// The demuxers and the only protocol a user's file may bring into play: no playlists, no
// concat lists, no network (an HLS or concat "video" could otherwise read other files or URLs).
const inputGuards = [
  "-protocol_whitelist",
  "file",
  "-format_whitelist",
  "mov,mp4,m4a,3gp,3g2,mj2,matroska,webm",
];
const stderrTailBytes = 2000;

/** Runs a tool to its end, within a deadline; rejects with ToolFailed on a non-zero exit. */
function run(
  command: string,
  args: readonly string[],
  options: ToolOptions & { timeoutMs: number; onStdout?: (chunk: string) => void },
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    let stopped: string | undefined;
    const stop = (why: string) => {
      stopped ??= why;
      child.kill("SIGKILL");
    };
    const timer = setTimeout(
      () => stop(`${command} did not finish within ${options.timeoutMs / 1000} s`),
      options.timeoutMs,
    );
    const onAbort = () => stop(`${command} was stopped`);
    options.signal?.addEventListener("abort", onAbort, { once: true });
    if (options.signal?.aborted) onAbort();
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      if (options.onStdout) options.onStdout(chunk);
      else stdout += chunk;
    });
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr = (stderr + chunk).slice(-stderrTailBytes);
    });
    const done = () => {
      clearTimeout(timer);
      options.signal?.removeEventListener("abort", onAbort);
    };
    child.on("error", (error) => {
      done();
      reject(new ToolFailed(`${command} could not be started (${error.message})`, "", "spawn"));
    });
    child.on("close", (code, signal) => {
      done();
      const tail = stderr.trim();
      if (stopped) reject(new ToolFailed(stopped, tail, "stopped"));
      else if (code !== 0) reject(new ToolFailed(`${command} failed (${code ?? signal})`, tail, "exit"));
      else resolve(stdout);
    });
  });
}

interface FfprobeStream {
  codec_type?: string;
  codec_name?: string;
  width?: number;
  height?: number;
  duration?: string;
  disposition?: { attached_pic?: number };
  tags?: { rotate?: string };
  side_data_list?: { rotation?: number | string }[];
}

interface FfprobeOutput {
  streams?: FfprobeStream[];
  format?: { format_name?: string; duration?: string };
}

/**
 * Probes a video file with ffprobe: displayed size, duration, audio, codec. A file that is no
 * MP4/MOV/WebM video, has no video stream or cannot be read is refused with MediaRejected.
 */
export async function probeVideo(path: string, options: ToolOptions = {}): Promise<VideoProbe> {
  let output: FfprobeOutput;
  try {
    const json = await run(
      "ffprobe",
      [
        "-v",
        "error",
        ...inputGuards,
        "-print_format",
        "json",
        "-show_format",
        "-show_streams",
        `file:${path}`,
      ],
      { timeoutMs: 30_000, ...options },
    );
    output = JSON.parse(json) as FfprobeOutput;
  } catch (error) {
    // Only a run that ended in an error is the file's fault; a missing tool or a deadline is ours.
    if (error instanceof ToolFailed && error.why !== "exit") throw error;
    throw new MediaRejected("the video could not be read: it is damaged or not a video we accept", {
      cause: error,
    });
  }
  const streams = output.streams ?? [];
  const video = streams.find((s) => s.codec_type === "video" && !s.disposition?.attached_pic);
  if (!video?.width || !video.height || !video.codec_name)
    throw new MediaRejected("the file has no video picture we can read");
  const durationSeconds = Number(output.format?.duration ?? video.duration);
  if (!Number.isFinite(durationSeconds) || durationSeconds <= 0)
    throw new MediaRejected("the video has no duration: it is empty or damaged");
  const rotation = Number(
    video.side_data_list?.find((d) => d.rotation !== undefined)?.rotation ?? video.tags?.rotate ?? 0,
  );
  const sideways = Math.abs(rotation) % 180 === 90;
  return {
    width: sideways ? video.height : video.width,
    height: sideways ? video.width : video.height,
    durationSeconds,
    hasAudio: streams.some((s) => s.codec_type === "audio"),
    codec: video.codec_name,
  };
}

/** The rungs a source gets by its shorter side in pixels: those no larger, or one at its own (even) size. */
export function hlsRungsFor(height: number): HlsRung[] {
  const rungs = hlsLadder.filter((rung) => rung.height <= height);
  if (rungs.length > 0) return rungs;
  const lowest = hlsLadder[0] ?? { height: 360, videoBitrate: 800_000, audioBitrate: 96_000 };
  const own = Math.max(2, height - (height % 2));
  return [{ ...lowest, height: own, videoBitrate: Math.round((lowest.videoBitrate * own) / lowest.height) }];
}

const kbps = (bits: number) => `${Math.round(bits / 1000)}k`;

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)).split(sep).join("/"))
    .sort();
}

/**
 * Transcodes a video to HLS in `outDir`: H.264 (yuv420p) and AAC renditions at 360p, 720p and
 * 1080p but none larger than the source (by its shorter side: the height of a landscape video), in ~6 s segments with aligned keyframes, each rendition
 * in its own folder (`360p/index.m3u8`, `360p/segment_000.ts`, ...) and a `master.m3u8` listing
 * them with BANDWIDTH, RESOLUTION and CODECS. Sources without audio give video-only renditions.
 * The deadline defaults to 2 minutes or 20 s per second of video, whichever is longer.
 */
export async function transcodeHls(
  inputPath: string,
  outDir: string,
  options: TranscodeOptions = {},
): Promise<HlsOutput> {
  const probe = options.probe ?? (await probeVideo(inputPath, options));
  const portrait = probe.height > probe.width;
  const rungs = hlsRungsFor(Math.min(probe.width, probe.height));
  const names = rungs.map((rung) => `${rung.height}p`);
  await mkdir(outDir, { recursive: true });
  for (const name of names) await mkdir(join(outDir, name), { recursive: true });

  const split = `[0:v:0]split=${rungs.length}${rungs.map((_, i) => `[s${i}]`).join("")}`;
  const scales = rungs.map(
    (rung, i) => `[s${i}]scale=${portrait ? `${rung.height}:-2` : `-2:${rung.height}`},setsar=1[v${i}]`,
  );
  const args = [
    "-v",
    "error",
    "-nostdin",
    "-y",
    ...inputGuards,
    "-i",
    `file:${inputPath}`,
    "-filter_complex",
    [split, ...scales].join(";"),
  ];
  rungs.forEach((rung, i) => {
    args.push("-map", `[v${i}]`);
    args.push(`-b:v:${i}`, kbps(rung.videoBitrate), `-maxrate:v:${i}`, kbps(rung.videoBitrate * 1.1));
    args.push(`-bufsize:v:${i}`, kbps(rung.videoBitrate * 1.5));
  });
  if (probe.hasAudio)
    rungs.forEach((rung, i) => {
      args.push("-map", "0:a:0", `-b:a:${i}`, kbps(rung.audioBitrate));
    });
  args.push(
    ...["-c:v", "libx264", "-preset", "veryfast", "-profile:v", "high", "-pix_fmt", "yuv420p"],
    // A keyframe at every segment boundary, and none elsewhere forced by scene cuts, so every
    // rendition's segments start at the same instants and players can switch between them.
    ...["-force_key_frames", `expr:gte(t,n_forced*${hlsSegmentSeconds})`, "-sc_threshold", "0"],
    ...(probe.hasAudio ? ["-c:a", "aac", "-ac", "2", "-ar", "48000"] : []),
    ...["-f", "hls", "-hls_time", String(hlsSegmentSeconds), "-hls_playlist_type", "vod"],
    ...["-hls_flags", "independent_segments", "-hls_segment_type", "mpegts"],
    ...["-hls_segment_filename", join(outDir, "%v", "segment_%03d.ts"), "-master_pl_name", "master.m3u8"],
    "-var_stream_map",
    names.map((name, i) => (probe.hasAudio ? `v:${i},a:${i},name:${name}` : `v:${i},name:${name}`)).join(" "),
    ...["-progress", "pipe:1", "-nostats"],
    join(outDir, "%v", "index.m3u8"),
  );

  let pending = "";
  const onStdout = (chunk: string) => {
    pending += chunk;
    const lines = pending.split("\n");
    pending = lines.pop() ?? "";
    for (const line of lines) {
      const match = /^out_time_us=(\d+)/.exec(line);
      if (match && options.onProgress)
        options.onProgress(Math.min(1, Number(match[1]) / 1_000_000 / probe.durationSeconds));
    }
  };
  await run("ffmpeg", args, {
    timeoutMs: Math.max(120_000, probe.durationSeconds * 20_000),
    ...options,
    onStdout,
  });
  options.onProgress?.(1);
  return {
    master: "master.m3u8",
    files: await filesUnder(outDir),
    renditionHeights: rungs.map((r) => r.height),
  };
}

/** Options of `extractPoster`. */
export interface PosterOptions extends ToolOptions {
  /** Where to take the frame, in seconds; default 1, or the first frame of a clip shorter than 2 s. */
  atSeconds?: number;
  /** The source's probe, when the caller has it already. */
  probe?: VideoProbe;
}

/**
 * Writes one upright frame of a video to `outPath` (PNG or JPEG by its extension), at ~1 s or the
 * first frame of a short clip, for `processImage` to make the poster's renditions from.
 */
export async function extractPoster(
  inputPath: string,
  outPath: string,
  options: PosterOptions = {},
): Promise<void> {
  const probe = options.probe ?? (await probeVideo(inputPath, options));
  const at = options.atSeconds ?? (probe.durationSeconds >= 2 ? 1 : 0);
  await run(
    "ffmpeg",
    [
      ...["-v", "error", "-nostdin", "-y", ...inputGuards, "-ss", String(at), "-i", `file:${inputPath}`],
      ...["-frames:v", "1", "-an", "-q:v", "2", "-update", "1", `file:${outPath}`],
    ],
    { timeoutMs: 60_000, ...options },
  );
}
