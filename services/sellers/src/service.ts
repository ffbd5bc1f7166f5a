import { fileURLToPath } from "node:url";
import { PayoutsService, SellersService } from "@mercato/contracts/mercato/sellers/v1/sellers_pb";
import { defineService, loadSqlMigrations, MediaReferences } from "@mercato/platform";
import { type SellersConfig, sellersConfigSchema } from "./config.js";
import { orderConsumers } from "./events/order.consumers.js";
import { payoutsRoutes } from "./rpc/payouts.rpc.js";
import { sellersRoutes } from "./rpc/sellers.rpc.js";
import { Payouts } from "./store/payouts.store.js";
import { Storefronts } from "./store/storefronts.store.js";
import { ManualPayoutProvider } from "./upstream.js";

const migrationsFolder = fileURLToPath(new URL("./store/migrations/", import.meta.url));

/**
 * The sellers service (port 9002): storefronts with their locations and followers, and the
 * sellers' balances, ledger and payouts, credited from completed orders.
 */
export const sellersService = defineService<SellersConfig>({
  name: "sellers",
  defaultPort: 9002,
  rpcServices: [SellersService.typeName, PayoutsService.typeName],
  config: sellersConfigSchema,
  // pg_trgm backs the case-insensitive name and description search with GIN indexes.
  extensions: ["postgis", "pg_trgm"],
  migrations: () => loadSqlMigrations(migrationsFolder),
  setup({ config, database, outbox, logger }) {
    const media = new MediaReferences(database);
    const storefronts = new Storefronts(database, outbox, media);
    const payouts = new Payouts(database, outbox, new ManualPayoutProvider(logger));
    return {
      rpc(router) {
        sellersRoutes(router, { storefronts, approval: config.STOREFRONT_APPROVAL });
        payoutsRoutes(router, { storefronts, payouts });
      },
      consumers: [...orderConsumers(config.PLATFORM_COMMISSION_BPS), ...media.consumers()],
    };
  },
});
