import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  afterCommit,
  type Database,
  type Logger,
  type ObjectStore,
  PermanentJobError,
} from "@mercato/platform";
import { videoPrefix } from "./domain/urls.js";
import type { LibraryDeps, MediaLibrary, ProcessJob } from "./library.workflow.js";
import { MediaRejected } from "./pipeline/errors.js";
import { immutableCacheControl, processImage } from "./pipeline/image.js";
import { publishImage } from "./pipeline/publish.js";
import { extractPoster, probeVideo, transcodeHls } from "./pipeline/video.js";
import type { Assets, ReadyFields } from "./store/assets.store.js";
import type { References } from "./store/references.store.js";
import type { AssetRow, StoredRendition } from "./store/schema.js";

/** Tries of a processing job before the media fails (storage or a worker may be away for a while). */
export const processingAttempts = 4;

export interface ProcessorDeps {
  /** Records how long each processing attempt took, by kind and outcome. */
  duration?: { observe(labels: { kind: string; outcome: string }, seconds: number): void };
  database: Database;
  assets: Assets;
  references: References;
  store: ObjectStore;
  library: MediaLibrary;
  logger: Logger;
  limits: LibraryDeps["limits"] & { maxVideoSeconds: number };
}

const hlsContentType = (file: string) =>
  file.endsWith(".m3u8")
    ? "application/vnd.apple.mpegurl"
    : file.endsWith(".ts")
      ? "video/mp2t"
      : "video/mp4";

/**
 * Makes a media's renditions (a job of the media queue): the twelve image renditions, or the HLS
 * renditions and a poster of a video; then the media is ready. Bad bytes fail it for good with the
 * reason; other errors are tried again, and fail it after the last try.
 */
export class Processor {
  constructor(private readonly deps: ProcessorDeps) {}

  async handle(job: { data: ProcessJob; attempt: number }): Promise<void> {
    const { assets, logger } = this.deps;
    const row = await assets.get(job.data.mediaId);
    if (row?.status !== "processing") return;
    const written: string[] = [];
    const started = performance.now();
    const observe = (outcome: string) =>
      this.deps.duration?.observe({ kind: row.kind ?? "", outcome }, (performance.now() - started) / 1000);
    try {
      const fields = row.kind === "video" ? await this.video(row, written) : await this.image(row, written);
      await this.ready(row, fields, written);
      observe("done");
    } catch (error) {
      const rejected = error instanceof MediaRejected;
      if (!rejected && job.attempt < processingAttempts) {
        observe("retry");
        await this.discard(row.id, written);
        throw error;
      }
      observe("failed");
      const reason = rejected
        ? error.message
        : `processing failed: ${String((error as Error)?.message ?? error)}`;
      logger.warn({ mediaId: row.id, reason }, "media failed");
      await this.discard(row.id, written);
      await this.deps.library.fail(row.id, reason);
      throw new PermanentJobError(reason, { cause: error });
    }
  }

  private async image(row: AssetRow, written: string[]): Promise<ReadyFields> {
    const { store, limits } = this.deps;
    const original = await store.get(row.uploadKey, { maxBytes: limits.maxImageBytes });
    const processed = await processImage(original, { maxPixels: limits.maxImagePixels });
    await this.deps.assets.progress(row.id, 60);
    const renditions = await this.publish(processed, written);
    return {
      width: processed.width,
      height: processed.height,
      placeholder: processed.placeholder,
      dominantColor: processed.dominantColor,
      renditions,
    };
  }

  private async video(row: AssetRow, written: string[]): Promise<ReadyFields> {
    const { store, assets, limits } = this.deps;
    const dir = await mkdtemp(join(tmpdir(), "mercato-media-"));
    try {
      const source = join(dir, "source");
      await store.download(row.uploadKey, source);
      const probe = await probeVideo(source);
      if (probe.durationSeconds > limits.maxVideoSeconds)
        throw new MediaRejected(
          `the video is ${Math.round(probe.durationSeconds)} s long, more than the ${limits.maxVideoSeconds} s allowed`,
        );
      let reported = 0;
      const hls = await transcodeHls(source, join(dir, "hls"), {
        onProgress: (fraction) => {
          const percent = Math.floor(fraction * 85);
          if (percent < reported + 5) return;
          reported = percent;
          void assets.progress(row.id, percent).catch(() => {});
        },
      });
      const prefix = videoPrefix(row.id);
      for (const file of hls.files) {
        const key = `${prefix}/${file}`;
        await store.put(key, await readFile(join(dir, "hls", file)), {
          contentType: hlsContentType(file),
          cacheControl: immutableCacheControl,
        });
        written.push(key);
      }
      const posterPath = join(dir, "poster.png");
      await extractPoster(source, posterPath);
      const poster = await processImage(await readFile(posterPath), { maxPixels: limits.maxImagePixels });
      const renditions = await this.publish(poster, written);
      return {
        width: probe.width,
        height: probe.height,
        placeholder: poster.placeholder,
        dominantColor: poster.dominantColor,
        renditions,
        video: { durationSeconds: probe.durationSeconds, renditionHeights: hls.renditionHeights, prefix },
      };
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  private async publish(processed: Awaited<ReturnType<typeof processImage>>, written: string[]) {
    const stored: StoredRendition[] = await publishImage(this.deps.store, processed);
    written.push(...stored.map((r) => r.key));
    return stored;
  }

  /** Marks the media ready with what processing found, unless it was deleted meanwhile. */
  private async ready(row: AssetRow, fields: ReadyFields, written: readonly string[]): Promise<void> {
    const { database, assets, references, store, library, logger } = this.deps;
    const done = await database.transaction(async (tx) => {
      const locked = await assets.lock(tx, row.id);
      if (locked?.status !== "processing") return false;
      await assets.addObjects(tx, row.id, written);
      const updated = await assets.update(tx, row.id, { ...fields, status: "ready", progress: 100 });
      await references.startGrace(tx, [row.id]);
      if (updated) await library.publish(tx, updated, "ready");
      afterCommit(tx, () => {
        void store
          .delete([row.uploadKey])
          .catch((error: unknown) =>
            logger.warn({ mediaId: row.id, error: String(error) }, "original of a ready media not removed"),
          );
      });
      return true;
    });
    if (!done) await this.discard(row.id, written);
  }

  /** Deletes files written for a media that will not use them, but none another media uses. */
  private async discard(mediaId: string, written: readonly string[]): Promise<void> {
    if (written.length === 0) return;
    const { database, assets, store, logger } = this.deps;
    const unused = await database.transaction(async (tx) => {
      await assets.addObjects(tx, mediaId, written);
      return assets.releaseObjects(tx, mediaId);
    });
    await store
      .delete(unused)
      .catch((error: unknown) =>
        logger.warn({ mediaId, error: String(error) }, "discarded renditions not removed"),
      );
  }
}
