import { graphqlPage, resolveWith } from "../../domain.js";
import type { Resolvers, StorefrontStatus } from "../../gen/graphql.js";
import type { GraphqlContext } from "../../module.js";
import {
  catalogCommonResolvers,
  clientField,
  connection,
  nearArgNames,
  nearRequest,
  oneKey,
} from "../catalog-common.js";
import type { SellersOperations } from "./operations.js";
import type { StorefrontStatusName } from "./schemas.js";

const input = clientField("input");

const lower = (status: StorefrontStatus) => status.toLowerCase() as StorefrontStatusName;

/**
 * GraphQL of the sellers domain: each field calls its operation; statuses go upper-case. It also
 * resolves the catalog's shared types (Money), which its SDL brings in for every domain.
 */
export function sellersResolvers(ops: SellersOperations): Resolvers {
  return {
    // Money past 2^53-1 goes out as raw JSON digits, a value the generated types cannot name.
    ...(catalogCommonResolvers as Pick<Resolvers, "Money">),
    Storefront: { status: (storefront) => storefront.status.toUpperCase() as StorefrontStatus },
    Query: {
      storefront: resolveWith(ops.storefront, (args) => ({ key: oneKey(args) })),
      storefronts: resolveWith(
        ops.list,
        (args) => ({
          ...graphqlPage(args),
          near: args.near ? nearRequest(args.near, "near") : undefined,
          query: args.query ?? "",
          countryCode: args.countryCode ?? "",
          status: args.status ? lower(args.status) : undefined,
        }),
        {
          names: nearArgNames,
          answer: (page) =>
            connection(page.items, page.nextCursor, (node) => ({ distanceMeters: node.distanceMeters })),
        },
      ),
      myStorefront: nullWhenNotFound(resolveWith(ops.mine, () => undefined)),
      followedStorefronts: resolveWith(ops.followed, graphqlPage, {
        answer: (page) => connection(page.items, page.nextCursor, () => ({ distanceMeters: null })),
      }),
    },
    Mutation: {
      createStorefront: resolveWith(ops.create, (args) => args.input, { names: input }),
      updateStorefront: resolveWith(ops.update, (args) => ({ id: args.id, changes: args.input }), {
        names: (field) => (field === "id" ? "id" : input(field)),
      }),
      setStorefrontStatus: resolveWith(ops.setStatus, (args) => ({
        id: args.id,
        status: lower(args.status),
        reason: args.reason,
      })),
      followStorefront: resolveWith(ops.follow, (args) => ({ id: args.id })),
      unfollowStorefront: resolveWith(ops.unfollow, (args) => ({ id: args.id })),
    },
  };
}

/** A field that answers null where its operation finds nothing (the caller's storefront before it is opened). */
function nullWhenNotFound<Args, Result>(
  resolve: (root: unknown, args: Args, context: GraphqlContext) => Promise<Result>,
) {
  return async (root: unknown, args: Args, context: GraphqlContext): Promise<Result | null> => {
    try {
      return await resolve(root, args, context);
    } catch (error) {
      if ((error as { code?: string }).code === "NOT_FOUND") return null;
      throw error;
    }
  };
}
