import type { MessageInitShape } from "@bufbuild/protobuf";
import {
  type CreateStorefrontRequestSchema,
  type GetStorefrontRequest,
  SellersService,
  type Storefront,
  StorefrontStatus,
  type UpdateStorefrontRequestSchema,
} from "@mercato/contracts/mercato/sellers/v1/sellers_pb";
import type {
  CreateStorefrontInput,
  GeoPointInput,
  StorefrontContactInput,
  UpdateStorefrontInput,
} from "../../gen/graphql.js";
import type { GatewayDeps } from "../../module.js";
import { anyone, operation, signedIn } from "../../operation.js";
import type { PageRequest } from "../../rest-schema.js";
import type { nearRequest } from "../catalog-common.js";
import { enumValue, storefrontJson } from "../catalog-json.js";
import { postalAddressRequest } from "../postal-address.js";
import type { StorefrontModel, StorefrontStatusName } from "./schemas.js";

const text = (value: string | null | undefined) => value ?? "";

function contactOf(contact: StorefrontContactInput | null | undefined) {
  return { email: text(contact?.email), phone: text(contact?.phone), website: text(contact?.website) };
}

const pointOf = (location: GeoPointInput) => ({ latitude: location.lat, longitude: location.lng });

function createRequest(input: CreateStorefrontInput): MessageInitShape<typeof CreateStorefrontRequestSchema> {
  return {
    name: input.name,
    slug: input.slug,
    description: text(input.description),
    logoMediaId: text(input.logoMediaId),
    bannerMediaId: text(input.bannerMediaId),
    contact: contactOf(input.contact),
    address: postalAddressRequest(input.address),
    location: pointOf(input.location),
  };
}

/** Only the fields sent: omitted ones stay, null media ids and descriptions become the contract's unset "". */
function updateRequest(
  id: string,
  input: UpdateStorefrontInput,
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

/** A page of the storefront list: a page, optionally around a checked circle, a text, a country, a status. */
export interface StorefrontListInput extends PageRequest {
  near: ReturnType<typeof nearRequest> | undefined;
  query: string;
  countryCode: string;
  status: StorefrontStatusName | undefined;
}

/** A storefront of a list, with its distance from the point of `near` (null without one). */
export type ListedStorefront = StorefrontModel & { distanceMeters: number | null };

/**
 * The public surface of the sellers service: storefronts, the caller's storefront and follows.
 * Only the caller's sign-in is checked here; who may change or suspend a storefront is the
 * service's rule. Field names in refusals are the service's; the adapters rename them.
 */
export function sellersOperations({ services }: GatewayDeps, serviceName = "sellers") {
  const sellers = () => services.client(serviceName, SellersService);
  const one = async (answer: Promise<{ storefront?: Storefront | undefined }>): Promise<StorefrontModel> =>
    storefrontJson((await answer).storefront);
  return {
    /** One storefront by id or slug: an active one to anyone, any to its owner or an admin. */
    storefront: operation(anyone, (_ctx, input: { key: GetStorefrontRequest["key"] }) =>
      one(sellers().getStorefront(input)),
    ),

    /** Active storefronts (any status for admins), nearest first with near, else newest. */
    list: operation(anyone, async (_ctx, input: StorefrontListInput) => {
      const page = await sellers().listStorefronts({
        limit: input.limit,
        cursor: input.cursor,
        query: input.query,
        countryCode: input.countryCode.trim().toUpperCase(),
        ...(input.near ? { near: input.near } : {}),
        ...(input.status ? { status: enumValue(StorefrontStatus, input.status) } : {}),
      });
      const items = page.hits.map(
        (hit): ListedStorefront => ({
          ...storefrontJson(hit.storefront),
          distanceMeters: hit.distanceMeters ?? null,
        }),
      );
      return { items, nextCursor: page.nextCursor };
    }),

    /** The caller's storefront; NOT_FOUND before it is opened. */
    mine: operation(signedIn, () => one(sellers().getMyStorefront({}))),

    /** Storefronts the caller follows, newest follow first. */
    followed: operation(signedIn, async (_ctx, input: PageRequest) => {
      const page = await sellers().listFollowedStorefronts(input);
      return {
        items: page.storefronts.map((s): StorefrontModel => storefrontJson(s)),
        nextCursor: page.nextCursor,
      };
    }),

    /** Opens the caller's storefront. */
    create: operation(signedIn, (_ctx, input: CreateStorefrontInput) =>
      one(sellers().createStorefront(createRequest(input))),
    ),

    /** Changes a storefront: omitted fields stay. */
    update: operation(signedIn, (_ctx, input: { id: string; changes: UpdateStorefrontInput }) =>
      one(sellers().updateStorefront(updateRequest(input.id, input.changes))),
    ),

    /** Activates or suspends a storefront. */
    setStatus: operation(
      signedIn,
      (_ctx, input: { id: string; status: StorefrontStatusName; reason?: string | null | undefined }) =>
        one(
          sellers().setStorefrontStatus({
            id: input.id,
            status: enumValue(StorefrontStatus, input.status),
            reason: text(input.reason),
          }),
        ),
    ),

    /** Follows a storefront; following twice is one follow. */
    follow: operation(signedIn, (_ctx, input: { id: string }) => one(sellers().followStorefront(input))),

    /** Stops following a storefront. */
    unfollow: operation(signedIn, (_ctx, input: { id: string }) => one(sellers().unfollowStorefront(input))),
  };
}

/** The sellers domain's operations. */
export type SellersOperations = ReturnType<typeof sellersOperations>;
