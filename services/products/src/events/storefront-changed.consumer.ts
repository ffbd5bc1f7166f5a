import { eventSubjects } from "@mercato/contracts/events";
import { type Storefront, StorefrontStatus } from "@mercato/contracts/mercato/sellers/v1/sellers_pb";
import { type ConsumerDefinition, defineConsumer } from "@mercato/platform";
import { validate as isUuid } from "uuid";
import { type StorefrontProjection, upsertStorefront } from "../store/storefronts.store.js";

const storefrontSubjects = {
  created: eventSubjects.sellers.storefrontCreated,
  updated: eventSubjects.sellers.storefrontUpdated,
} as const;

const statusText: Partial<Record<StorefrontStatus, string>> = {
  [StorefrontStatus.PENDING]: "pending",
  [StorefrontStatus.ACTIVE]: "active",
  [StorefrontStatus.SUSPENDED]: "suspended",
};

/** The projection row of a StorefrontChanged payload; throws (the event is parked) on one it cannot use. */
export function storefrontProjectionOf(storefront: Storefront | undefined): StorefrontProjection {
  if (!storefront || !isUuid(storefront.id) || !isUuid(storefront.ownerId)) {
    throw new Error("StorefrontChanged carries no storefront with UUID id and owner_id");
  }
  const status = statusText[storefront.status];
  if (!status) throw new Error(`StorefrontChanged carries an unknown status ${storefront.status}`);
  if (!storefront.location) throw new Error("StorefrontChanged carries no location");
  return {
    id: storefront.id.toLowerCase(),
    ownerId: storefront.ownerId.toLowerCase(),
    name: storefront.name,
    slug: storefront.slug,
    status,
    location: { lat: storefront.location.latitude, lng: storefront.location.longitude },
    version: Number(storefront.version),
  };
}

/**
 * The two consumers (one filter subject each, ADR 0007) that keep the storefronts projection:
 * who owns each storefront, whether it is active and where it is. The highest version wins.
 */
export function storefrontConsumers(): ConsumerDefinition[] {
  return (["created", "updated"] as const).map((verb) =>
    defineConsumer({
      name: `storefront-projection-${verb}`,
      on: storefrontSubjects[verb],
      async handle(_ctx, tx, message) {
        await upsertStorefront(tx, storefrontProjectionOf(message.storefront));
      },
    }),
  ) as ConsumerDefinition[];
}
