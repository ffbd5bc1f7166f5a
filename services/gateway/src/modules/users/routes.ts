import { Type } from "typebox";
import type { RestApp } from "../../domain.js";
import { IdParams, ref, restPage, restPageOf } from "../../rest-schema.js";
import { renamingFields } from "../catalog-common.js";
import { type UsersOperations, under } from "./operations.js";
import {
  Address,
  AddressPage,
  AddressPatchBody,
  AddressQuery,
  Me,
  NewAddressBody,
  ProfileBody,
} from "./schemas.js";

const body = under("body");

/** REST under /api/v1/users/me: each route declares its operation's access and calls it. */
export function usersRoutes(app: RestApp, ops: UsersOperations): void {
  const me = async (ctx: Parameters<UsersOperations["me"]>[0]) => ({
    ...(await ops.me(ctx, {})),
    profile: await ops.profile(ctx, {}),
  });

  app.get(
    "/users/me",
    {
      config: { access: ops.me.access },
      schema: {
        summary: "The signed-in user and their profile (null until it is created)",
        response: { 200: ref(Me) },
      },
    },
    (request) => me(request.ctx),
  );

  app.patch(
    "/users/me",
    {
      config: { access: ops.updateProfile.access },
      schema: {
        summary: "Change the caller's profile: omitted fields stay, null or an empty string clears",
        body: ProfileBody,
        response: { 200: ref(Me) },
      },
    },
    async (request) => {
      const profile = await renamingFields(ops.updateProfile(request.ctx, request.body), body);
      return { ...(await ops.me(request.ctx, {})), profile };
    },
  );

  app.get(
    "/users/me/addresses",
    {
      config: { access: ops.addresses.access },
      schema: {
        summary: "One page of the caller's addresses: defaults first, then newest",
        querystring: AddressQuery,
        response: { 200: ref(AddressPage) },
      },
    },
    (request) =>
      restPageOf(renamingFields(ops.addresses(request.ctx, restPage(request.query)), under("query"))),
  );

  app.post(
    "/users/me/addresses",
    {
      config: { access: ops.createAddress.access },
      schema: {
        summary: "Add an address, validated for its country (at most 50 per user)",
        body: NewAddressBody,
        response: { 201: ref(Address) },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await renamingFields(ops.createAddress(request.ctx, request.body), body)),
  );

  app.get(
    "/users/me/addresses/:id",
    {
      config: { access: ops.address.access },
      schema: { summary: "One of the caller's addresses", params: IdParams, response: { 200: ref(Address) } },
    },
    (request) => ops.address(request.ctx, request.params),
  );

  app.patch(
    "/users/me/addresses/:id",
    {
      config: { access: ops.patchAddress.access },
      schema: {
        summary:
          "Change some parts or default flags of an address; omitted parts stay, null clears optional ones",
        params: IdParams,
        body: AddressPatchBody,
        response: { 200: ref(Address) },
      },
    },
    (request) =>
      renamingFields(ops.patchAddress(request.ctx, { id: request.params.id, patch: request.body }), body),
  );

  app.delete(
    "/users/me/addresses/:id",
    {
      config: { access: ops.deleteAddress.access },
      schema: {
        summary: "Delete an address; a deleted default passes to the newest remaining address",
        params: IdParams,
        response: { 204: Type.Unsafe<undefined>({ type: "null", description: "Deleted" }) },
      },
    },
    async (request, reply) => {
      await ops.deleteAddress(request.ctx, request.params);
      return reply.status(204).send();
    },
  );
}
