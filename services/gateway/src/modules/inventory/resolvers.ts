import { graphqlPage, resolveWith } from "../../domain.js";
import type { Resolvers } from "../../gen/graphql.js";
import { connection } from "../catalog-common.js";
import type { InventoryOperations } from "./operations.js";
import type { AdjustmentReason } from "./schemas.js";

/** GraphQL of the inventory domain: each field calls its operation; the ledger's reasons go upper-case. */
export function inventoryResolvers(ops: InventoryOperations): Resolvers {
  return {
    StockMovement: { reason: (movement) => upper(movement.reason) },
    Query: {
      stock: resolveWith(ops.stock, (args) => ({ variantIds: args.variantIds })),
      stockMovements: resolveWith(
        ops.movements,
        (args) => ({ variantId: args.variantId, ...graphqlPage(args) }),
        {
          answer: (page) => connection(page.items, page.nextCursor),
        },
      ),
    },
    Mutation: {
      adjustStock: resolveWith(ops.adjust, (args) => ({
        ...args,
        reason: args.reason.toLowerCase() as AdjustmentReason,
      })),
      setLowStockThreshold: resolveWith(ops.setThreshold, (args) => ({
        variantId: args.variantId,
        threshold: args.threshold ?? null,
      })),
    },
  };
}

const upper = <T extends string>(value: T) => value.toUpperCase() as Uppercase<T>;
