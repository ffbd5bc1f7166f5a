import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { eventSubjects } from "@mercato/contracts/events";
import { type Media, MediaSchema, type Purpose } from "@mercato/contracts/mercato/media/v1/media_pb";
import {
  afterCommit,
  type Caller,
  type Database,
  FailedPrecondition,
  InvalidArgument,
  type JobQueue,
  type Logger,
  NotFound,
  type ObjectStore,
  type Outbox,
  PermissionDenied,
} from "@mercato/platform";
import { v7 as uuidv7 } from "uuid";
import {
  formatToProto,
  type KindName,
  kindsFor,
  kindToProto,
  type PurposeName,
  purposeFromProto,
  purposeToProto,
  type StatusName,
  sizeToProto,
  statusToProto,
} from "./domain/proto-enums.js";
import type { MediaUrls } from "./domain/urls.js";
import { MediaRejected } from "./pipeline/errors.js";
import { probeImage } from "./pipeline/image.js";
import { sniffType } from "./pipeline/sniff.js";
import type { Assets } from "./store/assets.store.js";
import type { References } from "./store/references.store.js";
import type { AssetRow } from "./store/schema.js";

/** A processing job: which media to make renditions of. */
export interface ProcessJob {
  mediaId: string;
}

/** Upload limits, from the config. */
export interface UploadLimits {
  maxImageBytes: number;
  maxVideoBytes: number;
  maxImagePixels: number;
  uploadExpiryMs: number;
}

export interface LibraryDeps {
  database: Database;
  assets: Assets;
  references: References;
  store: ObjectStore;
  urls: MediaUrls;
  outbox: Outbox;
  queue: () => JobQueue<ProcessJob>;
  limits: UploadLimits;
  logger: Logger;
}

const purposeLabel: Record<PurposeName, string> = {
  product: "a product image or video",
  storefront_logo: "a storefront logo",
  storefront_banner: "a storefront banner",
  avatar: "an avatar",
};

const megabytes = (bytes: number) => `${Math.round((bytes / (1024 * 1024)) * 10) / 10} MB`;

/** Bytes read to find a file's type. */
const sniffBytes = 4100;

/** The media a caller uploads, completes, reads and deletes (ADR 0040). */
export class MediaLibrary {
  constructor(private readonly deps: LibraryDeps) {}

  /** Records a media waiting for its bytes and signs the URL its owner PUTs them to. */
  async createUpload(caller: Caller, input: { purpose: Purpose; contentType: string; byteSize: number }) {
    const purpose = purposeFromProto(input.purpose);
    if (!purpose)
      throw InvalidArgument.field("purpose", "must be PRODUCT, STOREFRONT_LOGO, STOREFRONT_BANNER or AVATAR");
    const kind: KindName = input.contentType.startsWith("video/") ? "video" : "image";
    if (!kindsFor[purpose].includes(kind))
      throw InvalidArgument.field(
        "content_type",
        `${purposeLabel[purpose]} must be an image, not ${input.contentType}`,
      );
    const cap = this.cap(kind);
    if (input.byteSize > cap)
      throw InvalidArgument.field(
        "byte_size",
        `${input.byteSize} bytes is more than the ${megabytes(cap)} ${kind === "video" ? "a video" : "an image"} may be`,
      );
    const id = uuidv7();
    const uploadKey = `uploads/${id}`;
    const signed = await this.deps.store.presignPut(uploadKey, {
      contentType: input.contentType,
      contentLength: input.byteSize,
      expiresInSeconds: Math.floor(this.deps.limits.uploadExpiryMs / 1000),
    });
    const row = await this.deps.database.transaction((tx) =>
      this.deps.assets.insert(tx, {
        id,
        ownerId: caller.id,
        purpose,
        status: "pending_upload",
        declaredType: input.contentType,
        byteSize: input.byteSize,
        uploadKey,
        uploadExpiresAt: signed.expiresAt,
      }),
    );
    return { row, upload: signed };
  }

