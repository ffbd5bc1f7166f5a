import type { Role } from "@mercato/platform/context";
import { type Static, Type } from "typebox";
import { closedObject, DateTime, nullable, page, stringEnum, Uuid } from "../../rest-schema.js";
import { mediaField } from "../media/schemas.js";
import { PostalAddressBody } from "../postal-address.js";

/** A profile as clients see it: camelCase, unset fields null, times ISO 8601. */
export const Profile = Type.Object(
  {
    userId: Uuid,
    displayName: nullable(Type.String()),
    email: nullable(Type.String()),
    phone: nullable(Type.String({ description: "E.164" })),
    avatarMediaId: nullable(Type.String({ format: "uuid" })),
    avatar: mediaField("the image of avatarMediaId"),
    locale: Type.String({ description: "BCP 47, e.g. en or pt-BR" }),
    createdAt: DateTime,
    updatedAt: DateTime,
  },
  { $id: "Profile" },
);

/** What the GraphQL `Profile` resolves from. */
export type ProfileModel = Static<typeof Profile>;

/** The signed-in user in REST: identity from the token and the profile (null until it is created). */
export const Me = Type.Object(
  {
    id: Type.String(),
    roles: Type.Array(stringEnum(["buyer", "seller", "admin"])),
    emailVerified: Type.Boolean(),
    profile: Type.Union([Type.Unsafe<ProfileModel>({ $ref: "Profile#" }), Type.Null()], {
      description: "null until it is created",
    }),
  },
  { $id: "Me" },
);

/** What the GraphQL `Me` resolves from: the caller; its profile and addresses are fields of their own. */
export interface MeModel {
  id: string;
  roles: Role[];
  emailVerified: boolean;
}

/** The parts of an address clients send and see, beside its flags. */
export const addressParts = [
  "label",
  "recipientName",
  "company",
  "line1",
  "line2",
  "city",
  "region",
  "postalCode",
  "countryCode",
  "phone",
] as const;

/** One address of the book with its fields flattened. */
export const Address = Type.Object(
  {
    id: Uuid,
    label: nullable(Type.String()),
    recipientName: Type.String(),
    company: nullable(Type.String()),
    line1: Type.String(),
    line2: nullable(Type.String()),
    city: Type.String(),
    region: nullable(Type.String()),
    postalCode: nullable(Type.String()),
    countryCode: Type.String({ description: "ISO 3166-1 alpha-2" }),
    phone: nullable(Type.String()),
    defaultShipping: Type.Boolean(),
    defaultBilling: Type.Boolean(),
    createdAt: DateTime,
    updatedAt: DateTime,
  },
  { $id: "Address" },
);

/** What the GraphQL `Address` resolves from. */
export type AddressModel = Static<typeof Address>;

/** A REST page of addresses. */
export const AddressPage = page("AddressPage", Address);

/** REST query of the address list. */
export const AddressQuery = closedObject({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
  cursor: Type.Optional(Type.String({ maxLength: 200, description: "nextCursor of the previous page" })),
});

/** Profile changes: absent keeps a field, null or "" clears it (the locale cannot be cleared). */
export const ProfileBody = closedObject({
  displayName: Type.Optional(nullable(Type.String({ maxLength: 100 }))),
  email: Type.Optional(nullable(Type.String({ maxLength: 254 }))),
  phone: Type.Optional(nullable(Type.String({ maxLength: 16, description: "E.164" }))),
  avatarMediaId: Type.Optional(nullable(Type.String({ maxLength: 36, description: "media id (UUID)" }))),
  locale: Type.Optional(Type.String({ maxLength: 35, description: "BCP 47, e.g. en or pt-BR" })),
});

/** Profile changes as REST and GraphQL clients send them (GraphQL may send a null locale). */
export type ProfileInput = {
  [K in "displayName" | "email" | "phone" | "avatarMediaId" | "locale"]?: string | null;
};

const e164 = "^$|^\\+[1-9][0-9]{6,14}$";
const defaultFlag = nullable(
  Type.Boolean({ description: "true makes it the default; the first address always is" }),
);
const { line1, line2, city, region, postalCode, countryCode } = PostalAddressBody.properties;

/** Body properties of an address; which are required is up to the route. */
const addressBody = {
  label: nullable(Type.String({ maxLength: 50 })),
  recipientName: Type.String({ minLength: 1, maxLength: 100 }),
  company: nullable(Type.String({ maxLength: 100 })),
  line1,
  line2,
  city,
  region,
  postalCode,
  countryCode,
  phone: nullable(Type.String({ maxLength: 16, pattern: e164, description: "E.164" })),
  defaultShipping: defaultFlag,
  defaultBilling: defaultFlag,
};

/** REST body of a new address: recipient, first line, city and country are required. */
export const NewAddressBody = closedObject({
  ...addressBody,
  label: Type.Optional(addressBody.label),
  company: Type.Optional(addressBody.company),
  phone: Type.Optional(addressBody.phone),
  defaultShipping: Type.Optional(defaultFlag),
  defaultBilling: Type.Optional(defaultFlag),
});

/** REST body of an address change: every part optional, omitted parts stay. */
export const AddressPatchBody = closedObject(
  Object.fromEntries(Object.entries(addressBody).map(([name, schema]) => [name, Type.Optional(schema)])) as {
    [K in keyof typeof addressBody]: ReturnType<typeof Type.Optional<(typeof addressBody)[K]>>;
  },
);

/** Address parts as clients send them: optional ones may be absent or null (both mean empty). */
export type AddressInput = { [K in (typeof addressParts)[number]]?: string | null } & {
  defaultShipping?: boolean | null;
  defaultBilling?: boolean | null;
};
