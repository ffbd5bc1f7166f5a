import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { GeoPointSchema, PostalAddressSchema } from "@mercato/contracts/mercato/common/v1/common_pb";
import {
  ContactSchema,
  type Storefront,
  StorefrontSchema,
  StorefrontStatus,
} from "@mercato/contracts/mercato/sellers/v1/sellers_pb";
import type { StorefrontStatusName } from "../domain/storefront-rules.js";
import type { StorefrontRow } from "./schema.js";

const statuses: Readonly<Record<StorefrontStatusName, StorefrontStatus>> = {
  pending: StorefrontStatus.PENDING,
  active: StorefrontStatus.ACTIVE,
  suspended: StorefrontStatus.SUSPENDED,
};

/** The contract's status for a stored one. */
export function statusToProto(status: string): StorefrontStatus {
  return statuses[status as StorefrontStatusName] ?? StorefrontStatus.UNSPECIFIED;
}

/** The stored status for the contract's ACTIVE, PENDING or SUSPENDED; undefined for UNSPECIFIED. */
export function statusFromProto(status: StorefrontStatus): StorefrontStatusName | undefined {
  const found = Object.entries(statuses).find(([, value]) => value === status);
  return found?.[0] as StorefrontStatusName | undefined;
}

/** A stored storefront as the contract speaks it; `followedByMe` is the caller's follow (false when anonymous). */
export function storefrontToProto(row: StorefrontRow, followedByMe = false): Storefront {
  return create(StorefrontSchema, {
    id: row.id,
    ownerId: row.ownerId,
    name: row.name,
    slug: row.slug,
    description: row.description,
    logoMediaId: row.logoMediaId ?? "",
    bannerMediaId: row.bannerMediaId ?? "",
    contact: create(ContactSchema, {
      email: row.contactEmail,
      phone: row.contactPhone,
      website: row.contactWebsite,
    }),
    address: create(PostalAddressSchema, {
      line1: row.addressLine1,
      line2: row.addressLine2,
      city: row.city,
      region: row.region,
      postalCode: row.postalCode,
      countryCode: row.countryCode,
    }),
    location: create(GeoPointSchema, { latitude: row.location.latitude, longitude: row.location.longitude }),
    status: statusToProto(row.status),
    statusReason: row.statusReason,
    followerCount: BigInt(row.followerCount),
    followedByMe,
    version: BigInt(row.version),
    createdAt: timestampFromDate(row.createdAt),
    updatedAt: timestampFromDate(row.updatedAt),
  });
}
