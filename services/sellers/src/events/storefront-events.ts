import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import {
  type Storefront,
  StorefrontChangedSchema,
  StorefrontFollowedSchema,
  StorefrontUnfollowedSchema,
} from "@mercato/contracts/mercato/sellers/v1/sellers_pb";
import type { Executor, Outbox } from "@mercato/platform";

/** Subjects of the events the sellers service publishes. */
export const sellersSubjects = {
  storefrontCreated: "mercato.sellers.storefront.created",
  storefrontUpdated: "mercato.sellers.storefront.updated",
  storefrontFollowed: "mercato.sellers.storefront.followed",
  storefrontUnfollowed: "mercato.sellers.storefront.unfollowed",
} as const;

/** Records StorefrontChanged (on `.created` or `.updated`) in the transaction that made the change. */
export async function recordStorefrontChanged(
  outbox: Outbox,
  tx: Executor,
  kind: "created" | "updated",
  storefront: Storefront,
): Promise<void> {
  await outbox.add(tx, {
    subject: kind === "created" ? sellersSubjects.storefrontCreated : sellersSubjects.storefrontUpdated,
    schema: StorefrontChangedSchema,
    message: create(StorefrontChangedSchema, { storefront }),
  });
}

/** Records StorefrontFollowed in the transaction that added the follow. */
export async function recordStorefrontFollowed(
  outbox: Outbox,
  tx: Executor,
  follow: { storefrontId: string; userId: string; followedAt: Date },
): Promise<void> {
  await outbox.add(tx, {
    subject: sellersSubjects.storefrontFollowed,
    schema: StorefrontFollowedSchema,
    message: create(StorefrontFollowedSchema, {
      storefrontId: follow.storefrontId,
      userId: follow.userId,
      followedAt: timestampFromDate(follow.followedAt),
    }),
  });
}

/** Records StorefrontUnfollowed in the transaction that removed the follow. */
export async function recordStorefrontUnfollowed(
  outbox: Outbox,
  tx: Executor,
  unfollow: { storefrontId: string; userId: string; unfollowedAt: Date },
): Promise<void> {
  await outbox.add(tx, {
    subject: sellersSubjects.storefrontUnfollowed,
    schema: StorefrontUnfollowedSchema,
    message: create(StorefrontUnfollowedSchema, {
      storefrontId: unfollow.storefrontId,
      userId: unfollow.userId,
      unfollowedAt: timestampFromDate(unfollow.unfollowedAt),
    }),
  });
}
