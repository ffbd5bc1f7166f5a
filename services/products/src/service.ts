import { fileURLToPath } from "node:url";
import { ProductsService } from "@mercato/contracts/mercato/products/v1/products_pb";
import { defineService, loadSqlMigrations, MediaReferences } from "@mercato/platform";
import { storefrontConsumers } from "./events/storefront-changed.consumer.js";
import { callerOf } from "./rpc/caller.js";
import { catalogRoutes } from "./rpc/products.rpc.js";
import { searchConsumers, searchMigrations, searchProducts } from "./search/index.js";
import { Catalog } from "./store/catalog.store.js";
import { Categories } from "./store/categories.store.js";

const migrationsFolder = fileURLToPath(new URL("./store/migrations/", import.meta.url));

/**
 * The products service (port 9003): the category tree, products with variants, the storefronts
 * it learns from the sellers service, and the search projection over them.
 */
export const productsService = defineService({
  name: "products",
  defaultPort: 9003,
  rpcServices: [ProductsService.typeName],
  extensions: ["postgis", "pg_trgm"],
  // The search projection's migrations build on the catalog tables, so they run after them.
  migrations: async () => [...(await loadSqlMigrations(migrationsFolder)), ...(await searchMigrations())],
  setup(runtime) {
    const { database, outbox } = runtime;
    const media = new MediaReferences(database);
    return {
      rpc: (router) =>
        catalogRoutes(router, {
          categories: new Categories(database, outbox),
          catalog: new Catalog(database, outbox, media),
          searchProducts: (req, context) => searchProducts(database, req, callerOf(context)),
        }),
      consumers: [...storefrontConsumers(), ...searchConsumers(runtime), ...media.consumers()],
    };
  },
});
