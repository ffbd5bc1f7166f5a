import { MediaService, Purpose } from "@mercato/contracts/mercato/media/v1/media_pb";
import type { RequestContext } from "@mercato/platform/context";
import { InvalidArgument } from "@mercato/platform/errors";
import type { GatewayDeps } from "../../module.js";
import { operation, signedIn } from "../../operation.js";
import type { PageRequest } from "../../rest-schema.js";
import { enumValue } from "../catalog-json.js";
import { isoTime } from "../rest.js";
import { mediaJson } from "./media-json.js";
import { defaultMediaServiceName, mediaLoader } from "./media-loaders.js";
import {
  type CreateUploadInput,
  type MediaUploadAnswer,
  maxUploadBytes,
  type PurposeName,
} from "./schemas.js";

/** Checks the size a client declares (REST's schema does too; GraphQL's SafeInt takes any number). */
function uploadSize(byteSize: number): bigint {
  if (!Number.isSafeInteger(byteSize) || byteSize < 1 || byteSize > maxUploadBytes)
    throw InvalidArgument.field("byte_size", `must be a whole number of bytes from 1 to ${maxUploadBytes}`);
  return BigInt(byteSize);
}

/** A page of the caller's media, of one purpose when given. */
export type MediaListInput = PageRequest & { purpose?: PurposeName | null | undefined };

/**
 * The media domain's use cases on the media service `serviceName`: uploads, and the caller's own
 * media (any, for an admin: the service decides). Field names in refusals are the service's; the
 * adapters rename them.
 */
export function mediaOperations({ services }: GatewayDeps, serviceName = defaultMediaServiceName) {
  const media = () => services.client(serviceName, MediaService);
  return {
    /** The request's loader of ready media, batched into one BatchGetMedia. */
    loader: (ctx: RequestContext) => mediaLoader(ctx, services, serviceName),

    /** Records a media waiting for its bytes; answers it and a presigned URL (15 minutes) to PUT them to. */
    createUpload: operation(signedIn, async (_ctx, input: CreateUploadInput): Promise<MediaUploadAnswer> => {
      const answer = await media().createUpload({
        purpose: enumValue(Purpose, input.purpose),
        contentType: input.contentType,
        byteSize: uploadSize(input.byteSize),
      });
      return {
        media: mediaJson(answer.media),
        upload: {
          url: answer.uploadUrl,
          method: "PUT",
          headers: { ...answer.uploadHeaders },
          expiresAt: isoTime(answer.expiresAt),
        },
      };
    }),

    /** Checks the uploaded bytes and queues their processing; completing again answers the media unchanged. */
    completeUpload: operation(signedIn, async (_ctx, input: { id: string }) =>
      mediaJson((await media().completeUpload({ mediaId: input.id })).media),
    ),

    /** One media with its private state: the caller's own, or any for an admin. */
    get: operation(signedIn, async (_ctx, input: { id: string }) =>
      mediaJson((await media().getMedia({ mediaId: input.id })).media),
    ),

    /** One page of the caller's media, newest first. */
    list: operation(signedIn, async (_ctx, input: MediaListInput) => {
      const page = await media().listMyMedia({
        limit: input.limit,
        cursor: input.cursor,
        purpose: input.purpose ? enumValue(Purpose, input.purpose) : Purpose.UNSPECIFIED,
      });
      return { items: page.media.map(mediaJson), nextCursor: page.nextCursor };
    }),

    /** Deletes one of the caller's media (any, for an admin); one still shown is refused. */
    delete: operation(signedIn, async (_ctx, input: { id: string }) => {
      await media().deleteMedia({ mediaId: input.id });
      return true;
    }),
  };
}

/** The media domain's operations. */
export type MediaOperations = ReturnType<typeof mediaOperations>;
