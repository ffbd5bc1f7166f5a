import { graphqlPage, resolveWith } from "../../domain.js";
import type { LedgerEntryKind, PayoutStatus, Resolvers } from "../../gen/graphql.js";
import { connection } from "../catalog-common.js";
import type { PayoutsOperations } from "./operations.js";
import type { PayoutStatusName } from "./schemas.js";

/** GraphQL of the payouts domain: each field calls its operation; kinds and statuses go upper-case. */
export function payoutsResolvers(ops: PayoutsOperations): Resolvers {
  const pageOf = <T>(page: { items: T[]; nextCursor: string }) => connection(page.items, page.nextCursor);
  return {
    LedgerEntry: { kind: (entry) => entry.kind.toUpperCase() as LedgerEntryKind },
    Payout: { status: (payout) => payout.status.toUpperCase() as PayoutStatus },
    Query: {
      balance: resolveWith(ops.balance, (args) => args),
      ledgerEntries: resolveWith(ops.ledger, (args) => ({ ...args, ...graphqlPage(args) }), {
        answer: pageOf,
      }),
      payouts: resolveWith(
        ops.list,
        (args) => ({
          ...args,
          ...graphqlPage(args),
          status: args.status ? (args.status.toLowerCase() as PayoutStatusName) : undefined,
        }),
        { answer: pageOf },
      ),
    },
    Mutation: {
      requestPayout: resolveWith(ops.request, (args) => args),
      markPayoutPaid: resolveWith(ops.markPaid, (args) => args),
      markPayoutFailed: resolveWith(ops.markFailed, (args) => args),
    },
  };
}
