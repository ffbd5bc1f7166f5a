import type { PostalAddress as PostalAddressMessage } from "@mercato/contracts/mercato/common/v1/common_pb";
import { type Static, Type } from "typebox";
import { closedObject, nullable } from "../rest-schema.js";
import { orNull } from "./catalog-common.js";

const countryCode = { description: "ISO 3166-1 alpha-2" };

/** A postal address as clients see it: optional parts null. */
export const PostalAddress = Type.Object({
  line1: Type.String(),
  line2: nullable(Type.String()),
  city: Type.String(),
  region: nullable(Type.String()),
  postalCode: nullable(Type.String()),
  countryCode: Type.String(countryCode),
});

/** A postal address as the gateway answers it. */
export type PostalAddressJson = Static<typeof PostalAddress>;

/** A postal address a client sends; optional parts may be null or absent. */
export const PostalAddressBody = closedObject({
  line1: Type.String({ minLength: 1, maxLength: 200 }),
  line2: Type.Optional(nullable(Type.String({ maxLength: 200 }))),
  city: Type.String({ minLength: 1, maxLength: 100 }),
  region: Type.Optional(nullable(Type.String({ maxLength: 100 }))),
  postalCode: Type.Optional(nullable(Type.String({ maxLength: 20 }))),
  countryCode: Type.String({ pattern: "^[A-Za-z]{2}$", ...countryCode }),
});

/** A postal address as clients send it. */
export type PostalAddressInput = Static<typeof PostalAddressBody>;

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
export function postalAddressJson(address: PostalAddressMessage | undefined): PostalAddressJson {
  return {
    line1: address?.line1 ?? "",
    line2: orNull(address?.line2 ?? ""),
    city: address?.city ?? "",
    region: orNull(address?.region ?? ""),
    postalCode: orNull(address?.postalCode ?? ""),
    countryCode: address?.countryCode ?? "",
  };
}
