import {
  ImageFormat,
  ImageSize,
  type Media,
  MediaKind,
  MediaStatus,
  Purpose,
  type Rendition,
  type VideoInfo,
} from "@mercato/contracts/mercato/media/v1/media_pb";
import { jsonInteger, orNull } from "../catalog-common.js";
import { enumName } from "../catalog-json.js";
import { isoTime } from "../rest.js";
import type {
  ImageFormatName,
  ImageSizeName,
  MediaImageJson,
  MediaKindName,
  MediaModel,
  MediaRenditionModel,
  MediaStatusName,
  MediaVideoModel,
  PurposeName,
} from "./schemas.js";

const positive = (value: number) => (value > 0 ? value : null);

function renditionJson(rendition: Rendition): MediaRenditionModel {
  return {
    size: enumName(ImageSize, rendition.size) as ImageSizeName,
    format: enumName(ImageFormat, rendition.format) as ImageFormatName,
    width: rendition.width,
    height: rendition.height,
    url: rendition.url,
  };
}

function videoJson(video: VideoInfo): MediaVideoModel {
  return {
    durationSeconds: video.durationSeconds,
    renditionHeights: [...video.renditionHeights],
    hlsUrl: video.hlsUrl,
  };
}

/** A media as clients see it: enums lower-case, unset fields null, times ISO 8601. */
export function mediaJson(media: Media | undefined): MediaModel {
  if (!media) throw new Error("the media service answered without a media");
  return {
    id: media.id,
    kind: media.kind === MediaKind.UNSPECIFIED ? null : (enumName(MediaKind, media.kind) as MediaKindName),
    status: enumName(MediaStatus, media.status) as MediaStatusName,
    purpose: enumName(Purpose, media.purpose) as PurposeName,
    failureReason: orNull(media.failureReason),
    progress: media.progress,
    contentType: orNull(media.contentType),
    byteSize: jsonInteger(media.byteSize),
    width: positive(media.width),
    height: positive(media.height),
    placeholder: orNull(media.placeholder),
    dominantColor: orNull(media.dominantColor),
    renditions: media.renditions.map(renditionJson),
    video: media.video ? videoJson(media.video) : null,
    createdAt: isoTime(media.createdAt),
    updatedAt: isoTime(media.updatedAt),
  };
}

/** The public view of a ready media, as REST hydrates it into the objects that name it. */
export function mediaImageJson(media: MediaModel): MediaImageJson {
  return {
    id: media.id,
    kind: media.kind ?? "image",
    width: media.width ?? 0,
    height: media.height ?? 0,
    placeholder: media.placeholder,
    dominantColor: media.dominantColor,
    renditions: media.renditions,
    ...(media.video ? { video: media.video } : {}),
  };
}

/** The URL of one rendition of a media; null when it has none of that size and format. */
export function renditionUrl(media: MediaModel, size: ImageSizeName, format: ImageFormatName): string | null {
  return media.renditions.find((r) => r.size === size && r.format === format)?.url ?? null;
}
