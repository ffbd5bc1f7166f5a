import { create } from "@bufbuild/protobuf";
import type { ConnectRouter } from "@connectrpc/connect";
import {
  CreateAddressResponseSchema,
  DeleteAddressResponseSchema,
  GetAddressResponseSchema,
  GetMyProfileResponseSchema,
  GetProfileResponseSchema,
  ListAddressesResponseSchema,
  UpdateAddressResponseSchema,
  UpdateMyProfileResponseSchema,
  UsersService,
} from "@mercato/contracts/mercato/users/v1/users_pb";
import { NotFound } from "@mercato/platform";
import { normaliseAddress } from "../domain/address-rules.js";
import { profileChanges } from "../domain/profile-rules.js";
import type { AddressBook } from "../store/address-book.store.js";
import { decodeAddressCursor } from "../store/address-cursor.js";
import { addressPartsFromProto, addressToProto, profileToProto } from "../store/mappers.js";
import { type Profiles, profileNotFoundMessage } from "../store/profiles.store.js";
import { requireUser } from "./caller.js";

/** Page size of ListAddresses when the request asks for 0. */
export const defaultAddressPageSize = 50;

/** Registers the UsersService handlers: every call acts for the signed-in caller. */
export function usersRoutes(router: ConnectRouter, deps: { profiles: Profiles; addressBook: AddressBook }) {
  const { profiles, addressBook } = deps;
  router.service(UsersService, {
    async getMyProfile(_req, context) {
      const caller = requireUser(context);
      return create(GetMyProfileResponseSchema, { profile: profileToProto(await profiles.get(caller.id)) });
    },

    async updateMyProfile(req, context) {
      const caller = requireUser(context);
      const row = await profiles.update(caller, profileChanges(req));
      return create(UpdateMyProfileResponseSchema, { profile: profileToProto(row) });
    },

    async getProfile(req, context) {
      const caller = requireUser(context);
      const userId = req.userId.toLowerCase();
      // Another user's profile is NotFound, not PermissionDenied: its existence is not revealed.
      if (userId !== caller.id && !caller.roles.includes("admin")) throw new NotFound(profileNotFoundMessage);
      return create(GetProfileResponseSchema, { profile: profileToProto(await profiles.get(userId)) });
    },

    async listAddresses(req, context) {
      const caller = requireUser(context);
      const after = req.cursor === "" ? undefined : decodeAddressCursor(req.cursor);
      const page = await addressBook.list(caller.id, req.limit || defaultAddressPageSize, after);
      return create(ListAddressesResponseSchema, {
        addresses: page.rows.map(addressToProto),
        nextCursor: page.nextCursor ?? "",
      });
    },

    async getAddress(req, context) {
      const caller = requireUser(context);
      const row = await addressBook.get(caller.id, req.id.toLowerCase());
      return create(GetAddressResponseSchema, { address: addressToProto(row) });
    },

    async createAddress(req, context) {
      const caller = requireUser(context);
      const parts = normaliseAddress(addressPartsFromProto(req.fields));
      const row = await addressBook.create(caller.id, parts, {
        shipping: req.defaultShipping,
        billing: req.defaultBilling,
      });
      return create(CreateAddressResponseSchema, { address: addressToProto(row) });
    },

    async updateAddress(req, context) {
      const caller = requireUser(context);
      const parts = normaliseAddress(addressPartsFromProto(req.fields));
      const row = await addressBook.update(caller.id, req.id.toLowerCase(), {
        parts,
        defaultShipping: req.defaultShipping,
        defaultBilling: req.defaultBilling,
      });
      return create(UpdateAddressResponseSchema, { address: addressToProto(row) });
    },

    async deleteAddress(req, context) {
      const caller = requireUser(context);
      await addressBook.delete(caller.id, req.id.toLowerCase());
      return create(DeleteAddressResponseSchema, {});
    },
  });
}
