import { create } from "@bufbuild/protobuf";
import type { ConnectRouter } from "@connectrpc/connect";
import {
  BatchGetStorefrontsResponseSchema,
  CreateStorefrontResponseSchema,
  FollowStorefrontResponseSchema,
  GetMyStorefrontResponseSchema,
  GetStorefrontResponseSchema,
  ListFollowedStorefrontsResponseSchema,
  ListStorefrontsResponseSchema,
  SellersService,
  SetStorefrontStatusResponseSchema,
  type Storefront,
  StorefrontHitSchema,
  UnfollowStorefrontResponseSchema,
  UpdateStorefrontResponseSchema,
} from "@mercato/contracts/mercato/sellers/v1/sellers_pb";
import { type Caller, NotFound, PermissionDenied } from "@mercato/platform";
import { changesFromUpdate, fieldsFromCreate } from "../domain/storefront-fields.js";
import {
  type ApprovalMode,
  assertMayOpenStorefront,
  checkedText,
  initialStatus,
  isAdmin,
  maySee,
  statusChange,
} from "../domain/storefront-rules.js";
import { statusFromProto, storefrontToProto } from "../store/mappers.js";
import type { StorefrontRow } from "../store/schema.js";
import { type StorefrontFilter, type Storefronts, storefrontNotFound } from "../store/storefronts.store.js";
import { optionalCaller, requireCaller, requireUser, userIdOf } from "./caller.js";

/** Page size of the lists when the request asks for 0. */
export const defaultPageSize = 20;

const slugPattern = /^[a-z0-9](?:[a-z0-9]|-[a-z0-9]){2,59}$/;

/** Registers the SellersService handlers. */
export function sellersRoutes(
  router: ConnectRouter,
  deps: { storefronts: Storefronts; approval: ApprovalMode },
): void {
  const { storefronts, approval } = deps;

  /** Rows as the caller sees them, with followed_by_me looked up in one query. */
  const present = async (
    caller: Caller | undefined,
    rows: readonly StorefrontRow[],
  ): Promise<Storefront[]> => {
    const userId = userIdOf(caller);
    const followed = userId
      ? await storefronts.followedAmong(
          userId,
          rows.map((row) => row.id),
        )
      : new Set<string>();
    return rows.map((row) => storefrontToProto(row, followed.has(row.id)));
  };
  const presentOne = async (caller: Caller | undefined, row: StorefrontRow): Promise<Storefront> => {
    const [storefront] = await present(caller, [row]);
    if (!storefront) throw new Error("present returned nothing for one row");
    return storefront;
  };

  router.service(SellersService, {
    async createStorefront(req, context) {
      const caller = requireUser(context);
      assertMayOpenStorefront(caller);
      const row = await storefronts.create(caller, fieldsFromCreate(req), initialStatus(approval));
      return create(CreateStorefrontResponseSchema, { storefront: storefrontToProto(row) });
    },

    async updateStorefront(req, context) {
      const caller = requireCaller(context);
      const row = await storefronts.update(caller, req.id.toLowerCase(), changesFromUpdate(req));
      return create(UpdateStorefrontResponseSchema, { storefront: await presentOne(caller, row) });
    },

    async setStorefrontStatus(req, context) {
      const caller = requireCaller(context);
      if (!isAdmin(caller)) throw new PermissionDenied("only an admin sets a storefront's status");
      const status = statusFromProto(req.status);
      if (status !== "active" && status !== "suspended")
        throw new Error("validation admits ACTIVE or SUSPENDED only");
      const row = await storefronts.setStatus(req.id.toLowerCase(), statusChange(status, req.reason));
      return create(SetStorefrontStatusResponseSchema, { storefront: await presentOne(caller, row) });
    },

    async getStorefront(req, context) {
      const caller = optionalCaller(context);
      const row =
        req.key.case === "id"
          ? await storefronts.find({ id: req.key.value.toLowerCase() })
          : // A string that is no slug names no storefront (and never reaches the database).
            req.key.case === "slug" && slugPattern.test(req.key.value)
            ? await storefronts.find({ slug: req.key.value })
            : undefined;
      if (!row || !maySee(caller, row)) throw storefrontNotFound();
      return create(GetStorefrontResponseSchema, { storefront: await presentOne(caller, row) });
    },

    async getMyStorefront(_req, context) {
      const caller = requireUser(context);
      const row = await storefronts.find({ ownerId: caller.id });
      if (!row) throw new NotFound("you have not opened a storefront yet");
      return create(GetMyStorefrontResponseSchema, { storefront: await presentOne(caller, row) });
    },

    async batchGetStorefronts(req, context) {
      const caller = optionalCaller(context);
      const rows = await storefronts.byIds(req.ids.map((id) => id.toLowerCase()));
      const visible = rows.filter((row) => maySee(caller, row));
      return create(BatchGetStorefrontsResponseSchema, { storefronts: await present(caller, visible) });
    },

    async listStorefronts(req, context) {
      const caller = optionalCaller(context);
      const status = statusFromProto(req.status);
      if (!isAdmin(caller) && status !== undefined && status !== "active") {
        throw new PermissionDenied("only an admin lists storefronts that are not active");
      }
      const filter: StorefrontFilter = {
        statuses: isAdmin(caller) ? (status ? [status] : undefined) : ["active"],
        query: checkedText("query", req.query).trim() || undefined,
        countryCode: req.countryCode || undefined,
        near:
          req.near?.point === undefined
            ? undefined
            : {
                latitude: req.near.point.latitude,
                longitude: req.near.point.longitude,
                radiusMeters: req.near.radiusMeters,
              },
      };
      const page = await storefronts.list(filter, req.limit || defaultPageSize, req.cursor || undefined);
      const shown = await present(
        caller,
        page.items.map((hit) => hit.row),
      );
      return create(ListStorefrontsResponseSchema, {
        hits: page.items.map((hit, index) =>
          create(StorefrontHitSchema, {
            storefront: shown[index],
            ...(hit.distanceMeters === undefined ? {} : { distanceMeters: hit.distanceMeters }),
          }),
        ),
        nextCursor: page.nextCursor ?? "",
      });
    },

    async followStorefront(req, context) {
      const caller = requireUser(context);
      const row = await storefronts.follow(caller, req.id.toLowerCase());
      return create(FollowStorefrontResponseSchema, { storefront: storefrontToProto(row, true) });
    },

    async unfollowStorefront(req, context) {
      const caller = requireUser(context);
      const row = await storefronts.unfollow(caller, req.id.toLowerCase());
      return create(UnfollowStorefrontResponseSchema, { storefront: storefrontToProto(row, false) });
    },

    async listFollowedStorefronts(req, context) {
      const caller = requireUser(context);
      const page = await storefronts.listFollowed(
        caller.id,
        req.limit || defaultPageSize,
        req.cursor || undefined,
      );
      return create(ListFollowedStorefrontsResponseSchema, {
        storefronts: page.items.map((row) => storefrontToProto(row, true)),
        nextCursor: page.nextCursor ?? "",
      });
    },
  });
}
