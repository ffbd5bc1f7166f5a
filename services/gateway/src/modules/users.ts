import {
  type Address,
  type Profile,
  type UpdateMyProfileRequest,
  UsersService,
} from "@mercato/contracts/mercato/users/v1/users_pb";
import type { Caller } from "@mercato/platform/context";
import { DomainError } from "@mercato/platform/errors";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { defineGatewayModule, type GatewayModule, type GraphqlContext, requireCaller } from "../module.js";
import type { ServiceDirectory } from "../services.js";
import {
  camel,
  dateTime,
  idParams,
  nullableString,
  orNull,
  pageSchema,
  pageSize,
  renamingFields,
} from "./catalog-common.js";
import { postalAddressBody } from "./postal-address.js";
import { bearerSecurity, errorResponses, isoTime } from "./rest.js";

/** A profile as REST and GraphQL clients see it: camelCase, unset fields null, times ISO 8601. */
function profileJson(profile: Profile | undefined) {
  if (!profile) throw new Error("the users service answered without a profile");
  return {
    userId: profile.userId,
    displayName: orNull(profile.displayName),
    email: orNull(profile.email),
    phone: orNull(profile.phone),
    avatarMediaId: orNull(profile.avatarMediaId),
    locale: profile.locale,
    createdAt: isoTime(profile.createdAt),
    updatedAt: isoTime(profile.updatedAt),
  };
}

/** An address with its fields flattened. */
function addressJson(address: Address | undefined) {
  if (!address) throw new Error("the users service answered without an address");
  const fields = address.fields;
  return {
    id: address.id,
    label: orNull(fields?.label ?? ""),
    recipientName: fields?.recipientName ?? "",
    company: orNull(fields?.company ?? ""),
    line1: fields?.line1 ?? "",
    line2: orNull(fields?.line2 ?? ""),
    city: fields?.city ?? "",
    region: orNull(fields?.region ?? ""),
    postalCode: orNull(fields?.postalCode ?? ""),
    countryCode: fields?.countryCode ?? "",
    phone: orNull(fields?.phone ?? ""),
    defaultShipping: address.defaultShipping,
    defaultBilling: address.defaultBilling,
    createdAt: isoTime(address.createdAt),
    updatedAt: isoTime(address.updatedAt),
  };
}

type AddressJson = ReturnType<typeof addressJson>;

/** Address parts as clients send them: optional ones may be absent or null (both mean empty). */
interface AddressInput {
  label?: string | null;
  recipientName?: string | null;
  company?: string | null;
  line1?: string | null;
  line2?: string | null;
  city?: string | null;
  region?: string | null;
  postalCode?: string | null;
  countryCode?: string | null;
  phone?: string | null;
  defaultShipping?: boolean | null;
  defaultBilling?: boolean | null;
}

/** Profile changes as clients send them: absent keeps a field, null or "" clears it. */
interface ProfileInput {
  displayName?: string | null;
  email?: string | null;
  phone?: string | null;
  avatarMediaId?: string | null;
  locale?: string | null;
}

