import { defineDomain } from "../../domain.js";
import type { GatewayModule } from "../../module.js";
import { moneySchema, nullableMoneySchema } from "../catalog-common.js";
import { payoutsOperations } from "./operations.js";
import { payoutsResolvers } from "./resolvers.js";
import { payoutsRoutes } from "./routes.js";
import { LedgerEntry, LedgerEntryPage, Payout, PayoutPage, SellerBalance } from "./schemas.js";

/**
 * The public surface of sellers' balances and payouts (served by the sellers service): `balance`,
 * `ledgerEntries`, `payouts`, `requestPayout`, `markPayoutPaid` and `markPayoutFailed` in GraphQL
 * and REST under /api/v1/payouts. Its GraphQL types use Money and PageInfo of the sellers domain.
 */
export function payoutsGatewayModule(serviceName = "sellers"): GatewayModule {
  return defineDomain({
    name: "payouts",
    sdl: [new URL("./payouts.graphql", import.meta.url)],
    operations: (deps) => payoutsOperations(deps, serviceName),
    schemas: [
      moneySchema,
      nullableMoneySchema,
      SellerBalance,
      LedgerEntry,
      Payout,
      LedgerEntryPage,
      PayoutPage,
    ],
    resolvers: payoutsResolvers,
    routes: payoutsRoutes,
  });
}
