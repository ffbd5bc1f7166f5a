import { type Static, Type } from "typebox";
import {
  closedObject,
  DateTime,
  int64,
  nullable,
  PageQuery,
  page,
  stringEnum,
  Uuid,
} from "../../rest-schema.js";
import { mediaField } from "../media/schemas.js";
import { PostalAddress, PostalAddressBody } from "../postal-address.js";

/** Whether buyers see a storefront, as REST names it (GraphQL upper-cases it). */
export const storefrontStatuses = ["pending", "active", "suspended"] as const;

/** A storefront status as REST names it. */
export type StorefrontStatusName = (typeof storefrontStatuses)[number];

/**
 * A storefront as clients see it (REST body and GraphQL `Storefront`). Its status is typed as the
 * string the shared `storefrontJson` answers, since products resolve storefronts through it too.
 */
export const Storefront = Type.Object(
  {
    id: Uuid,
    ownerId: Type.String({ description: "account id of the seller" }),
    name: Type.String(),
    slug: Type.String(),
    description: Type.String(),
    logoMediaId: nullable(Type.String()),
    bannerMediaId: nullable(Type.String()),
    logo: mediaField("the image of logoMediaId"),
    banner: mediaField("the image of bannerMediaId"),
    contact: Type.Object({
      email: nullable(Type.String()),
      phone: nullable(Type.String({ description: "E.164" })),
      website: nullable(Type.String()),
    }),
    address: PostalAddress,
    location: Type.Object({ lat: Type.Number(), lng: Type.Number() }),
    status: Type.Unsafe<string>(stringEnum(storefrontStatuses)),
    statusReason: nullable(Type.String({ description: "why an admin suspended it" })),
    followerCount: int64(),
    followedByMe: Type.Boolean({ description: "false for anonymous callers" }),
    distanceMeters: Type.Optional(
      nullable(Type.Number({ description: "metres from the point of near; in lists near a point only" })),
    ),
    createdAt: DateTime,
    updatedAt: DateTime,
  },
  { $id: "Storefront" },
);

/** What the GraphQL `Storefront` resolves from. */
export type StorefrontModel = Static<typeof Storefront>;

/** A REST page of storefronts. */
export const StorefrontPage = page("StorefrontPage", Storefront);

const mediaId = nullable(Type.String({ format: "uuid", description: "media id; null for none" }));

const ContactBody = closedObject({
  email: Type.Optional(nullable(Type.String({ maxLength: 254, format: "email" }))),
  phone: Type.Optional(
    nullable(Type.String({ maxLength: 16, pattern: "^\\+[1-9][0-9]{6,14}$", description: "E.164" })),
  ),
  website: Type.Optional(nullable(Type.String({ maxLength: 300, pattern: "^https?://[^\\s]+$" }))),
});

const LocationBody = closedObject({
  lat: Type.Number({ minimum: -90, maximum: 90 }),
  lng: Type.Number({ minimum: -180, maximum: 180 }),
});

const storefrontFields = {
  name: Type.String({ minLength: 2, maxLength: 100 }),
  slug: Type.String({
    pattern: "^[a-z0-9](?:[a-z0-9]|-[a-z0-9]){2,59}$",
    description: "3 to 60 of a-z, 0-9 and single dashes",
  }),
  description: Type.Optional(nullable(Type.String({ maxLength: 5000 }))),
  logoMediaId: Type.Optional(mediaId),
  bannerMediaId: Type.Optional(mediaId),
  contact: Type.Optional(ContactBody),
  address: PostalAddressBody,
  location: LocationBody,
};

/** REST body of a new storefront (GraphQL `CreateStorefrontInput`). */
export const CreateStorefrontBody = closedObject(storefrontFields);

/** REST body of storefront changes: omitted fields stay (GraphQL `UpdateStorefrontInput`). */
export const UpdateStorefrontBody = closedObject(Type.Partial(Type.Object(storefrontFields)).properties);

/** REST `GET /sellers` query: a page, optionally near a point, matching a text, in a country or status. */
export const StorefrontListQuery = closedObject({
  ...PageQuery.properties,
  near: Type.Optional(
    Type.String({
      pattern: "^-?[0-9]+(\\.[0-9]+)?,-?[0-9]+(\\.[0-9]+)?$",
      description: "lat,lng in degrees, e.g. 52.52,13.405",
    }),
  ),
  radius: Type.Optional(
    Type.Number({
      exclusiveMinimum: 0,
      maximum: 20_000_000,
      description: "metres around near; default 50000",
    }),
  ),
  query: Type.Optional(
    Type.String({
      maxLength: 100,
      description: "name or description contains this text (case-insensitive); name matches come first",
    }),
  ),
  countryCode: Type.Optional(Type.String({ pattern: "^[A-Za-z]{2}$", description: "ISO 3166-1 alpha-2" })),
  status: Type.Optional(
    Type.Unsafe<StorefrontStatusName>({ ...stringEnum(storefrontStatuses), description: "admins only" }),
  ),
});

/** REST params naming a storefront by id or slug. */
export const IdOrSlugParams = closedObject({
  idOrSlug: Type.String({ minLength: 1, maxLength: 60, description: "storefront id or slug" }),
});

/** REST body of a status change: a reason is required to suspend (the service checks it). */
export const StatusBody = closedObject({
  status: stringEnum(["active", "suspended"]),
  reason: Type.Optional(Type.String({ maxLength: 500, description: "shown to the seller" })),
});
