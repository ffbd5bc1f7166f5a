import type { MessageInitShape } from "@bufbuild/protobuf";
import {
  type CreateStorefrontRequestSchema,
  SellersService,
  StorefrontStatus,
  type UpdateStorefrontRequestSchema,
} from "@mercato/contracts/mercato/sellers/v1/sellers_pb";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { defineGatewayModule, type GatewayModule, type GraphqlContext, requireCaller } from "../module.js";
import type { ServiceDirectory } from "../services.js";
import {
  catalogCommonResolvers,
  catalogCommonSchema,
  clientField,
  connection,
  dateTime,
  idOrSlug,
  idOrSlugField,
  idParams,
  type NearInput,
  nearQuery,
  nearRequest,
  nullableString,
  oneKey,
  orNull,
  pageQueryProperties,
  pageSchema,
  pageSize,
  publicRoute,
  renamingFields,
  uuid,
} from "./catalog-common.js";
import { enumValue, type StorefrontJson, storefrontJson } from "./catalog-json.js";
import {
  type PostalAddressInput,
  postalAddressBody,
  postalAddressRequest,
  postalAddressSchema,
} from "./postal-address.js";
import { bearerSecurity, errorResponses } from "./rest.js";

/** Contact details as clients send them; null or absent means none. */
interface ContactInput {
  email?: string | null;
  phone?: string | null;
  website?: string | null;
}

/** A new storefront as clients send it. */
interface CreateInput {
  name: string;
  slug: string;
  description?: string | null;
  logoMediaId?: string | null;
  bannerMediaId?: string | null;
  contact?: ContactInput | null;
  address: PostalAddressInput;
  location: { lat: number; lng: number };
}

/** Storefront changes: omitted fields stay; null media ids remove the image. */
type UpdateInput = Partial<{
  name: string;
  slug: string;
  description: string | null;
  logoMediaId: string | null;
  bannerMediaId: string | null;
  contact: ContactInput;
  address: PostalAddressInput;
  location: { lat: number; lng: number };
}>;

const text = (value: string | null | undefined) => value ?? "";

function contactOf(contact: ContactInput | null | undefined) {
  return { email: text(contact?.email), phone: text(contact?.phone), website: text(contact?.website) };
}

const pointOf = (location: { lat: number; lng: number }) => ({
  latitude: location.lat,
  longitude: location.lng,
});

function createRequest(input: CreateInput): MessageInitShape<typeof CreateStorefrontRequestSchema> {
  return {
    name: input.name,
    slug: input.slug,
    description: text(input.description),
    logoMediaId: text(input.logoMediaId),
    bannerMediaId: text(input.bannerMediaId),
    contact: contactOf(input.contact),
    address: postalAddressRequest(input.address),
    location: pointOf(input.location),
  } as MessageInitShape<typeof CreateStorefrontRequestSchema>;
}

function updateRequest(
  id: string,
  input: UpdateInput,
): MessageInitShape<typeof UpdateStorefrontRequestSchema> {
  const request: Record<string, unknown> = { id };
  if (input.name !== undefined) request.name = input.name;
  if (input.slug !== undefined) request.slug = input.slug;
  if (input.description !== undefined) request.description = text(input.description);
  if (input.logoMediaId !== undefined) request.logoMediaId = text(input.logoMediaId);
  if (input.bannerMediaId !== undefined) request.bannerMediaId = text(input.bannerMediaId);
  if (input.contact) request.contact = contactOf(input.contact);
  if (input.address) request.address = postalAddressRequest(input.address);
  if (input.location) request.location = pointOf(input.location);
  return request as MessageInitShape<typeof UpdateStorefrontRequestSchema>;
}

const statusValue = (name: string) => enumValue(StorefrontStatus, name);