const addressParts = [
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

function fieldsOf(input: AddressInput) {
  const text = (value: string | null | undefined) => value ?? "";
  return {
    label: text(input.label),
    recipientName: text(input.recipientName),
    company: text(input.company),
    line1: text(input.line1),
    line2: text(input.line2),
    city: text(input.city),
    region: text(input.region),
    postalCode: text(input.postalCode),
    // The contract wants upper case; clients may send "de".
    countryCode: text(input.countryCode).trim().toUpperCase(),
    phone: text(input.phone),
  };
}

/** `defaultShipping` absent or null keeps the flag; a boolean sets it. */
const flag = (value: boolean | null | undefined) => (typeof value === "boolean" ? value : undefined);

function profileRequest(input: ProfileInput): Partial<UpdateMyProfileRequest> {
  const request: Record<string, string> = {};
  for (const key of ["displayName", "email", "phone", "avatarMediaId", "locale"] as const) {
    const value = input[key];
    if (value !== undefined) request[key] = value ?? "";
  }
  return request;
}

function meJson(caller: Caller) {
  return { id: caller.id, roles: caller.roles, emailVerified: caller.claims.emailVerified === true };
}

/** Names a service field path under `prefix` in camelCase, dropping the contract's `fields.` level. */
const under = (prefix: string) => (field: string) =>
  `${prefix}.${field
    .replace(/^fields\./, "")
    .split(".")
    .map(camel)
    .join(".")}`;

/** A profile that is not created yet reads as null rather than an error. */
async function profileOrNull(services: ServiceDirectory, serviceName: string) {
  try {
    return profileJson((await services.client(serviceName, UsersService).getMyProfile({})).profile);
  } catch (error) {
    if (error instanceof DomainError && error.code === "NOT_FOUND") return null;
    throw error;
  }
}

const schema = /* GraphQL */ `
  "The signed-in user: identity from the verified access token, profile and address book from the users service."
  type Me {
    id: ID!
    "buyer, seller or admin"
    roles: [String!]!
    emailVerified: Boolean!
    "Null until the profile is created, which happens shortly after registration."
    profile: Profile
    "The address book: defaults first, then newest. first: 1 to 100, default 20."
    addresses(first: Int, after: String): AddressConnection!
  }
  "What a user tells the marketplace about themselves."
  type Profile {
    userId: ID!
    displayName: String
    email: String
    "E.164"
    phone: String
    "Media id of the avatar image"
    avatarMediaId: ID
    "BCP 47, e.g. en or pt-BR"
    locale: String!
    "ISO 8601"
    createdAt: String!
    "ISO 8601"
    updatedAt: String!
  }
  "One entry of the address book."
  type Address {
    id: ID!
    "e.g. Home or Office"
    label: String
    recipientName: String!
    company: String
    line1: String!
    line2: String
    city: String!
    "State, province or prefecture; a code in US, CA and AU"
    region: String
    postalCode: String
    "ISO 3166-1 alpha-2"
    countryCode: String!
    "E.164, for the carrier"
    phone: String
    defaultShipping: Boolean!
    defaultBilling: Boolean!
    "ISO 8601"
    createdAt: String!
    "ISO 8601"
    updatedAt: String!
  }
  "A page of addresses."
  type AddressConnection {
    edges: [AddressEdge!]!
    pageInfo: AddressPageInfo!
  }
  "One address of a page."
  type AddressEdge {
    "The cursor after this address; the users service issues one per page, so only the last edge of a page that has a next one carries it."
    cursor: String
    node: Address!
  }
  "Where a page of addresses ends."
  type AddressPageInfo {
    hasNextPage: Boolean!
    "Pass as after to get the next page; null on the last page."
    endCursor: String
  }
  "Profile changes: an omitted field stays as it is, null or an empty string clears it (the locale cannot be cleared)."
  input UpdateProfileInput {
    displayName: String
    email: String
    phone: String
    avatarMediaId: ID
    locale: String
  }
  "An address; which parts are required depends on the country (US, CA, AU, JP, BR, IN, MX, CN and IT need a region; postal codes are checked where the country has a format)."
  input AddressInput {
    label: String
    recipientName: String!
    company: String
    line1: String!
    line2: String
    city: String!
    region: String
    postalCode: String
    countryCode: String!
    phone: String
    "True makes it the default shipping address, false unsets it; null keeps it. The first address is always the default."
    defaultShipping: Boolean
    "True makes it the default billing address, false unsets it; null keeps it. The first address is always the default."
    defaultBilling: Boolean
  }
  extend type Query {
    "The signed-in user; UNAUTHENTICATED without a token"
    me: Me
    "One of the caller's addresses; NOT_FOUND for any other"
    address(id: ID!): Address
  }
  extend type Mutation {
    "Change the caller's profile"
    updateProfile(input: UpdateProfileInput!): Profile!
    "Add an address to the caller's book (at most 50)"
    createAddress(input: AddressInput!): Address!
    "Replace one of the caller's addresses"
    updateAddress(id: ID!, input: AddressInput!): Address!
    "Delete one of the caller's addresses; a deleted default passes to the newest remaining address"
    deleteAddress(id: ID!): Boolean!
  }
`;

const errors = errorResponses;
const security = bearerSecurity;
const tags = ["users"];

const profileSchema = {
  $id: "Profile",
  type: "object",
  required: ["userId", "displayName", "email", "phone", "avatarMediaId", "locale", "createdAt", "updatedAt"],
  properties: {
    userId: { type: "string", format: "uuid" },
    displayName: { type: ["string", "null"] },
    email: { type: ["string", "null"] },
    phone: { type: ["string", "null"], description: "E.164" },
    avatarMediaId: { type: ["string", "null"], format: "uuid" },
    locale: { type: "string", description: "BCP 47, e.g. en or pt-BR" },
    createdAt: dateTime,
    updatedAt: dateTime,
  },
} as const;

const meSchema = {
  $id: "Me",
  type: "object",
  required: ["id", "roles", "emailVerified", "profile"],
  properties: {
    id: { type: "string" },
    roles: { type: "array", items: { type: "string", enum: ["buyer", "seller", "admin"] } },
    emailVerified: { type: "boolean" },
    profile: { anyOf: [{ $ref: "Profile#" }, { type: "null" }], description: "null until it is created" },
  },
} as const;

const addressSchema = {
  $id: "Address",
  type: "object",
  required: ["id", ...addressParts, "defaultShipping", "defaultBilling", "createdAt", "updatedAt"],
  properties: {
    id: { type: "string", format: "uuid" },
    label: { type: ["string", "null"] },
    recipientName: { type: "string" },
    company: { type: ["string", "null"] },
    line1: { type: "string" },
    line2: { type: ["string", "null"] },
    city: { type: "string" },
    region: { type: ["string", "null"] },
    postalCode: { type: ["string", "null"] },
    countryCode: { type: "string", description: "ISO 3166-1 alpha-2" },
    phone: { type: ["string", "null"] },
    defaultShipping: { type: "boolean" },
    defaultBilling: { type: "boolean" },
    createdAt: dateTime,
    updatedAt: dateTime,
  },
} as const;

const addressPageSchema = pageSchema("AddressPage", "Address#");

const e164 = "^$|^\\+[1-9][0-9]{6,14}$";

/** Body properties of an address; which are required is up to the route. */
const addressBodyProperties = {
  label: nullableString(50),
  recipientName: { type: "string", minLength: 1, maxLength: 100 },
  company: nullableString(100),
  ...postalAddressBody.properties,
  phone: nullableString(16, { pattern: e164, description: "E.164" }),
  defaultShipping: {
    type: ["boolean", "null"],
    description: "true makes it the default; the first address always is",
  },
  defaultBilling: {
    type: ["boolean", "null"],
    description: "true makes it the default; the first address always is",
  },
} as const;

function restRoutes(app: FastifyInstance, services: ServiceDirectory, serviceName: string): void {
  const users = () => services.client(serviceName, UsersService);
  const body = under("body");
  for (const shared of [profileSchema, meSchema, addressSchema, addressPageSchema]) app.addSchema(shared);
  // Checked before body validation, so an anonymous request is a 401 whatever it sends.
  app.addHook("onRequest", async (request: FastifyRequest) => {
    requireCaller(request.ctx);
  });
  const me = async (request: FastifyRequest) => ({
    ...meJson(requireCaller(request.ctx)),
    profile: await profileOrNull(services, serviceName),
  });

  app.get(
    "/users/me",
    {
      schema: {
        tags,
        summary: "The signed-in user and their profile (null until it is created)",
        security,
        response: { 200: { $ref: "Me#" }, ...errors },
      },
    },
    me,
  );

  app.patch<{ Body: ProfileInput }>(
    "/users/me",
    {
      schema: {
        tags,
        summary: "Change the caller's profile: omitted fields stay, null or an empty string clears",
        security,
        body: {
          type: "object",
          additionalProperties: false,
          properties: {
            displayName: nullableString(100),
            email: nullableString(254),
            phone: nullableString(16, { description: "E.164" }),
            avatarMediaId: nullableString(36, { description: "media id (UUID)" }),
            locale: { type: "string", maxLength: 35, description: "BCP 47, e.g. en or pt-BR" },
          },
        },
        response: { 200: { $ref: "Me#" }, ...errors },
      },
    },
    async (request) => {
      const answer = await renamingFields(users().updateMyProfile(profileRequest(request.body)), body);
      return { ...meJson(requireCaller(request.ctx)), profile: profileJson(answer.profile) };
    },
  );

  app.get<{ Querystring: { limit: number; cursor?: string } }>(
    "/users/me/addresses",
    {
      schema: {
        tags,
        summary: "One page of the caller's addresses: defaults first, then newest",
        security,
        querystring: {
          type: "object",
          additionalProperties: false,
          properties: {
            limit: { type: "integer", minimum: 1, maximum: 100, default: 20 },
            cursor: { type: "string", maxLength: 200, description: "nextCursor of the previous page" },
          },
        },
        response: { 200: { $ref: "AddressPage#" }, ...errors },
      },
    },
    async (request) => {
      const page = await renamingFields(
        users().listAddresses({ limit: request.query.limit, cursor: request.query.cursor ?? "" }),
        under("query"),
      );
      return { items: page.addresses.map(addressJson), nextCursor: orNull(page.nextCursor) };
    },
  );

  app.post<{ Body: AddressInput }>(
    "/users/me/addresses",
    {
      schema: {
        tags,
        summary: "Add an address, validated for its country (at most 50 per user)",
        security,
        body: {
          type: "object",
          required: ["recipientName", "line1", "city", "countryCode"],
          additionalProperties: false,
          properties: addressBodyProperties,
        },
        response: { 201: { $ref: "Address#" }, ...errors },
      },
    },
    async (request, reply) => {
      const answer = await renamingFields(
        users().createAddress({
          fields: fieldsOf(request.body),
          defaultShipping: request.body.defaultShipping === true,
          defaultBilling: request.body.defaultBilling === true,
        }),
        body,
      );
      return reply.status(201).send(addressJson(answer.address));
    },
  );

  app.get<{ Params: { id: string } }>(
    "/users/me/addresses/:id",
    {
      schema: {
        tags,
        summary: "One of the caller's addresses",
        security,
        params: idParams,
        response: { 200: { $ref: "Address#" }, ...errors },
      },
    },
    async (request) => addressJson((await users().getAddress({ id: request.params.id })).address),
  );

  app.patch<{ Params: { id: string }; Body: AddressInput }>(
    "/users/me/addresses/:id",
    {
      schema: {
        tags,
        summary:
          "Change some parts or default flags of an address; omitted parts stay, null clears optional ones",
        security,
        params: idParams,
        body: { type: "object", additionalProperties: false, properties: addressBodyProperties },
        response: { 200: { $ref: "Address#" }, ...errors },
      },
    },
    async (request) => {
      const current = addressJson((await users().getAddress({ id: request.params.id })).address);
      // Last writer wins between this read and the write; an address has one editor in practice.
      const merged = mergeAddress(current, request.body);
      const answer = await renamingFields(
        users().updateAddress({
          id: request.params.id,
          fields: fieldsOf(merged),
          ...optionalFlags(request.body),
        }),
        body,
      );
      return addressJson(answer.address);
    },
  );

  app.delete<{ Params: { id: string } }>(
    "/users/me/addresses/:id",
    {
      schema: {
        tags,
        summary: "Delete an address; a deleted default passes to the newest remaining address",
        security,
        params: idParams,
        response: { 204: { type: "null", description: "Deleted" }, ...errors },
      },
    },
    async (request, reply) => {
      await users().deleteAddress({ id: request.params.id });
      return reply.status(204).send();
    },
  );
}

function mergeAddress(current: AddressJson, patch: AddressInput): AddressInput {
  const merged: AddressInput = {};
  for (const part of addressParts) {
    const value = patch[part];
    merged[part] = value === undefined ? current[part] : value;
  }
  return merged;
}

function optionalFlags(input: AddressInput) {
  const shipping = flag(input.defaultShipping);
  const billing = flag(input.defaultBilling);
  return {
    ...(shipping === undefined ? {} : { defaultShipping: shipping }),
    ...(billing === undefined ? {} : { defaultBilling: billing }),
  };
}

/**
 * The public surface of the users service: `me` (identity, profile and address book), `address`
 * and the profile and address mutations in GraphQL, and REST under /api/v1/users/me.
 */
export function usersGatewayModule(serviceName = "users"): GatewayModule {
  return defineGatewayModule({
    name: "users",
    schema,
    resolvers: ({ services }) => {
      const users = () => services.client(serviceName, UsersService);
      const input = under("input");
      const signedIn = (context: GraphqlContext) => requireCaller(context.ctx);
      return {
        Query: {
          me: async (_root: unknown, _args: unknown, context: GraphqlContext) => meJson(signedIn(context)),
          address: async (_root: unknown, args: { id: string }, context: GraphqlContext) => {
            signedIn(context);
            return addressJson((await users().getAddress({ id: args.id })).address);
          },
        },
        Me: {
          profile: async () => profileOrNull(services, serviceName),
          addresses: async (_me: unknown, args: { first?: number | null; after?: string | null }) => {
            const page = await renamingFields(
              users().listAddresses({ limit: pageSize(args.first), cursor: args.after ?? "" }),
              (field) => (field === "cursor" ? "after" : field === "limit" ? "first" : field),
            );
            const endCursor = orNull(page.nextCursor);
            return {
              edges: page.addresses.map((address, index) => ({
                cursor: index === page.addresses.length - 1 ? endCursor : null,
                node: addressJson(address),
              })),
              pageInfo: { hasNextPage: endCursor !== null, endCursor },
            };
          },
        },
        Mutation: {
          updateProfile: async (_root: unknown, args: { input: ProfileInput }, context: GraphqlContext) => {
            signedIn(context);
            const answer = await renamingFields(users().updateMyProfile(profileRequest(args.input)), input);
            return profileJson(answer.profile);
          },
          createAddress: async (_root: unknown, args: { input: AddressInput }, context: GraphqlContext) => {
            signedIn(context);
            const answer = await renamingFields(
              users().createAddress({
                fields: fieldsOf(args.input),
                defaultShipping: args.input.defaultShipping === true,
                defaultBilling: args.input.defaultBilling === true,
              }),
              input,
            );
            return addressJson(answer.address);
          },
          updateAddress: async (
            _root: unknown,
            args: { id: string; input: AddressInput },
            context: GraphqlContext,
          ) => {
            signedIn(context);
            const answer = await renamingFields(
              users().updateAddress({
                id: args.id,
                fields: fieldsOf(args.input),
                ...optionalFlags(args.input),
              }),
              (field) => (field === "id" ? "id" : input(field)),
            );
            return addressJson(answer.address);
          },
          deleteAddress: async (_root: unknown, args: { id: string }, context: GraphqlContext) => {
            signedIn(context);
            await users().deleteAddress({ id: args.id });
            return true;
          },
        },
      };
    },
    rest: async (app, { services }) => {
      // A plugin of its own, so the sign-in hook covers only these routes.
      await app.register(async (scoped) => restRoutes(scoped, services, serviceName));
    },
  });
}
