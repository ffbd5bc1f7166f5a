import type { PostalAddress } from "@mercato/contracts/mercato/common/v1/common_pb";
import { nullableString, orNull } from "./catalog-common.js";

/** A postal address as clients send it; optional parts may be null or absent. */
export interface PostalAddressInput {
  line1: string;
  line2?: string | null;
  city: string;
  region?: string | null;
  postalCode?: string | null;
  countryCode: string;
}

/** A client's postal address as the contract's PostalAddress (absent parts empty, country upper-cased). */
export function postalAddressRequest(address: PostalAddressInput) {
  return {
    line1: address.line1,
    line2: address.line2 ?? "",
    city: address.city,
    region: address.region ?? "",
    postalCode: address.postalCode ?? "",
    countryCode: address.countryCode.trim().toUpperCase(),
  };
}

/** A contract PostalAddress as clients see it: empty optional parts null. */
export function postalAddressJson(address: PostalAddress | undefined) {
  return {
    line1: address?.line1 ?? "",
    line2: orNull(address?.line2 ?? ""),
    city: address?.city ?? "",
    region: orNull(address?.region ?? ""),
    postalCode: orNull(address?.postalCode ?? ""),
    countryCode: address?.countryCode ?? "",
  };
}

/** JSON schema of a postal address in responses. */
export const postalAddressSchema = {
  type: "object",
  required: ["line1", "line2", "city", "region", "postalCode", "countryCode"],
  properties: {
    line1: { type: "string" },
    line2: { type: ["string", "null"] },
    city: { type: "string" },
    region: { type: ["string", "null"] },
    postalCode: { type: ["string", "null"] },
    countryCode: { type: "string", description: "ISO 3166-1 alpha-2" },
  },
} as const;

/** JSON schema of a postal address a client sends. */
export const postalAddressBody = {
  type: "object",
  required: ["line1", "city", "countryCode"],
  additionalProperties: false,
  properties: {
    line1: { type: "string", minLength: 1, maxLength: 200 },
    line2: nullableString(200),
    city: { type: "string", minLength: 1, maxLength: 100 },
    region: nullableString(100),
    postalCode: nullableString(20),
    countryCode: { type: "string", pattern: "^[A-Za-z]{2}$", description: "ISO 3166-1 alpha-2" },
  },
} as const;
