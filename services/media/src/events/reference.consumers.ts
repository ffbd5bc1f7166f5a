import { timestampMs } from "@bufbuild/protobuf/wkt";
import { eventSubjects } from "@mercato/contracts/events";
import { type ConsumerDefinition, defineConsumer } from "@mercato/platform";
import type { References } from "../store/references.store.js";

/**
 * What shows each media, from the events of the services that show it: a product's media, a
 * storefront's logo and banner, a profile's avatar, and the images an order was bought with
 * (kept for good, so the order shows the image as bought).
 */
export function referenceConsumers(references: References): ConsumerDefinition[] {
  return [
    ...[eventSubjects.products.productCreated, eventSubjects.products.productUpdated].map((on) =>
      defineConsumer({
        name: `references-${on.subject.split(".").at(-1)}-product`,
        on,
        async handle(_ctx, tx, event) {
          const product = event.product;
          if (!product) return;
          await references.replace(tx, `product:${product.id}`, Number(product.version), product.mediaIds);
        },
      }),
    ),
    ...[eventSubjects.sellers.storefrontCreated, eventSubjects.sellers.storefrontUpdated].map((on) =>
      defineConsumer({
        name: `references-${on.subject.split(".").at(-1)}-storefront`,
        on,
        async handle(_ctx, tx, event) {
          const storefront = event.storefront;
          if (!storefront) return;
          await references.replace(tx, `storefront:${storefront.id}`, Number(storefront.version), [
            storefront.logoMediaId,
            storefront.bannerMediaId,
          ]);
        },
      }),
    ),
    ...(["created", "updated"] as const).map((verb) =>
      defineConsumer({
        name: `references-${verb}-profile`,
        on: verb === "created" ? eventSubjects.users.profileCreated : eventSubjects.users.profileUpdated,
        async handle(_ctx, tx, event, envelope) {
          const profile = event.profile;
          if (!profile) return;
          // Profiles carry no version: their update time orders them.
          const version = profile.updatedAt ? timestampMs(profile.updatedAt) : envelope.occurredAt.getTime();
          await references.replace(tx, `profile:${profile.userId}`, version, [profile.avatarMediaId]);
        },
      } as ConsumerDefinition<typeof eventSubjects.users.profileCreated.schema>),
    ),
    defineConsumer({
      name: "references-order-placed",
      on: eventSubjects.orders.orderPlaced,
      async handle(_ctx, tx, event) {
        const lines = event.snapshot?.lines ?? [];
        await references.replace(
          tx,
          `order:${event.orderId}`,
          1,
          lines.map((line) => line.mediaId),
        );
      },
    }),
  ] as ConsumerDefinition[];
}