const schema = /* GraphQL */ `
  ${catalogCommonSchema}
  "Whether buyers see a storefront."
  enum StorefrontStatus {
    "Waiting for an admin's approval; hidden from buyers"
    PENDING
    "Visible to buyers with its products"
    ACTIVE
    "Hidden by an admin, with its products"
    SUSPENDED
  }
  "How buyers reach a storefront."
  type StorefrontContact {
    email: String
    "E.164"
    phone: String
    website: String
  }
  "A postal address."
  type PostalAddress {
    line1: String!
    line2: String
    city: String!
    region: String
    postalCode: String
    "ISO 3166-1 alpha-2"
    countryCode: String!
  }
  "A seller's shop on the marketplace."
  type Storefront {
    id: ID!
    "Account id of the seller who owns it"
    ownerId: ID!
    name: String!
    "Unique URL name"
    slug: String!
    description: String!
    logoMediaId: ID
    bannerMediaId: ID
    contact: StorefrontContact!
    address: PostalAddress!
    location: GeoPoint!
    status: StorefrontStatus!
    "Why an admin suspended it"
    statusReason: String
    followerCount: Int!
    "False for anonymous callers"
    followedByMe: Boolean!
    "Metres from the point of near, in lists near a point; null elsewhere"
    distanceMeters: Float
    "ISO 8601"
    createdAt: String!
    "ISO 8601"
    updatedAt: String!
  }
  "One storefront of a page."
  type StorefrontEdge {
    "The cursor after this storefront; only the last edge of a page that has a next one carries it."
    cursor: String
    node: Storefront!
    "Metres from the point of near; null without near"
    distanceMeters: Float
  }
  "A page of storefronts."
  type StorefrontConnection {
    edges: [StorefrontEdge!]!
    pageInfo: PageInfo!
  }
  "How buyers reach a storefront; every part optional."
  input StorefrontContactInput {
    email: String
    "E.164"
    phone: String
    "http(s) URL"
    website: String
  }
  "A postal address."
  input PostalAddressInput {
    line1: String!
    line2: String
    city: String!
    region: String
    postalCode: String
    "ISO 3166-1 alpha-2"
    countryCode: String!
  }
  "A new storefront."
  input CreateStorefrontInput {
    "2 to 100 characters"
    name: String!
    "3 to 60 of a-z, 0-9 and single dashes"
    slug: String!
    description: String
    logoMediaId: ID
    bannerMediaId: ID
    contact: StorefrontContactInput
    address: PostalAddressInput!
    location: GeoPointInput!
  }
  "Storefront changes: omitted fields stay; null media ids remove the image; contact and address replace the whole."
  input UpdateStorefrontInput {
    name: String
    slug: String
    description: String
    logoMediaId: ID
    bannerMediaId: ID
    contact: StorefrontContactInput
    address: PostalAddressInput
    location: GeoPointInput
  }
  extend type Query {
    "One storefront by id or slug: an active one to anyone, any to its owner or an admin"
    storefront(id: ID, slug: String): Storefront
    "Active storefronts (any status for admins): nearest first with near, else newest; with query, name matches before description matches. first: 1 to 100, default 20"
    storefronts(
      first: Int
      after: String
      near: NearInput
      "Name or description contains this text (case-insensitive); name matches come first"
      query: String
      "ISO 3166-1 alpha-2"
      countryCode: String
      "Admins only"
      status: StorefrontStatus
    ): StorefrontConnection!
    "The caller's storefront; null before it is opened"
    myStorefront: Storefront
    "Storefronts the caller follows, newest follow first"
    followedStorefronts(first: Int, after: String): StorefrontConnection!
  }
  extend type Mutation {
    "Open the caller's storefront (a seller with a verified e-mail address; one per account)"
    createStorefront(input: CreateStorefrontInput!): Storefront!
    "Change a storefront (its owner or an admin)"
    updateStorefront(id: ID!, input: UpdateStorefrontInput!): Storefront!
    "Activate or suspend a storefront (admin); a reason is required to suspend"
    setStorefrontStatus(id: ID!, status: StorefrontStatus!, reason: String): Storefront!
    "Follow an active storefront (not one's own); following twice is one follow"
    followStorefront(id: ID!): Storefront!
    "Stop following a storefront"
    unfollowStorefront(id: ID!): Storefront!
  }
`;