  /**
   * Checks the uploaded bytes (type from the bytes, size, pixel count) and queues processing. Bad
   * bytes fail the media, are deleted, and answer INVALID_ARGUMENT saying what is wrong.
   */
  async complete(caller: Caller, mediaId: string): Promise<AssetRow> {
    const row = await this.owned(caller, mediaId);
    if (row.status !== "pending_upload") return row;
    const { store, limits } = this.deps;
    const info = await store.stat(row.uploadKey);
    if (!info)
      throw new FailedPrecondition(
        row.uploadExpiresAt.getTime() < Date.now()
          ? `nothing was uploaded for media ${mediaId} and its upload URL has expired; create a new upload`
          : `nothing was uploaded for media ${mediaId} yet; PUT the file to its upload URL first`,
      );
    if (info.size !== row.byteSize)
      return this.reject(row, `the upload is ${info.size} bytes, not the ${row.byteSize} declared`);
    const found = await sniffType(await store.getHead(row.uploadKey, sniffBytes));
    if (!found)
      return this.reject(
        row,
        "the file is not an image or video we accept (JPEG, PNG, WebP, AVIF or GIF; MP4, MOV or WebM), whatever its name or declared type",
      );
    const purpose = row.purpose as PurposeName;
    if (!kindsFor[purpose].includes(found.kind))
      return this.reject(
        row,
        `${purposeLabel[purpose]} must be an image; this file is a ${found.kind} (${found.mime})`,
      );
    const cap = this.cap(found.kind);
    if (info.size > cap)
      return this.reject(
        row,
        `the file is ${megabytes(info.size)}, more than the ${megabytes(cap)} allowed for a ${found.kind}`,
      );
    if (found.kind === "image") {
      try {
        await probeImage(await store.get(row.uploadKey, { maxBytes: cap }), {
          maxPixels: limits.maxImagePixels,
        });
      } catch (error) {
        if (error instanceof MediaRejected) return this.reject(row, error.message);
        throw error;
      }
    }
    const updated = await this.deps.database.transaction(async (tx) => {
      const locked = await this.deps.assets.lock(tx, mediaId);
      if (locked?.status !== "pending_upload") return locked;
      return this.deps.assets.update(tx, mediaId, {
        status: "processing",
        kind: found.kind,
        contentType: found.mime,
        progress: 0,
      });
    });
    if (!updated) throw new NotFound(`media ${mediaId} not found`);
    if (updated.status === "processing") await this.enqueue(mediaId);
    return updated;
  }

  /** Queues processing; a queue that is down leaves the media processing, for the collector to queue again. */
  async enqueue(mediaId: string): Promise<void> {
    await this.deps
      .queue()
      .add(`media-${mediaId}`, { mediaId })
      .catch((error: unknown) =>
        this.deps.logger.warn({ mediaId, error: String(error) }, "processing not queued yet"),
      );
  }

  /** One media with its private state: the caller's own, or any for an admin. */
  async get(caller: Caller, mediaId: string): Promise<AssetRow> {
    return this.owned(caller, mediaId);
  }

  /**
   * Deletes a media: refused while a product, storefront or profile shows it; its files go at once
   * unless an order's snapshot shows it, in which case they stay for that order.
   */
  async delete(caller: Caller, mediaId: string): Promise<void> {
    await this.owned(caller, mediaId);
    const { database, assets, references, store, logger } = this.deps;
    await database.transaction(async (tx) => {
      const row = await assets.lock(tx, mediaId);
      if (!row || row.status === "deleted") return;
      const shownBy = await references.of(tx, mediaId);
      const live = shownBy.filter((referrer) => !referrer.startsWith("order:"));
      if (live.length > 0)
        throw new FailedPrecondition(
          `media ${mediaId} is still shown by ${live.map(describeReferrer).join(", ")}; remove it there first`,
        );
      const dropFiles = shownBy.length === 0;
      const released = dropFiles ? await assets.releaseObjects(tx, mediaId) : [];
      await assets.update(tx, mediaId, {
        status: "deleted",
        ...(dropFiles ? { filesDeletedAt: new Date() } : {}),
      });
      await this.publish(tx, row, "deleted");
      afterCommit(tx, () => {
        void removeFiles(store, row, dropFiles ? released : []).catch((error: unknown) =>
          logger.warn({ mediaId, error: String(error) }, "files of a deleted media not removed"),
        );
      });
    });
  }

  /** Fails a media whose upload was refused, deletes the bytes, and answers INVALID_ARGUMENT. */
  private async reject(row: AssetRow, reason: string): Promise<never> {
    await this.fail(row.id, reason);
    throw new InvalidArgument(reason, [{ field: "file", message: reason }]);
  }

