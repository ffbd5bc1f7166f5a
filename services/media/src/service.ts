import { join, resolve } from "node:path";
import { MediaService } from "@mercato/contracts/mercato/media/v1/media_pb";
import {
  createObjectStore,
  defineService,
  isLocalObjectStore,
  jobHistogram,
  keptSecret,
  loadSqlMigrations,
  localObjectHandler,
} from "@mercato/platform";
import { Collector } from "./collect.workflow.js";
import { type MediaConfig, mediaConfigSchema } from "./config.js";
import { MediaUrls } from "./domain/urls.js";
import { referenceConsumers } from "./events/reference.consumers.js";
import { MediaLibrary, type ProcessJob } from "./library.workflow.js";
import { Processor, processingAttempts } from "./process.workflow.js";
import { mediaRoutes } from "./rpc/media.rpc.js";
import { Assets } from "./store/assets.store.js";
import { References } from "./store/references.store.js";
import { settings } from "./store/schema.js";

/**
 * The media service (port 8087): uploads go straight to object storage by presigned URL; images
 * become six sizes in AVIF and WebP, videos HLS renditions and a poster; clients get signed (or
 * CDN) URLs (ADR 0040).
 */
export const mediaService = defineService<MediaConfig>({
  name: "media",
  defaultPort: 8087,
  rpcServices: [MediaService.typeName],
  config: mediaConfigSchema,
  migrations: () => loadSqlMigrations(join(import.meta.dirname, "store/migrations")),
  async setup(runtime) {
    const { config, database, logger } = runtime;
    const secret = config.MEDIA_URL_SECRET ?? (await keptSecret(database, settings, "url_key"));
    const publicUrl = () => config.MEDIA_PUBLIC_URL ?? runtime.url();
    const store = await createObjectStore(config, {
      dir: resolve(config.MEDIA_DIR ?? join(config.DATA_DIR, "media")),
      secret,
      baseUrl: () => `${publicUrl().replace(/\/$/, "")}/files`,
    });
    const assets = new Assets(database);
    const references = new References();
    const urls = new MediaUrls({
      store,
      cdnUrl: config.MEDIA_CDN_URL,
      expiryMs: config.MEDIA_URL_EXPIRY_MS,
      publicUrl,
      secret,
    });
    const limits = {
      maxImageBytes: config.MEDIA_MAX_IMAGE_BYTES,
      maxVideoBytes: config.MEDIA_MAX_VIDEO_BYTES,
      maxImagePixels: config.MEDIA_MAX_IMAGE_PIXELS,
      maxVideoSeconds: config.MEDIA_MAX_VIDEO_SECONDS,
      uploadExpiryMs: config.MEDIA_UPLOAD_EXPIRY_MS,
    };
    const library: MediaLibrary = new MediaLibrary({
      database,
      assets,
      references,
      store,
      urls,
      outbox: runtime.outbox,
      queue: () => queue,
      limits,
      logger,
    });
    const processor = new Processor({
      database,
      assets,
      references,
      store,
      library,
      logger,
      limits,
      duration: jobHistogram(
        runtime.metrics,
        "media_processing_seconds",
        "Time to make a media's renditions, by kind (image, video) and outcome (done, failed, retry)",
      ),
    });
    const queue = runtime.jobQueue<ProcessJob>({
      name: "media-process",
      handler: (job) => processor.handle(job),
      attempts: processingAttempts,
      backoffMs: 5_000,
      concurrency: config.MEDIA_WORKERS,
      // A video takes minutes; closing waits for the running one a while, then it is taken again.
      closeTimeoutMs: 30_000,
    });
    const collector = new Collector({
      database,
      assets,
      references,
      store,
      library,
      logger,
      graceMs: config.MEDIA_GC_GRACE_MS,
    });
    const serveFiles = isLocalObjectStore(store) ? localObjectHandler(store) : undefined;
    const serveHls = urls.handler();
    return {
      rpc: (router) => mediaRoutes(router, { library, assets, urls }),
      consumers: referenceConsumers(references),
      httpHandler: (req, res) => serveHls(req, res) || (serveFiles?.(req, res) ?? false),
      readiness: [
        // Uploads, completions and renditions all need the store: without it the service cannot serve.
        { name: "storage", check: () => store.ping() },
        // Completed uploads wait as "processing" while the queue is away: degraded, not down.
        { name: "queue", check: () => queue.ping(), required: false },
      ],
      async start() {
        await queue.start();
        const collect = setInterval(
          () =>
            void collector
              .run()
              .catch((error: unknown) => logger.warn({ error: String(error) }, "media collection failed")),
          config.MEDIA_GC_INTERVAL_MS,
        );
        collect.unref();
        return async () => clearInterval(collect);
      },
      async close() {
        await queue.close();
        await store.close();
      },
    };
  },
});
