import type { PostalAddress } from "@mercato/contracts/mercato/common/v1/common_pb";
import type {
  Contact,
  CreateStorefrontRequest,
  UpdateStorefrontRequest,
} from "@mercato/contracts/mercato/sellers/v1/sellers_pb";
import { InvalidArgument, type MediaReference } from "@mercato/platform";
import { checkedName, checkedText } from "./storefront-rules.js";

/** The fields of a storefront that its owner sets, in stored form (no media = null, other blanks = ""). */
export interface StorefrontFields {
  name: string;
  slug: string;
  description: string;
  logoMediaId: string | null;
  bannerMediaId: string | null;
  contactEmail: string;
  contactPhone: string;
  contactWebsite: string;
  addressLine1: string;
  addressLine2: string;
  city: string;
  region: string;
  postalCode: string;
  countryCode: string;
  location: { latitude: number; longitude: number };
}

/** The fields of a new storefront from a validated request; control characters are refused per field. */
export function fieldsFromCreate(req: CreateStorefrontRequest): StorefrontFields {
  if (!req.address || !req.location)
    throw new Error("validation lets no request through without address and location");
  return {
    name: checkedName("name", req.name),
    slug: req.slug,
    description: checkedText("description", req.description, { multiline: true }).trim(),
    logoMediaId: mediaId(req.logoMediaId),
    bannerMediaId: mediaId(req.bannerMediaId),
    ...contactFields(req.contact),
    ...addressFields(req.address),
    location: { latitude: req.location.latitude, longitude: req.location.longitude },
  };
}

/** The fields an update sets; fields absent from the request are absent here. */
export function changesFromUpdate(req: UpdateStorefrontRequest): Partial<StorefrontFields> {
  return {
    ...(req.name === undefined ? {} : { name: checkedName("name", req.name) }),
    ...(req.slug === undefined ? {} : { slug: req.slug }),
    ...(req.description === undefined
      ? {}
      : { description: checkedText("description", req.description, { multiline: true }).trim() }),
    ...(req.logoMediaId === undefined ? {} : { logoMediaId: mediaId(req.logoMediaId) }),
    ...(req.bannerMediaId === undefined ? {} : { bannerMediaId: mediaId(req.bannerMediaId) }),
    ...(req.contact ? contactFields(req.contact) : {}),
    ...(req.address ? addressFields(req.address) : {}),
    ...(req.location
      ? { location: { latitude: req.location.latitude, longitude: req.location.longitude } }
      : {}),
  };
}

/**
 * The logo and banner a storefront change sets, as media references to check (ADR 0041): ready
 * images of the caller uploaded as a storefront logo or banner. Cleared or absent fields are none.
 */
export function storefrontMediaReferences(fields: Partial<StorefrontFields>): MediaReference[] {
  const references: MediaReference[] = [];
  if (fields.logoMediaId)
    references.push({
      field: "logo_media_id",
      mediaId: fields.logoMediaId,
      purpose: "storefront_logo",
      kinds: ["image"],
    });
  if (fields.bannerMediaId)
    references.push({
      field: "banner_media_id",
      mediaId: fields.bannerMediaId,
      purpose: "storefront_banner",
      kinds: ["image"],
    });
  return references;
}

function mediaId(value: string): string | null {
  return value === "" ? null : value.toLowerCase();
}

function contactFields(contact: Contact | undefined) {
  return {
    contactEmail: checkedText("contact.email", contact?.email ?? "").trim(),
    contactPhone: contact?.phone ?? "",
    contactWebsite: checkedText("contact.website", contact?.website ?? "").trim(),
  };
}

function addressFields(address: PostalAddress) {
  const part = (field: keyof PostalAddress & string, value: string) =>
    checkedText(`address.${field.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)}`, value).trim();
  const line1 = part("line1", address.line1);
  const city = part("city", address.city);
  return {
    addressLine1: requiredPart("address.line1", line1),
    addressLine2: part("line2", address.line2),
    city: requiredPart("address.city", city),
    region: part("region", address.region),
    postalCode: part("postalCode", address.postalCode),
    countryCode: address.countryCode,
  };
}

function requiredPart(field: string, value: string): string {
  if (value === "") throw InvalidArgument.field(field, "must not be blank");
  return value;
}
