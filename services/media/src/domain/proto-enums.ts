import {
  ImageFormat,
  ImageSize,
  MediaKind,
  MediaStatus,
  Purpose,
} from "@mercato/contracts/mercato/media/v1/media_pb";

/** Where a media may be shown, as stored. */
export type PurposeName = "product" | "storefront_logo" | "storefront_banner" | "avatar";
export type StatusName = "pending_upload" | "processing" | "ready" | "failed" | "deleted";
export type KindName = "image" | "video";

export const purposeToProto: Record<PurposeName, Purpose> = {
  product: Purpose.PRODUCT,
  storefront_logo: Purpose.STOREFRONT_LOGO,
  storefront_banner: Purpose.STOREFRONT_BANNER,
  avatar: Purpose.AVATAR,
};

export const purposeFromProto = (purpose: Purpose): PurposeName | undefined =>
  (Object.keys(purposeToProto) as PurposeName[]).find((name) => purposeToProto[name] === purpose);

export const statusToProto: Record<StatusName, MediaStatus> = {
  pending_upload: MediaStatus.PENDING_UPLOAD,
  processing: MediaStatus.PROCESSING,
  ready: MediaStatus.READY,
  failed: MediaStatus.FAILED,
  deleted: MediaStatus.DELETED,
};

export const kindToProto: Record<KindName, MediaKind> = {
  image: MediaKind.IMAGE,
  video: MediaKind.VIDEO,
};

export const sizeToProto: Record<string, ImageSize> = {
  thumbnail_small: ImageSize.THUMBNAIL_SMALL,
  thumbnail_large: ImageSize.THUMBNAIL_LARGE,
  main_mobile: ImageSize.MAIN_MOBILE,
  main_tablet: ImageSize.MAIN_TABLET,
  main_desktop: ImageSize.MAIN_DESKTOP,
  main_large_retina: ImageSize.MAIN_LARGE_RETINA,
};

export const formatToProto: Record<"avif" | "webp", ImageFormat> = {
  avif: ImageFormat.AVIF,
  webp: ImageFormat.WEBP,
};

/** Which kinds each purpose takes: only products show videos. */
export const kindsFor: Record<PurposeName, readonly KindName[]> = {
  product: ["image", "video"],
  storefront_logo: ["image"],
  storefront_banner: ["image"],
  avatar: ["image"],
};