const errors = errorResponses;
const security = bearerSecurity;
const tags = ["sellers"];
const mediaId = { type: ["string", "null"], format: "uuid", description: "media id; null for none" };
const slug = {
  type: "string",
  pattern: "^[a-z0-9](?:[a-z0-9]|-[a-z0-9]){2,59}$",
  description: "3 to 60 of a-z, 0-9 and single dashes",
};
const statusNames = ["pending", "active", "suspended"] as const;

const storefrontSchema = {
  $id: "Storefront",
  type: "object",
  required: [
    "id",
    "ownerId",
    "name",
    "slug",
    "description",
    "logoMediaId",
    "bannerMediaId",
    "contact",
    "address",
    "location",
    "status",
    "statusReason",
    "followerCount",
    "followedByMe",
    "createdAt",
    "updatedAt",
  ],
  properties: {
    id: uuid,
    ownerId: { type: "string", description: "account id of the seller" },
    name: { type: "string" },
    slug: { type: "string" },
    description: { type: "string" },
    logoMediaId: { type: ["string", "null"] },
    bannerMediaId: { type: ["string", "null"] },
    contact: {
      type: "object",
      required: ["email", "phone", "website"],
      properties: {
        email: { type: ["string", "null"] },
        phone: { type: ["string", "null"], description: "E.164" },
        website: { type: ["string", "null"] },
      },
    },
    address: postalAddressSchema,
    location: {
      type: "object",
      required: ["lat", "lng"],
      properties: { lat: { type: "number" }, lng: { type: "number" } },
    },
    status: { type: "string", enum: statusNames },
    statusReason: { type: ["string", "null"], description: "why an admin suspended it" },
    followerCount: { type: "integer" },
    followedByMe: { type: "boolean", description: "false for anonymous callers" },
    distanceMeters: {
      type: ["number", "null"],
      description: "metres from the point of near; in lists near a point only",
    },
    createdAt: dateTime,
    updatedAt: dateTime,
  },
} as const;

const storefrontPageSchema = pageSchema("StorefrontPage", "Storefront#");

const contactBody = {
  type: "object",
  additionalProperties: false,
  properties: {
    email: nullableString(254, { format: "email" }),
    phone: nullableString(16, { pattern: "^\\+[1-9][0-9]{6,14}$", description: "E.164" }),
    website: nullableString(300, { pattern: "^https?://[^\\s]+$" }),
  },
} as const;

const locationBody = {
  type: "object",
  required: ["lat", "lng"],
  additionalProperties: false,
  properties: {
    lat: { type: "number", minimum: -90, maximum: 90 },
    lng: { type: "number", minimum: -180, maximum: 180 },
  },
} as const;

const storefrontBodyProperties = {
  name: { type: "string", minLength: 2, maxLength: 100 },
  slug,
  description: nullableString(5000),
  logoMediaId: mediaId,
  bannerMediaId: mediaId,
  contact: contactBody,
  address: postalAddressBody,
  location: locationBody,
} as const;

const idOrSlugParams = {
  type: "object",
  required: ["idOrSlug"],
  additionalProperties: false,
  properties: {
    idOrSlug: { type: "string", minLength: 1, maxLength: 60, description: "storefront id or slug" },
  },
} as const;

/** Checked before validation, so an anonymous mutation is a 401 whatever it sends. */
async function signedIn(request: FastifyRequest): Promise<void> {
  requireCaller(request.ctx);
}

interface ListQuery {
  limit: number;
  cursor?: string;
  near?: string;
  radius?: number;
  query?: string;
  countryCode?: string;
  status?: (typeof statusNames)[number];
}

