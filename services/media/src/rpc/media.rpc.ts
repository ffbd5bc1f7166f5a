import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import type { ConnectRouter, HandlerContext } from "@connectrpc/connect";
import {
  BatchGetMediaResponseSchema,
  CompleteUploadResponseSchema,
  CreateUploadResponseSchema,
  DeleteMediaResponseSchema,
  GetMediaResponseSchema,
  ListMyMediaResponseSchema,
  MediaService,
} from "@mercato/contracts/mercato/media/v1/media_pb";
import { type Caller, PermissionDenied, signedInCaller } from "@mercato/platform";
import { validate as isUuid } from "uuid";
import { purposeFromProto } from "../domain/proto-enums.js";
import type { MediaUrls } from "../domain/urls.js";
import { type MediaLibrary, mediaToProto } from "../library.workflow.js";
import { type Assets, maxMediaPage } from "../store/assets.store.js";

/** Page size of ListMyMedia when the request asks for 0. */
export const defaultMediaPage = 20;

export interface MediaRpcDeps {
  library: MediaLibrary;
  assets: Assets;
  urls: MediaUrls;
}

/** Media belong to user accounts, whose ids are UUIDs. */
function requireUser(context: HandlerContext): Caller {
  const caller = signedInCaller(context);
  if (!isUuid(caller.id)) throw new PermissionDenied("only user accounts upload media");
  return caller;
}

/** Registers the MediaService handlers. */
export function mediaRoutes(router: ConnectRouter, deps: MediaRpcDeps): void {
  const { library, assets, urls } = deps;
  router.service(MediaService, {
    async createUpload(req, context) {
      const caller = requireUser(context);
      const { row, upload } = await library.createUpload(caller, {
        purpose: req.purpose,
        contentType: req.contentType,
        byteSize: Number(req.byteSize),
      });
      return create(CreateUploadResponseSchema, {
        media: await mediaToProto(row, urls, "owner"),
        uploadUrl: upload.url,
        uploadHeaders: upload.headers,
        expiresAt: timestampFromDate(upload.expiresAt),
      });
    },

    async completeUpload(req, context) {
      const row = await library.complete(requireUser(context), req.mediaId);
      return create(CompleteUploadResponseSchema, { media: await mediaToProto(row, urls, "owner") });
    },

    async getMedia(req, context) {
      const row = await library.get(signedInCaller(context), req.mediaId);
      return create(GetMediaResponseSchema, { media: await mediaToProto(row, urls, "owner") });
    },

    async listMyMedia(req, context) {
      const caller = requireUser(context);
      const purpose = req.purpose ? purposeFromProto(req.purpose) : undefined;
      const page = await assets.listByOwner(caller.id, {
        limit: Math.min(req.limit || defaultMediaPage, maxMediaPage),
        ...(req.cursor ? { cursor: req.cursor } : {}),
        ...(purpose ? { purpose } : {}),
      });
      return create(ListMyMediaResponseSchema, {
        media: await Promise.all(page.rows.map((row) => mediaToProto(row, urls, "owner"))),
        nextCursor: page.nextCursor,
      });
    },

    async batchGetMedia(req) {
      const rows = await assets.servable([...new Set(req.mediaIds)]);
      return create(BatchGetMediaResponseSchema, {
        media: await Promise.all(rows.map((row) => mediaToProto(row, urls, "public"))),
      });
    },

    async deleteMedia(req, context) {
      await library.delete(signedInCaller(context), req.mediaId);
      return create(DeleteMediaResponseSchema, {});
    },
  });
}
