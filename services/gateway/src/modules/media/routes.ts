import { Type } from "typebox";
import type { RestApp } from "../../domain.js";
import { IdParams, ref, restPage, restPageOf } from "../../rest-schema.js";
import { clientField, renamingFields } from "../catalog-common.js";
import type { MediaOperations } from "./operations.js";
import { CreateUploadBody, Media, MediaPage, MediaQuery, MediaUpload } from "./schemas.js";

const body = clientField("body");
const query = clientField("querystring");
// The service names the media `media_id`; REST names it in the path.
const params = clientField("params", { media_id: "params.id" });

/** REST under /api/v1/media: each route declares its operation's access and calls it. */
export function mediaRoutes(app: RestApp, ops: MediaOperations): void {
  app.post(
    "/media/uploads",
    {
      config: { access: ops.createUpload.access },
      schema: {
        summary:
          "Record a media waiting for its bytes: PUT them to upload.url with upload.headers before upload.expiresAt (15 minutes), then complete it",
        body: CreateUploadBody,
        response: { 201: ref(MediaUpload) },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await renamingFields(ops.createUpload(request.ctx, request.body), body)),
  );

  app.post(
    "/media/:id/complete",
    {
      config: { access: ops.completeUpload.access },
      schema: {
        summary:
          "Check the uploaded bytes and queue their processing (400 naming what is wrong with them); completing again answers the media unchanged",
        params: IdParams,
        response: { 200: ref(Media) },
      },
    },
    (request) => renamingFields(ops.completeUpload(request.ctx, request.params), params),
  );

  app.get(
    "/media/:id",
    {
      config: { access: ops.get.access },
      schema: {
        summary:
          "One media with its private state (status, progress, failure reason): the caller's own, or any for an admin",
        params: IdParams,
        response: { 200: ref(Media) },
      },
    },
    (request) => renamingFields(ops.get(request.ctx, request.params), params),
  );

  app.get(
    "/media",
    {
      config: { access: ops.list.access },
      schema: {
        summary: "One page of the caller's media, newest first",
        querystring: MediaQuery,
        response: { 200: ref(MediaPage) },
      },
    },
    (request) => {
      const input = { ...restPage(request.query), purpose: request.query.purpose };
      return restPageOf(renamingFields(ops.list(request.ctx, input), query));
    },
  );

  app.delete(
    "/media/:id",
    {
      config: { access: ops.delete.access },
      schema: {
        summary:
          "Delete one of the caller's media (any, for an admin); one a product, storefront or profile still shows is refused with 422",
        params: IdParams,
        response: { 204: Type.Unsafe<undefined>({ type: "null", description: "Deleted" }) },
      },
    },
    async (request, reply) => {
      await renamingFields(ops.delete(request.ctx, request.params), params);
      return reply.status(204).send();
    },
  );
}
