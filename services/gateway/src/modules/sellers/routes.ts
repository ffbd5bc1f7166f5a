import type { RestApp } from "../../domain.js";
import { IdParams, PageQuery, ref, restPage, restPageOf } from "../../rest-schema.js";
import { clientField, idOrSlug, idOrSlugField, nearQuery, renamingFields } from "../catalog-common.js";
import type { SellersOperations } from "./operations.js";
import {
  CreateStorefrontBody,
  IdOrSlugParams,
  StatusBody,
  Storefront,
  StorefrontListQuery,
  StorefrontPage,
  UpdateStorefrontBody,
} from "./schemas.js";

const body = clientField("body");
const query = clientField("querystring");
const listQuery = clientField("querystring", { "near.radius_meters": "querystring.radius" });

/** REST under /api/v1/sellers: each route declares its operation's access and calls it. */
export function sellersRoutes(app: RestApp, ops: SellersOperations): void {
  const one = { 200: ref(Storefront) };
  const page = { 200: ref(StorefrontPage) };

  app.get(
    "/sellers",
    {
      config: { access: ops.list.access },
      schema: {
        summary:
          "Active storefronts (any status for admins): nearest first with near, else newest; with query, name matches before description matches",
        querystring: StorefrontListQuery,
        response: page,
      },
    },
    async (request) => {
      const q = request.query;
      // The circle is checked here, where its fields are named as this client sent them.
      const input = {
        ...restPage(q),
        near: nearQuery(q.near, q.radius),
        query: q.query ?? "",
        countryCode: q.countryCode ?? "",
        status: q.status,
      };
      return restPageOf(renamingFields(ops.list(request.ctx, input), listQuery));
    },
  );

  app.get(
    "/sellers/me",
    {
      config: { access: ops.mine.access },
      schema: { summary: "The caller's storefront (404 before it is opened)", response: one },
    },
    (request) => ops.mine(request.ctx, undefined),
  );

  app.get(
    "/sellers/me/follows",
    {
      config: { access: ops.followed.access },
      schema: {
        summary: "Storefronts the caller follows, newest follow first",
        querystring: PageQuery,
        response: page,
      },
    },
    (request) => restPageOf(renamingFields(ops.followed(request.ctx, restPage(request.query)), query)),
  );

  app.get(
    "/sellers/:idOrSlug",
    {
      config: { access: ops.storefront.access },
      schema: {
        summary: "One storefront by id or slug: an active one to anyone, any to its owner or an admin",
        params: IdOrSlugParams,
        response: one,
      },
    },
    (request) =>
      renamingFields(ops.storefront(request.ctx, { key: idOrSlug(request.params.idOrSlug) }), idOrSlugField),
  );

  app.post(
    "/sellers",
    {
      config: { access: ops.create.access },
      schema: {
        summary: "Open the caller's storefront (a seller with a verified e-mail address; one per account)",
        body: CreateStorefrontBody,
        response: { 201: ref(Storefront) },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await renamingFields(ops.create(request.ctx, request.body), body)),
  );

  app.patch(
    "/sellers/:id",
    {
      config: { access: ops.update.access },
      schema: {
        summary:
          "Change a storefront (owner or admin): omitted fields stay, null media ids remove the image, contact and address replace the whole",
        params: IdParams,
        body: UpdateStorefrontBody,
        response: one,
      },
    },
    (request) =>
      renamingFields(ops.update(request.ctx, { id: request.params.id, changes: request.body }), body),
  );

  app.post(
    "/sellers/:id/status",
    {
      config: { access: ops.setStatus.access },
      schema: {
        summary: "Activate or suspend a storefront (admin); a reason is required to suspend",
        params: IdParams,
        body: StatusBody,
        response: one,
      },
    },
    (request) => renamingFields(ops.setStatus(request.ctx, { ...request.params, ...request.body }), body),
  );

  app.put(
    "/sellers/:id/follow",
    {
      config: { access: ops.follow.access },
      schema: {
        summary: "Follow an active storefront (not one's own: 422); following twice is one follow",
        params: IdParams,
        response: one,
      },
    },
    (request) => ops.follow(request.ctx, request.params),
  );

  app.delete(
    "/sellers/:id/follow",
    {
      config: { access: ops.unfollow.access },
      schema: {
        summary: "Stop following a storefront; not following it is no error",
        params: IdParams,
        response: one,
      },
    },
    (request) => ops.unfollow(request.ctx, request.params),
  );
}
