import { eventSubjects } from "@mercato/contracts/events";
import type { ProductChangedSchema } from "@mercato/contracts/mercato/products/v1/products_pb";
import {
  type StorefrontChanged,
  type StorefrontChangedSchema,
  StorefrontStatus,
} from "@mercato/contracts/mercato/sellers/v1/sellers_pb";
import {
  type ConsumerDefinition,
  defineConsumer,
  type EventSubject,
  type Placeholders,
  prepared,
  type ServiceRuntime,
  type Tx,
} from "@mercato/platform";
import { sql } from "drizzle-orm";
import { validate as isUuid } from "uuid";
import {
  addNameToLexicon,
  productsUnderCategory,
  refreshDocuments,
  storefrontLockSpace,
} from "./projection.js";

function requireUuid(value: string | undefined, what: string): string {
  // Retrying cannot fix such an event; it is parked after the attempts for inspection.
  if (!value || !isUuid(value)) throw new Error(`${what} is not a UUID`);
  return value.toLowerCase();
}

function productConsumer(name: string, on: EventSubject<typeof ProductChangedSchema>) {
  return defineConsumer({
    name,
    on,
    // The event only says which product changed; the tables (read in this transaction) are the
    // truth, so a late or repeated event rebuilds the same, current document.
    async handle(_ctx, tx, message) {
      await refreshDocuments(tx, [requireUuid(message.product?.id, "ProductChanged.product.id")]);
    },
  });
}

const storefrontStatusText: Partial<Record<StorefrontStatus, string>> = {
  [StorefrontStatus.PENDING]: "pending",
  [StorefrontStatus.ACTIVE]: "active",
  [StorefrontStatus.SUSPENDED]: "suspended",
};

/** Applies a StorefrontChanged to the projection's storefront copy and to its documents; older versions lose. */
async function applyStorefront(tx: Tx, message: StorefrontChanged): Promise<void> {
  const storefront = message.storefront;
  const id = requireUuid(storefront?.id, "StorefrontChanged.storefront.id");
  const status = storefront && storefrontStatusText[storefront.status];
  const location = storefront?.location;
  if (!storefront || !status || !location) throw new Error("StorefrontChanged lacks a status or location");
  const version = storefront.version.toString();
  const point = sql`ST_SetSRID(ST_MakePoint(${location.longitude}, ${location.latitude}), 4326)::geography`;
  // Waits for refreshes of this storefront's documents that are not committed yet (see refreshDocuments).
  await tx.execute(sql`select pg_advisory_xact_lock(${storefrontLockSpace}, hashtext(${id}::uuid::text))`);
  await tx.execute(sql`
    insert into products.search_storefronts (id, name, status, location, version)
    values (${id}, ${storefront.name}, ${status}, ${point}, ${version})
    on conflict (id) do update set name = excluded.name, status = excluded.status,
      location = excluded.location, version = excluded.version
    where search_storefronts.version < excluded.version`);
  await tx.execute(sql`
    update products.search_documents set storefront_name = ${storefront.name}, storefront_status = ${status},
      location = ${point}, storefront_version = ${version}, refreshed_at = now()
    where storefront_id = ${id} and storefront_version < ${version}`);
  if (status === "active") await addNameToLexicon(tx, storefront.name);
}

function storefrontConsumer(name: string, on: EventSubject<typeof StorefrontChangedSchema>) {
  return defineConsumer({
    name,
    on,
    async handle(_ctx, tx, message) {
      await applyStorefront(tx, message);
    },
  });
}

type StockValues = { variantId: string; productId: string | null; available: string; version: string };

// Every sale changes stock, and each change is these two statements (built once per process, ADR 0037).
const keepVariantStock = prepared(
  "products.search_variant_stock",
  (_db, p: Placeholders<StockValues>) => sql`
    insert into products.search_variant_stock (variant_id, product_id, available, version)
    values (${p.variantId}, coalesce(${p.productId}::uuid,
      (select product_id from products.variants where id = ${p.variantId})), ${p.available}, ${p.version})
    on conflict (variant_id) do update set available = excluded.available, version = excluded.version
    where search_variant_stock.version < excluded.version`,
);
const refreshInStock = prepared(
  "products.search_in_stock",
  (_db, p: Placeholders<StockValues>) => sql`
    update products.search_documents d set in_stock = coalesce((
        select bool_or(s.variant_id is null or s.available > 0) from products.variants v
        left join products.search_variant_stock s on s.variant_id = v.id
        where v.product_id = d.product_id), false), refreshed_at = now()
    where d.product_id in (
      select product_id from products.variants where id = ${p.variantId}::uuid
      union all select ${p.productId}::uuid where ${p.productId}::uuid is not null)`,
);

/**
 * The search projection's consumers, one per subject (ADR 0007): products and categories rebuild
 * documents from the tables, storefronts and stock apply their event with a version guard.
 */
export function searchConsumers(_runtime: ServiceRuntime<unknown>): ConsumerDefinition[] {
  return [
    productConsumer("search-product-created", eventSubjects.products.productCreated),
    productConsumer("search-product-updated", eventSubjects.products.productUpdated),
    defineConsumer({
      name: "search-category-changed",
      on: eventSubjects.products.categoryChanged,
      async handle(_ctx, tx, message) {
        const id = requireUuid(message.category?.id, "CategoryChanged.category.id");
        await refreshDocuments(tx, await productsUnderCategory(tx, id));
      },
    }),
    storefrontConsumer("search-storefront-created", eventSubjects.sellers.storefrontCreated),
    storefrontConsumer("search-storefront-updated", eventSubjects.sellers.storefrontUpdated),
    defineConsumer({
      name: "search-stock-changed",
      on: eventSubjects.inventory.stockChanged,
      async handle(_ctx, tx, message) {
        const variantId = requireUuid(message.variantId, "StockLevelChanged.variant_id");
        const productId = message.productId && isUuid(message.productId) ? message.productId : null;
        const values = {
          variantId,
          productId,
          available: message.available.toString(),
          version: message.version.toString(),
        };
        await keepVariantStock.run(tx, values);
        await refreshInStock.run(tx, values);
      },
    }),
  ];
}