function withDistance(storefront: StorefrontJson, distance: number | undefined) {
  return { ...storefront, distanceMeters: distance ?? null };
}

function restRoutes(app: FastifyInstance, services: ServiceDirectory, serviceName: string): void {
  const sellers = () => services.client(serviceName, SellersService);
  for (const shared of [storefrontSchema, storefrontPageSchema]) app.addSchema(shared);
  const body = clientField("body");
  const query = clientField("querystring", { "near.radius_meters": "querystring.radius" });
  const one = { 200: { $ref: "Storefront#" }, ...errors };

  app.get<{ Querystring: ListQuery }>(
    "/sellers",
    {
      config: publicRoute,
      schema: {
        tags,
        summary:
          "Active storefronts (any status for admins): nearest first with near, else newest; with query, name matches before description matches",
        querystring: {
          type: "object",
          additionalProperties: false,
          properties: {
            ...pageQueryProperties,
            near: {
              type: "string",
              pattern: "^-?[0-9]+(\\.[0-9]+)?,-?[0-9]+(\\.[0-9]+)?$",
              description: "lat,lng in degrees, e.g. 52.52,13.405",
            },
            radius: {
              type: "number",
              exclusiveMinimum: 0,
              maximum: 20_000_000,
              description: "metres around near; default 50000",
            },
            query: {
              type: "string",
              maxLength: 100,
              description:
                "name or description contains this text (case-insensitive); name matches come first",
            },
            countryCode: { type: "string", pattern: "^[A-Za-z]{2}$", description: "ISO 3166-1 alpha-2" },
            status: { type: "string", enum: statusNames, description: "admins only" },
          },
        },
        response: { 200: { $ref: "StorefrontPage#" }, ...errors },
      },
    },
    async (request) => {
      const q = request.query;
      const near = nearQuery(q.near, q.radius);
      const page = await renamingFields(
        sellers().listStorefronts({
          limit: q.limit,
          cursor: q.cursor ?? "",
          query: q.query ?? "",
          countryCode: (q.countryCode ?? "").toUpperCase(),
          ...(near ? { near } : {}),
          ...(q.status ? { status: statusValue(q.status) } : {}),
        }),
        query,
      );
      return {
        items: page.hits.map((hit) => withDistance(storefrontJson(hit.storefront), hit.distanceMeters)),
        nextCursor: orNull(page.nextCursor),
      };
    },
  );

  app.get(
    "/sellers/me",
    {
      onRequest: signedIn,
      schema: {
        tags,
        summary: "The caller's storefront (404 before it is opened)",
        security,
        response: one,
      },
    },
    async () => storefrontJson((await sellers().getMyStorefront({})).storefront),
  );

  app.get<{ Querystring: { limit: number; cursor?: string } }>(
    "/sellers/me/follows",
    {
      onRequest: signedIn,
      schema: {
        tags,
        summary: "Storefronts the caller follows, newest follow first",
        security,
        querystring: { type: "object", additionalProperties: false, properties: pageQueryProperties },
        response: { 200: { $ref: "StorefrontPage#" }, ...errors },
      },
    },
    async (request) => {
      const page = await renamingFields(
        sellers().listFollowedStorefronts({ limit: request.query.limit, cursor: request.query.cursor ?? "" }),
        query,
      );
      return { items: page.storefronts.map(storefrontJson), nextCursor: orNull(page.nextCursor) };
    },
  );

  app.get<{ Params: { idOrSlug: string } }>(
    "/sellers/:idOrSlug",
    {
      config: publicRoute,
      schema: {
        tags,
        summary: "One storefront by id or slug: an active one to anyone, any to its owner or an admin",
        params: idOrSlugParams,
        response: one,
      },
    },
    async (request) => {
      const answer = await renamingFields(
        sellers().getStorefront({ key: idOrSlug(request.params.idOrSlug) }),
        idOrSlugField,
      );
      return storefrontJson(answer.storefront);
    },
  );

  app.post<{ Body: CreateInput }>(
    "/sellers",
    {
      onRequest: signedIn,
      schema: {
        tags,
        summary: "Open the caller's storefront (a seller with a verified e-mail address; one per account)",
        security,
        body: {
          type: "object",
          required: ["name", "slug", "address", "location"],
          additionalProperties: false,
          properties: storefrontBodyProperties,
        },
        response: { 201: { $ref: "Storefront#" }, ...errors },
      },
    },
    async (request, reply) => {
      const answer = await renamingFields(sellers().createStorefront(createRequest(request.body)), body);
      return reply.status(201).send(storefrontJson(answer.storefront));
    },
  );

  app.patch<{ Params: { id: string }; Body: UpdateInput }>(
    "/sellers/:id",
    {
      onRequest: signedIn,
      schema: {
        tags,
        summary:
          "Change a storefront (owner or admin): omitted fields stay, null media ids remove the image, contact and address replace the whole",
        security,
        params: idParams,
        body: { type: "object", additionalProperties: false, properties: storefrontBodyProperties },
        response: one,
      },
    },
    async (request) => {
      const answer = await renamingFields(
        sellers().updateStorefront(updateRequest(request.params.id, request.body)),
        body,
      );
      return storefrontJson(answer.storefront);
    },
  );

  app.post<{ Params: { id: string }; Body: { status: "active" | "suspended"; reason?: string } }>(
    "/sellers/:id/status",
    {
      onRequest: signedIn,
      schema: {
        tags,
        summary: "Activate or suspend a storefront (admin); a reason is required to suspend",
        security,
        params: idParams,
        body: {
          type: "object",
          required: ["status"],
          additionalProperties: false,
          properties: {
            status: { type: "string", enum: ["active", "suspended"] },
            reason: { type: "string", maxLength: 500, description: "shown to the seller" },
          },
        },
        response: one,
      },
    },
    async (request) => {
      const answer = await renamingFields(
        sellers().setStorefrontStatus({
          id: request.params.id,
          status: statusValue(request.body.status),
          reason: request.body.reason ?? "",
        }),
        body,
      );
      return storefrontJson(answer.storefront);
    },
  );

  app.put<{ Params: { id: string } }>(
    "/sellers/:id/follow",
    {
      onRequest: signedIn,
      schema: {
        tags,
        summary: "Follow an active storefront (not one's own: 422); following twice is one follow",
        security,
        params: idParams,
        response: one,
      },
    },
    async (request) =>
      storefrontJson((await sellers().followStorefront({ id: request.params.id })).storefront),
  );

  app.delete<{ Params: { id: string } }>(
    "/sellers/:id/follow",
    {
      onRequest: signedIn,
      schema: {
        tags,
        summary: "Stop following a storefront; not following it is no error",
        security,
        params: idParams,
        response: one,
      },
    },
    async (request) =>
      storefrontJson((await sellers().unfollowStorefront({ id: request.params.id })).storefront),
  );
}

