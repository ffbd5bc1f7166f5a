import { type Static, type TSchema, Type } from "typebox";
import {
  closedObject,
  DateTime,
  int64,
  nullable,
  PageQuery,
  page,
  ref,
  stringEnum,
  Uuid,
} from "../../rest-schema.js";

/** Where a media will be shown, as REST names it (GraphQL upper-cases it); it decides what may be uploaded. */
export const purposes = ["product", "storefront_logo", "storefront_banner", "avatar"] as const;

/** A purpose as REST names it. */
export type PurposeName = (typeof purposes)[number];

/** What the uploaded bytes turned out to be, as REST names it. */
export const mediaKinds = ["image", "video"] as const;

/** A media kind as REST names it. */
export type MediaKindName = (typeof mediaKinds)[number];

/** Where a media is in its life, as REST names it. */
export const mediaStatuses = ["pending_upload", "processing", "ready", "failed", "deleted"] as const;

/** A media status as REST names it. */
export type MediaStatusName = (typeof mediaStatuses)[number];

/** The six sizes every image (and video poster) is made in, as REST names them. */
export const imageSizes = [
  "thumbnail_small",
  "thumbnail_large",
  "main_mobile",
  "main_tablet",
  "main_desktop",
  "main_large_retina",
] as const;

/** An image size as REST names it. */
export type ImageSizeName = (typeof imageSizes)[number];

/** The encodings of a rendition, as REST names them. */
export const imageFormats = ["avif", "webp"] as const;

/** An image format as REST names it. */
export type ImageFormatName = (typeof imageFormats)[number];

/** The largest upload the media service takes, in bytes (10 GiB; each purpose has a lower cap). */
export const maxUploadBytes = 10_737_418_240;

/** One of `values`, or null. */
const nullableEnum = <const Values extends readonly string[]>(values: Values, description: string) =>
  Type.Unsafe<Values[number] | null>({ type: ["string", "null"], enum: [...values, null], description });

/** One size of an image in one format, with a signed URL to GET it. */
const Rendition = Type.Object({
  size: stringEnum(imageSizes),
  format: stringEnum(imageFormats),
  width: Type.Integer({ description: "pixels" }),
  height: Type.Integer({ description: "pixels" }),
  url: Type.String({ description: "signed (or CDN) URL; it expires" }),
});

/** What the GraphQL `MediaRendition` resolves from. */
export type MediaRenditionModel = Static<typeof Rendition>;

/** A processed video. */
const Video = Type.Object({
  durationSeconds: Type.Number(),
  renditionHeights: Type.Array(Type.Integer(), {
    description: "heights of the HLS renditions, smallest first",
  }),
  hlsUrl: Type.String({ description: "signed (or CDN) URL of the HLS master playlist" }),
});

/** What the GraphQL `MediaVideo` resolves from. */
export type MediaVideoModel = Static<typeof Video>;

/** One uploaded image or video as its owner (or an admin) sees it, with its private state. */
export const Media = Type.Object(
  {
    id: Uuid,
    kind: nullableEnum(mediaKinds, "null until the upload is checked"),
    status: stringEnum(mediaStatuses),
    purpose: stringEnum(purposes),
    failureReason: nullable(Type.String({ description: "why it failed; null otherwise" })),
    progress: Type.Integer({ minimum: 0, maximum: 100, description: "processing progress in percent" }),
    contentType: nullable(Type.String({ description: "the type found in the bytes; null before" })),
    byteSize: int64({ description: "bytes uploaded" }),
    width: nullable(Type.Integer({ description: "pixels of the upright original; null before processing" })),
    height: nullable(Type.Integer({ description: "pixels of the upright original; null before processing" })),
    placeholder: nullable(Type.String({ description: "BlurHash to paint while it loads; null before" })),
    dominantColor: nullable(Type.String({ description: "#rrggbb; null before" })),
    renditions: Type.Array(Rendition, {
      description: "the image (a video's poster) in every size and format, once ready",
    }),
    video: Type.Union([Video, Type.Null()], { description: "set for a ready video" }),
    createdAt: DateTime,
    updatedAt: DateTime,
  },
  { $id: "Media" },
);

/** What the GraphQL `Media` resolves from: a media as REST answers it (enums lower-case). */
export type MediaModel = Static<typeof Media>;

/** A REST page of the caller's media, newest first. */
export const MediaPage = page("MediaPage", Media);

/** A new media and where to PUT its bytes. */
export const MediaUpload = Type.Object(
  {
    media: ref(Media),
    upload: Type.Object({
      url: Type.String({ description: "presigned URL to PUT the bytes to" }),
      method: stringEnum(["PUT"]),
      headers: Type.Record(Type.String(), Type.String(), {
        description: "headers the PUT must carry exactly (Content-Type, ...)",
      }),
      expiresAt: DateTime,
    }),
  },
  { $id: "MediaUpload" },
);

/** What an upload answers (REST's shape; GraphQL lists the headers as pairs). */
export type MediaUploadAnswer = Static<typeof MediaUpload>;

/**
 * The public view of a ready media, as REST hydrates it into the objects that name it (a
 * product's `image` and `media`, a storefront's `logo` and `banner`, a profile's `avatar`).
 */
export const MediaImage = Type.Object(
  {
    id: Uuid,
    kind: stringEnum(mediaKinds),
    width: Type.Integer({ description: "pixels of the upright original" }),
    height: Type.Integer({ description: "pixels of the upright original" }),
    placeholder: nullable(Type.String({ description: "BlurHash to paint while it loads" })),
    dominantColor: nullable(Type.String({ description: "#rrggbb" })),
    renditions: Type.Array(Rendition),
    video: Type.Optional(Video),
  },
  { $id: "MediaImage" },
);

/** A ready media as REST hydrates it. */
export type MediaImageJson = Static<typeof MediaImage>;

/**
 * A field of a REST answer carrying the media its `<name>MediaId` names: absent when the media
 * service could not be asked, null when there is no ready media.
 */
export function mediaField(description: string) {
  return Type.Optional(
    Type.Union([ref(MediaImage), Type.Null()], {
      description: `${description}; null when none is ready, absent when the media service could not be asked`,
    }),
  );
}

/** The ready ones of a list of media, in its order; absent when the media service could not be asked. */
export const mediaListField = Type.Optional(
  Type.Array(ref(MediaImage), {
    description: "the ready ones of mediaIds, in order; absent when the media service could not be asked",
  }),
);

/** REST body of a new upload (GraphQL `CreateUploadInput`). */
export const CreateUploadBody = closedObject({
  purpose: stringEnum(purposes),
  contentType: Type.String({
    pattern: "^(image|video)/[a-z0-9.+-]{1,60}$",
    description: "what the client says it is (image/jpeg, video/mp4, ...); checked again from the bytes",
  }),
  byteSize: Type.Integer({
    minimum: 1,
    maximum: maxUploadBytes,
    description: "exact size in bytes, within the purpose's cap; the upload must be exactly this long",
  }),
});

/** A new upload as REST and GraphQL clients send it (GraphQL lower-cased). */
export type CreateUploadInput = Static<typeof CreateUploadBody>;

/** REST query of the caller's media: a page, of one purpose when given. */
export const MediaQuery = closedObject({
  ...PageQuery.properties,
  purpose: Type.Optional(stringEnum(purposes)),
});

/** The shared schemas of the media domain's routes, in the order the OpenAPI document lists them. */
export const mediaSchemas: readonly TSchema[] = [Media, MediaPage, MediaUpload];
