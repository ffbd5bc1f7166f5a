import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { eventSubjects } from "@mercato/contracts/events";
import type { Storefront } from "@mercato/contracts/mercato/sellers/v1/sellers_pb";
import type { Executor, Outbox } from "@mercato/platform";

/** Records StorefrontChanged (on `.created` or `.updated`) in the transaction that made the change. */
export async function recordStorefrontChanged(
  outbox: Outbox,
  tx: Executor,
  kind: "created" | "updated",
  storefront: Storefront,
): Promise<void> {
  const on =
    kind === "created" ? eventSubjects.sellers.storefrontCreated : eventSubjects.sellers.storefrontUpdated;
  await outbox.add(tx, on, { storefront });
}

/** Records StorefrontFollowed in the transaction that added the follow. */
export async function recordStorefrontFollowed(
  outbox: Outbox,
  tx: Executor,
  follow: { storefrontId: string; userId: string; followedAt: Date },
): Promise<void> {
  await outbox.add(tx, eventSubjects.sellers.storefrontFollowed, {
    storefrontId: follow.storefrontId,
    userId: follow.userId,
    followedAt: timestampFromDate(follow.followedAt),
  });
}

/** Records StorefrontUnfollowed in the transaction that removed the follow. */
export async function recordStorefrontUnfollowed(
  outbox: Outbox,
  tx: Executor,
  unfollow: { storefrontId: string; userId: string; unfollowedAt: Date },
): Promise<void> {
  await outbox.add(tx, eventSubjects.sellers.storefrontUnfollowed, {
    storefrontId: unfollow.storefrontId,
    userId: unfollow.userId,
    unfollowedAt: timestampFromDate(unfollow.unfollowedAt),
  });
}
