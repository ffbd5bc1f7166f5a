import { graphqlPage, resolveWith } from "../../domain.js";
import type { Resolvers } from "../../gen/graphql.js";
import { type UsersOperations, under } from "./operations.js";

const input = under("input");

/** GraphQL of the users domain: each field calls its operation; refused fields named under `input`. */
export function usersResolvers(ops: UsersOperations): Resolvers {
  return {
    Query: {
      me: resolveWith(ops.me, () => ({})),
      address: resolveWith(ops.address, (args) => ({ id: args.id })),
    },
    Me: {
      profile: resolveWith(ops.profile, () => ({})),
      addresses: resolveWith(ops.addresses, (args) => graphqlPage(args), {
        // The users service issues one cursor per page, so only a page's last edge carries it.
        answer: (page) => {
          const endCursor = page.nextCursor === "" ? null : page.nextCursor;
          return {
            edges: page.items.map((address, index) => ({
              cursor: index === page.items.length - 1 ? endCursor : null,
              node: address,
            })),
            pageInfo: { hasNextPage: endCursor !== null, endCursor },
          };
        },
      }),
    },
    Mutation: {
      updateProfile: resolveWith(ops.updateProfile, (args) => args.input, { names: input }),
      createAddress: resolveWith(ops.createAddress, (args) => args.input, { names: input }),
      updateAddress: resolveWith(ops.updateAddress, (args) => ({ id: args.id, address: args.input }), {
        names: (field) => (field === "id" ? "id" : input(field)),
      }),
      deleteAddress: resolveWith(ops.deleteAddress, (args) => ({ id: args.id })),
    },
  };
}