  /** Marks a media failed (once), publishes it, and deletes its uploaded bytes. */
  async fail(mediaId: string, reason: string): Promise<void> {
    const { database, assets, store, logger } = this.deps;
    await database.transaction(async (tx) => {
      const row = await assets.lock(tx, mediaId);
      if (!row || row.status === "failed" || row.status === "deleted" || row.status === "ready") return;
      await assets.update(tx, mediaId, {
        status: "failed",
        failureReason: reason.slice(0, 1000),
        progress: 0,
      });
      await this.publish(tx, row, "failed", reason);
      afterCommit(tx, () => {
        void removeFiles(store, row, []).catch((error: unknown) =>
          logger.warn({ mediaId, error: String(error) }, "uploaded bytes of a failed media not removed"),
        );
      });
    });
  }

  /** Publishes a media's ready, failed or deleted event in `tx`. */
  async publish(
    tx: Parameters<Outbox["add"]>[0],
    row: AssetRow,
    status: "ready" | "failed" | "deleted",
    reason = "",
  ) {
    const subject = {
      ready: eventSubjects.media.assetReady,
      failed: eventSubjects.media.assetFailed,
      deleted: eventSubjects.media.assetDeleted,
    }[status];
    await this.deps.outbox.add(tx, subject, {
      mediaId: row.id,
      ownerId: row.ownerId,
      purpose: purposeToProto[row.purpose as PurposeName],
      kind: row.kind ? kindToProto[row.kind as KindName] : 0,
      status: statusToProto[status],
      failureReason: reason,
    });
  }

  /** The media when the caller owns it or is an admin. */
  private async owned(caller: Caller, mediaId: string): Promise<AssetRow> {
    const row = await this.deps.assets.get(mediaId);
    if (!row) throw new NotFound(`media ${mediaId} not found`);
    if (row.ownerId !== caller.id && !caller.roles.includes("admin"))
      throw new PermissionDenied(`media ${mediaId} belongs to another account`);
    return row;
  }

  private cap(kind: KindName): number {
    return kind === "video" ? this.deps.limits.maxVideoBytes : this.deps.limits.maxImageBytes;
  }
}

/** Deletes a media's uploaded original and the keys of its files no other media uses (renditions, HLS files). */
export async function removeFiles(
  store: ObjectStore,
  row: AssetRow,
  releasedKeys: readonly string[],
): Promise<void> {
  await store.delete([row.uploadKey, ...releasedKeys]);
}

function describeReferrer(referrer: string): string {
  const [kind, id] = referrer.split(":");
  return `${kind} ${id}`;
}

/** The Media message of a row; `view` public leaves out the owner and private state. */
export async function mediaToProto(row: AssetRow, urls: MediaUrls, view: "owner" | "public"): Promise<Media> {
  const servable = row.renditions.length > 0 && !row.filesDeletedAt;
  const renditions = servable
    ? await Promise.all(
        row.renditions.map(async (r) => ({
          size: sizeToProto[r.size] ?? 0,
          format: formatToProto[r.format],
          width: r.width,
          height: r.height,
          byteSize: BigInt(r.byteSize),
          url: await urls.object(r.key),
        })),
      )
    : [];
  return create(MediaSchema, {
    id: row.id,
    ownerId: view === "owner" ? row.ownerId : "",
    purpose: purposeToProto[row.purpose as PurposeName],
    kind: row.kind ? kindToProto[row.kind as KindName] : 0,
    status: statusToProto[row.status as StatusName],
    failureReason: view === "owner" ? (row.failureReason ?? "") : "",
    progress: view === "owner" ? row.progress : 0,
    contentType: row.contentType ?? "",
    byteSize: BigInt(row.byteSize),
    width: row.width ?? 0,
    height: row.height ?? 0,
    placeholder: row.placeholder ?? "",
    dominantColor: row.dominantColor ?? "",
    renditions,
    ...(row.video && servable
      ? {
          video: {
            durationSeconds: row.video.durationSeconds,
            renditionHeights: row.video.renditionHeights,
            hlsUrl: urls.hls(row.id),
          },
        }
      : {}),
    createdAt: timestampFromDate(row.createdAt),
    updatedAt: timestampFromDate(row.updatedAt),
  });
}
