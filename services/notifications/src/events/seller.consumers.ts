import { timestampDate } from "@bufbuild/protobuf/wkt";
import { eventSubjects } from "@mercato/contracts/events";
import { ProductStatus } from "@mercato/contracts/mercato/products/v1/products_pb";
import { StorefrontStatus } from "@mercato/contracts/mercato/sellers/v1/sellers_pb";
import type { Profile } from "@mercato/contracts/mercato/users/v1/users_pb";
import { type ConsumerDefinition, defineConsumer, type Tx } from "@mercato/platform";
import type { Notifier } from "../notify.workflow.js";
import { directory } from "../store/directory.store.js";
import { marketing } from "../store/marketing.store.js";

const statusName: Record<StorefrontStatus, string> = {
  [StorefrontStatus.UNSPECIFIED]: "",
  [StorefrontStatus.PENDING]: "pending",
  [StorefrontStatus.ACTIVE]: "active",
  [StorefrontStatus.SUSPENDED]: "suspended",
};

/**
 * What the service keeps of other services (profiles for address and locale, storefronts with their
 * owners, products with their storefronts, follows), and what sellers hear: low stock, payouts paid
 * or failed, new followers, their storefront approved or suspended.
 */
export function sellerConsumers(notifier: Notifier): ConsumerDefinition[] {
  const applyProfile = async (tx: Tx, profile: Profile | undefined, eventId?: string) => {
    if (!profile) throw new Error("the profile event carries no profile");
    const before = eventId ? await directory.recipient(tx, profile.userId) : undefined;
    const updatedAt = profile.updatedAt ? timestampDate(profile.updatedAt) : new Date(0);
    await directory.applyProfile(tx, {
      userId: profile.userId,
      email: profile.email,
      displayName: profile.displayName,
      locale: profile.locale || "en",
      updatedAt,
    });
    // The old address hears that the address changed (the new one may not be its owner's), unless
    // this change is older than what is known.
    const newer = !before?.updatedAt || before.updatedAt < updatedAt;
    if (eventId && newer && before?.email && before.email !== profile.email)
      await notifier.notify(
        tx,
        eventId,
        profile.userId,
        { kind: "security.email_changed", newEmail: profile.email || "(none)" },
        { emailTo: before.email },
      );
    // A first address is confirmed to itself: from now on order news goes there.
    if (eventId && newer && !before?.email && profile.email)
      await notifier.notify(tx, eventId, profile.userId, {
        kind: "security.email_added",
        email: profile.email,
      });
  };
  const profiles = [
    defineConsumer({
      name: "recipients-created",
      on: eventSubjects.users.profileCreated,
      handle: (_ctx, tx, event) => applyProfile(tx, event.profile),
    }),
    defineConsumer({
      name: "recipients-updated",
      on: eventSubjects.users.profileUpdated,
      handle: (_ctx, tx, event, envelope) => applyProfile(tx, event.profile, envelope.id),
    }),
  ];
  const storefronts = (["created", "updated"] as const).map((verb) =>
    defineConsumer({
      name: `storefronts-${verb}`,
      on:
        verb === "created"
          ? eventSubjects.sellers.storefrontCreated
          : eventSubjects.sellers.storefrontUpdated,
      async handle(_ctx, tx, event, envelope) {
        const storefront = event.storefront;
        if (!storefront) throw new Error("StorefrontChanged carries no storefront");
        const before = await directory.storefront(tx, storefront.id);
        const status = statusName[storefront.status] ?? "";
        const version = Number(storefront.version);
        await directory.applyStorefront(tx, {
          id: storefront.id,
          ownerId: storefront.ownerId,
          name: storefront.name,
          status,
          version,
        });
        // An admin's decision, told once: the status moved on in a newer version than the one known.
        if (!before || before.version >= version || before.status === status) return;
        if (status === "active" && before.status === "pending")
          await notifier.notify(tx, envelope.id, storefront.ownerId, {
            kind: "storefront.approved",
            storefrontId: storefront.id,
            storefrontName: storefront.name,
          });
        if (status === "suspended")
          await notifier.notify(tx, envelope.id, storefront.ownerId, {
            kind: "storefront.suspended",
            storefrontId: storefront.id,
            storefrontName: storefront.name,
            reason: storefront.statusReason,
          });
      },
    }),
  );
  const products = (["created", "updated"] as const).map((verb) =>
    defineConsumer({
      name: `products-${verb}`,
      on: verb === "created" ? eventSubjects.products.productCreated : eventSubjects.products.productUpdated,
      async handle(_ctx, tx, event) {
        const product = event.product;
        if (!product) throw new Error("ProductChanged carries no product");
        const status = product.status === ProductStatus.ACTIVE ? "active" : "inactive";
        const { before, applied } = await directory.applyProduct(tx, {
          id: product.id,
          storefrontId: product.storefrontId,
          title: product.title,
          status,
          version: Number(product.version),
        });
        // Published (now, or created active): news for the storefront's followers, sent in a digest.
        if (applied && status === "active" && before !== "active")
          await marketing.published(tx, {
            id: product.id,
            storefrontId: product.storefrontId,
            title: product.title,
          });
      },
    }),
  );
  const payouts = (["paid", "failed"] as const).map((verb) =>
    defineConsumer({
      name: `seller-payout-${verb}`,
      on: verb === "paid" ? eventSubjects.sellers.payoutPaid : eventSubjects.sellers.payoutFailed,
      async handle(_ctx, tx, event, envelope) {
        const payout = event.payout;
        if (!payout) throw new Error("PayoutChanged carries no payout");
        const storefront = await directory.storefront(tx, payout.storefrontId);
        // Retried (then parked) until the storefront's own event has arrived.
        if (!storefront) throw new Error(`storefront ${payout.storefrontId} is not known yet`);
        const amount = {
          amountMinor: Number(payout.amount?.amountMinor ?? 0n),
          currency: payout.amount?.currency ?? "EUR",
        };
        await notifier.notify(
          tx,
          envelope.id,
          storefront.ownerId,
          verb === "paid"
            ? { kind: "payout.paid", payoutId: payout.id, amount }
            : { kind: "payout.failed", payoutId: payout.id, amount, reason: payout.failureReason },
        );
      },
    }),
  );
  return [
    ...profiles,
    ...storefronts,
    ...products,
    ...payouts,
    defineConsumer({
      name: "seller-stock-low",
      on: eventSubjects.inventory.stockLow,
      async handle(_ctx, tx, event, envelope) {
        const product = await directory.productOwner(tx, event.productId);
        if (!product) throw new Error(`product ${event.productId} or its storefront is not known yet`);
        await notifier.notify(tx, envelope.id, product.ownerId, {
          kind: "stock.low",
          productTitle: product.title,
          variantId: event.variantId,
          available: Number(event.available),
          threshold: Number(event.threshold),
        });
      },
    }),
    defineConsumer({
      name: "follows-followed",
      on: eventSubjects.sellers.storefrontFollowed,
      async handle(_ctx, tx, event, envelope) {
        const at = event.followedAt ? timestampDate(event.followedAt) : envelope.occurredAt;
        if (!(await directory.follow(tx, event.storefrontId, event.userId, at))) return;
        const storefront = await directory.storefront(tx, event.storefrontId);
        if (!storefront) return; // a storefront not seen yet has no owner to tell
        const follower = await directory.recipient(tx, event.userId);
        await notifier.notify(tx, envelope.id, storefront.ownerId, {
          kind: "follower.new",
          storefrontId: storefront.id,
          storefrontName: storefront.name,
          followerName: follower.displayName,
        });
      },
    }),
    defineConsumer({
      name: "follows-unfollowed",
      on: eventSubjects.sellers.storefrontUnfollowed,
      async handle(_ctx, tx, event) {
        await directory.unfollow(tx, event.storefrontId, event.userId);
      },
    }),
  ] as ConsumerDefinition[];
}
