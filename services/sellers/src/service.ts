import { fileURLToPath } from "node:url";
import { SellersService } from "@mercato/contracts/mercato/sellers/v1/sellers_pb";
import { defineService, loadDrizzleMigrations } from "@mercato/platform";
import { type SellersConfig, sellersConfigSchema } from "./config.js";
import { sellersRoutes } from "./rpc/sellers.rpc.js";
import { Storefronts } from "./store/storefronts.store.js";

const migrationsFolder = fileURLToPath(new URL("./store/migrations/", import.meta.url));

/** The sellers service (port 9002): storefronts with their locations, and who follows them. */
export const sellersService = defineService<SellersConfig>({
  name: "sellers",
  defaultPort: 9002,
  rpcServices: [SellersService.typeName],
  config: sellersConfigSchema,
  // pg_trgm backs the case-insensitive name and description search with GIN indexes.
  extensions: ["postgis", "pg_trgm"],
  migrations: () => loadDrizzleMigrations(migrationsFolder),
  rpc(router, { config, database, outbox }) {
    sellersRoutes(router, {
      storefronts: new Storefronts(database, outbox),
      approval: config.STOREFRONT_APPROVAL,
    });
  },
});