/** Storefront list arguments of GraphQL. */
interface StorefrontsArgs {
  first?: number | null;
  after?: string | null;
  near?: NearInput | null;
  query?: string | null;
  countryCode?: string | null;
  status?: string | null;
}

const pageRenames = { cursor: "after", limit: "first" };

/**
 * The public surface of the sellers service: storefronts, the caller's storefront and follows in
 * GraphQL (`storefront`, `storefronts`, `myStorefront`, `followedStorefronts` and the storefront
 * mutations) and REST under /api/v1/sellers.
 */
export function sellersGatewayModule(serviceName = "sellers"): GatewayModule {
  return defineGatewayModule({
    name: "sellers",
    schema,
    resolvers: ({ services }) => {
      const sellers = () => services.client(serviceName, SellersService);
      const input = clientField("input");
      const listArgs = clientField(null, {
        ...pageRenames,
        "near.radius_meters": "near.radiusMeters",
        "near.point.latitude": "near.lat",
        "near.point.longitude": "near.lng",
      });
      const signedInOnly = (context: GraphqlContext) => requireCaller(context.ctx);
      const status = (s: StorefrontJson) => s.status.toUpperCase();
      return {
        ...catalogCommonResolvers,
        Storefront: { status },
        Query: {
          storefront: async (_root: unknown, args: { id?: string | null; slug?: string | null }) =>
            storefrontJson((await sellers().getStorefront({ key: oneKey(args) })).storefront),
          storefronts: async (_root: unknown, args: StorefrontsArgs) => {
            const limit = pageSize(args.first);
            const near = args.near ? nearRequest(args.near, "near") : undefined;
            const page = await renamingFields(
              sellers().listStorefronts({
                limit,
                cursor: args.after ?? "",
                query: args.query ?? "",
                countryCode: (args.countryCode ?? "").trim().toUpperCase(),
                ...(near ? { near } : {}),
                ...(args.status ? { status: statusValue(args.status) } : {}),
              }),
              listArgs,
            );
            return connection(
              page.hits.map((hit) => withDistance(storefrontJson(hit.storefront), hit.distanceMeters)),
              page.nextCursor,
              (node) => ({ distanceMeters: node.distanceMeters }),
            );
          },
          myStorefront: async (_root: unknown, _args: unknown, context: GraphqlContext) => {
            signedInOnly(context);
            try {
              return storefrontJson((await sellers().getMyStorefront({})).storefront);
            } catch (error) {
              if ((error as { code?: string }).code === "NOT_FOUND") return null;
              throw error;
            }
          },
          followedStorefronts: async (
            _root: unknown,
            args: { first?: number | null; after?: string | null },
            context: GraphqlContext,
          ) => {
            signedInOnly(context);
            const page = await renamingFields(
              sellers().listFollowedStorefronts({ limit: pageSize(args.first), cursor: args.after ?? "" }),
              clientField(null, pageRenames),
            );
            return connection(page.storefronts.map(storefrontJson), page.nextCursor, () => ({
              distanceMeters: null,
            }));
          },
        },
        Mutation: {
          createStorefront: async (_root: unknown, args: { input: CreateInput }, context: GraphqlContext) => {
            signedInOnly(context);
            const answer = await renamingFields(sellers().createStorefront(createRequest(args.input)), input);
            return storefrontJson(answer.storefront);
          },
          updateStorefront: async (
            _root: unknown,
            args: { id: string; input: UpdateInput },
            context: GraphqlContext,
          ) => {
            signedInOnly(context);
            const answer = await renamingFields(
              sellers().updateStorefront(updateRequest(args.id, args.input)),
              (field) => (field === "id" ? "id" : input(field)),
            );
            return storefrontJson(answer.storefront);
          },
          setStorefrontStatus: async (
            _root: unknown,
            args: { id: string; status: string; reason?: string | null },
            context: GraphqlContext,
          ) => {
            signedInOnly(context);
            const answer = await renamingFields(
              sellers().setStorefrontStatus({
                id: args.id,
                status: statusValue(args.status),
                reason: args.reason ?? "",
              }),
              clientField(null),
            );
            return storefrontJson(answer.storefront);
          },
          followStorefront: async (_root: unknown, args: { id: string }, context: GraphqlContext) => {
            signedInOnly(context);
            return storefrontJson((await sellers().followStorefront({ id: args.id })).storefront);
          },
          unfollowStorefront: async (_root: unknown, args: { id: string }, context: GraphqlContext) => {
            signedInOnly(context);
            return storefrontJson((await sellers().unfollowStorefront({ id: args.id })).storefront);
          },
        },
      };
    },
    rest: async (app, { services }) => {
      await app.register(async (scoped) => restRoutes(scoped, services, serviceName));
    },
  });
}
