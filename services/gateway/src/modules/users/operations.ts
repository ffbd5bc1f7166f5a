import {
  type Address,
  type Profile,
  type UpdateMyProfileRequest,
  UsersService,
} from "@mercato/contracts/mercato/users/v1/users_pb";
import type { RequestContext } from "@mercato/platform/context";
import { DomainError } from "@mercato/platform/errors";
import type { GatewayDeps } from "../../module.js";
import { requireCaller } from "../../module.js";
import { operation, signedIn } from "../../operation.js";
import type { PageRequest } from "../../rest-schema.js";
import { camel, orNull } from "../catalog-common.js";
import { isoTime } from "../rest.js";
import {
  type AddressInput,
  type AddressModel,
  addressParts,
  type MeModel,
  type ProfileInput,
  type ProfileModel,
} from "./schemas.js";

/** A profile as clients see it. */
function profileJson(profile: Profile | undefined): ProfileModel {
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
function addressJson(address: Address | undefined): AddressModel {
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

/** The contract's address fields from what a client sent (absent or null parts empty). */
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

/** The default flags a client set: absent or null keeps a flag, a boolean sets it. */
function optionalFlags(input: AddressInput) {
  const flags: { defaultShipping?: boolean; defaultBilling?: boolean } = {};
  if (typeof input.defaultShipping === "boolean") flags.defaultShipping = input.defaultShipping;
  if (typeof input.defaultBilling === "boolean") flags.defaultBilling = input.defaultBilling;
  return flags;
}

function profileRequest(input: ProfileInput): Partial<UpdateMyProfileRequest> {
  const request: Record<string, string> = {};
  for (const key of ["displayName", "email", "phone", "avatarMediaId", "locale"] as const) {
    const value = input[key];
    if (value !== undefined) request[key] = value ?? "";
  }
  return request;
}

/** The users domain's use cases, all for the signed-in caller, on the users service `serviceName`. */
export function usersOperations({ services }: GatewayDeps, serviceName = "users") {
  const users = () => services.client(serviceName, UsersService);
  const replaceAddress = async (id: string, input: AddressInput) =>
    addressJson(
      (await users().updateAddress({ id, fields: fieldsOf(input), ...optionalFlags(input) })).address,
    );
  return {
    /** The caller as the verified token says. */
    me: operation(signedIn, async (ctx: RequestContext, _input: object): Promise<MeModel> => {
      const caller = requireCaller(ctx);
      return { id: caller.id, roles: [...caller.roles], emailVerified: caller.claims.emailVerified === true };
    }),

    /** The caller's profile; null until it is created, shortly after registration. */
    profile: operation(signedIn, async (_ctx, _input: object): Promise<ProfileModel | null> => {
      try {
        return profileJson((await users().getMyProfile({})).profile);
      } catch (error) {
        if (error instanceof DomainError && error.code === "NOT_FOUND") return null;
        throw error;
      }
    }),

    /** Changes the caller's profile: absent fields stay, null or "" clears them. */
    updateProfile: operation(signedIn, async (_ctx, input: ProfileInput) =>
      profileJson((await users().updateMyProfile(profileRequest(input))).profile),
    ),

    /** One page of the caller's addresses: defaults first, then newest. */
    addresses: operation(signedIn, async (_ctx, input: PageRequest) => {
      const page = await users().listAddresses(input);
      return { items: page.addresses.map(addressJson), nextCursor: page.nextCursor };
    }),

    /** One of the caller's addresses; NOT_FOUND for any other. */
    address: operation(signedIn, async (_ctx, input: { id: string }) =>
      addressJson((await users().getAddress({ id: input.id })).address),
    ),

    /** Adds an address, validated for its country (at most 50 per user). */
    createAddress: operation(signedIn, async (_ctx, input: AddressInput) =>
      addressJson(
        (
          await users().createAddress({
            fields: fieldsOf(input),
            defaultShipping: input.defaultShipping === true,
            defaultBilling: input.defaultBilling === true,
          })
        ).address,
      ),
    ),

    /** Replaces one of the caller's addresses with `input`. */
    updateAddress: operation(signedIn, async (_ctx, input: { id: string; address: AddressInput }) =>
      replaceAddress(input.id, input.address),
    ),

    /** Changes some parts or flags of an address: omitted parts stay, null clears optional ones. */
    patchAddress: operation(signedIn, async (_ctx, input: { id: string; patch: AddressInput }) => {
      const current = addressJson((await users().getAddress({ id: input.id })).address);
      // Last writer wins between this read and the write; an address has one editor in practice.
      const merged: AddressInput = { ...optionalFlags(input.patch) };
      for (const part of addressParts)
        merged[part] = input.patch[part] === undefined ? current[part] : input.patch[part];
      return replaceAddress(input.id, merged);
    }),

    /** Deletes one of the caller's addresses; a deleted default passes to the newest remaining one. */
    deleteAddress: operation(signedIn, async (_ctx, input: { id: string }) => {
      await users().deleteAddress({ id: input.id });
      return true;
    }),
  };
}

/** The users domain's operations. */
export type UsersOperations = ReturnType<typeof usersOperations>;

/** Names a service field path under `prefix` in camelCase, dropping the contract's `fields.` level. */
export const under = (prefix: string) => (field: string) =>
  `${prefix}.${field
    .replace(/^fields\./, "")
    .split(".")
    .map(camel)
    .join(".")}`;
