import type { Storefront } from "@mercato/contracts/mercato/sellers/v1/sellers_pb";
import { StorefrontStatus } from "@mercato/contracts/mercato/sellers/v1/sellers_pb";
import { jsonInteger, orNull } from "./catalog-common.js";
import { postalAddressJson } from "./postal-address.js";
import { isoTime } from "./rest.js";

/** A contract enum value as clients see it: `STOREFRONT_STATUS_ACTIVE` (2) → `active`. */
export function enumName(names: Record<number, string>, value: number): string {
  return (names[value] ?? "unspecified").toLowerCase();
}

/** A `{name: value}` map as a list of `{name, value}` pairs, sorted by name. */
export function pairs(map: Record<string, string>) {
  return Object.entries(map)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, value]) => ({ name, value }));
}

/** A storefront as clients see it: camelCase, unset fields null, status lower-case, times ISO 8601. */
export function storefrontJson(storefront: Storefront | undefined) {
  if (!storefront) throw new Error("the sellers service answered without a storefront");
  return {
    id: storefront.id,
    ownerId: storefront.ownerId,
    name: storefront.name,
    slug: storefront.slug,
    description: storefront.description,
    logoMediaId: orNull(storefront.logoMediaId),
    bannerMediaId: orNull(storefront.bannerMediaId),
    contact: {
      email: orNull(storefront.contact?.email ?? ""),
      phone: orNull(storefront.contact?.phone ?? ""),
      website: orNull(storefront.contact?.website ?? ""),
    },
    address: postalAddressJson(storefront.address),
    location: { lat: storefront.location?.latitude ?? 0, lng: storefront.location?.longitude ?? 0 },
    status: enumName(StorefrontStatus, storefront.status),
    statusReason: orNull(storefront.statusReason),
    followerCount: jsonInteger(storefront.followerCount),
    followedByMe: storefront.followedByMe,
    createdAt: isoTime(storefront.createdAt),
    updatedAt: isoTime(storefront.updatedAt),
  };
}

/** A storefront as the gateway hands it to clients. */
export type StorefrontJson = ReturnType<typeof storefrontJson>;

/** A contract enum value from a client's name (`active`, `ACTIVE`); routes and the schema admit known names only. */
export function enumValue<E extends Record<string, string | number>>(values: E, name: string): E[keyof E] {
  const value = values[name.toUpperCase() as keyof E];
  if (typeof value !== "number") throw new Error(`unknown value ${name}`);
  return value;
}
