import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import {
  type Address,
  type AddressFields,
  AddressFieldsSchema,
  AddressSchema,
  type Profile,
  ProfileSchema,
} from "@mercato/contracts/mercato/users/v1/users_pb";
import type { AddressParts } from "../domain/address-rules.js";
import type { AddressRow, ProfileRow } from "./schema.js";

/** A stored profile as the contract speaks it (cleared fields as empty strings). */
export function profileToProto(row: ProfileRow): Profile {
  return create(ProfileSchema, {
    userId: row.userId,
    displayName: row.displayName ?? "",
    email: row.email ?? "",
    phone: row.phone ?? "",
    avatarMediaId: row.avatarMediaId ?? "",
    locale: row.locale,
    createdAt: timestampFromDate(row.createdAt),
    updatedAt: timestampFromDate(row.updatedAt),
  });
}

/** A stored address as the contract speaks it. */
export function addressToProto(row: AddressRow): Address {
  return create(AddressSchema, {
    id: row.id,
    fields: create(AddressFieldsSchema, {
      label: row.label,
      recipientName: row.recipientName,
      company: row.company,
      line1: row.line1,
      line2: row.line2,
      city: row.city,
      region: row.region,
      postalCode: row.postalCode,
      countryCode: row.countryCode,
      phone: row.phone,
    }),
    defaultShipping: row.defaultShipping,
    defaultBilling: row.defaultBilling,
    createdAt: timestampFromDate(row.createdAt),
    updatedAt: timestampFromDate(row.updatedAt),
  });
}

/** The parts of an address from its contract message (validation requires it to be present). */
export function addressPartsFromProto(fields: AddressFields | undefined): AddressParts {
  return {
    label: fields?.label ?? "",
    recipientName: fields?.recipientName ?? "",
    company: fields?.company ?? "",
    line1: fields?.line1 ?? "",
    line2: fields?.line2 ?? "",
    city: fields?.city ?? "",
    region: fields?.region ?? "",
    postalCode: fields?.postalCode ?? "",
    countryCode: fields?.countryCode ?? "",
    phone: fields?.phone ?? "",
  };
}
