import {
  type Caller,
  type Executor,
  isServiceCaller,
  NotFound,
  PermissionDenied,
  rowsOf,
  uuidArray,
} from "@mercato/platform";
import { sql } from "drizzle-orm";
import { validate as isUuid } from "uuid";

/** A product's variants as the products service last announced them. */
export interface ProductVariants {
  productId: string;
  storefrontId: string;
  variantIds: readonly string[];
  version: number;
}

/**
 * Records a product's variants unless a newer version of the product is recorded already; variants
 * it no longer has are marked removed (their stock and ledger stay). Returns whether it applied.
 */
export async function applyProductVariants(tx: Executor, product: ProductVariants): Promise<boolean> {
  const ids = [product.productId, product.storefrontId, ...product.variantIds];
  if (!ids.every((id) => isUuid(id))) throw new Error("ProductChanged carries an id that is not a UUID");
  const variantIds = product.variantIds.map((id) => id.toLowerCase());
  const productId = product.productId.toLowerCase();
  const [newer] = rowsOf<{ found: number }>(
    await tx.execute(sql`
      select 1 as found from inventory.catalog_variants
      where product_id = ${productId} and product_version >= ${product.version} limit 1`),
  );
  if (newer) return false;
  await tx.execute(sql`
    update inventory.catalog_variants set removed = true, product_version = ${product.version}
    where product_id = ${productId} and not (variant_id = any(${uuidArray(variantIds)}::uuid[]))`);
  for (const variantId of variantIds) {
    await tx.execute(sql`
      insert into inventory.catalog_variants (variant_id, product_id, storefront_id, product_version)
      values (${variantId}, ${productId}, ${product.storefrontId.toLowerCase()}, ${product.version})
      on conflict (variant_id) do update set product_id = excluded.product_id,
        storefront_id = excluded.storefront_id, product_version = excluded.product_version, removed = false
      where inventory.catalog_variants.product_version < excluded.product_version`);
  }
  return true;
}

/** Records who owns a storefront unless a newer version is recorded already. */
export async function applyStorefrontOwner(
  tx: Executor,
  storefront: { id: string; ownerId: string; version: number },
): Promise<void> {
  if (!isUuid(storefront.id) || !isUuid(storefront.ownerId))
    throw new Error("StorefrontChanged carries no storefront with UUID id and owner_id");
  await tx.execute(sql`
    insert into inventory.storefront_owners (storefront_id, owner_id, version)
    values (${storefront.id.toLowerCase()}, ${storefront.ownerId.toLowerCase()}, ${storefront.version})
    on conflict (storefront_id) do update set owner_id = excluded.owner_id, version = excluded.version
    where inventory.storefront_owners.version < excluded.version`);
}

/** A variant of the catalog, with the owner of its storefront when known. */
export interface CatalogVariant {
  variantId: string;
  productId: string;
  storefrontId: string;
  ownerId: string | undefined;
}

/** The catalog variant `variantId` (not removed), or undefined. */
export async function catalogVariant(
  executor: Executor,
  variantId: string,
): Promise<CatalogVariant | undefined> {
  const [row] = rowsOf<{ product_id: string; storefront_id: string; owner_id: string | null }>(
    await executor.execute(sql`
      select v.product_id, v.storefront_id, o.owner_id
      from inventory.catalog_variants v
      left join inventory.storefront_owners o on o.storefront_id = v.storefront_id
      where v.variant_id = ${variantId} and not v.removed`),
  );
  return row
    ? {
        variantId,
        productId: row.product_id,
        storefrontId: row.storefront_id,
        ownerId: row.owner_id ?? undefined,
      }
    : undefined;
}

/**
 * The variant when `caller` may manage its stock: an admin, or the owner of the variant's storefront.
 * An unknown variant is NotFound; another seller's is PermissionDenied.
 */
export async function managedVariant(
  executor: Executor,
  caller: Caller,
  variantId: string,
): Promise<CatalogVariant> {
  const variant = await catalogVariant(executor, variantId);
  if (!variant) throw new NotFound(`variant ${variantId} is not in the catalog`);
  const admin = caller.roles.includes("admin");
  if (!admin && variant.ownerId !== caller.id.toLowerCase())
    throw new PermissionDenied("only the storefront's owner or an admin may manage this variant's stock");
  return variant;
}

/**
 * Refuses `caller` the stock of `variantIds` unless it manages every one: an admin or a service
 * manages all, a seller the variants of its own storefronts (removed ones too: their stock is still
 * its). The same rule as changes and the ledger, for many variants at once. A variant the
 * catalog projection does not know counts as foreign when `mustBeKnown` says so (default: always).
 */
export async function assertManagesAll(
  executor: Executor,
  caller: Caller,
  variantIds: readonly string[],
  mustBeKnown: (variantId: string) => boolean = () => true,
): Promise<void> {
  if (variantIds.length === 0 || caller.roles.includes("admin") || isServiceCaller(caller)) return;
  const rows = rowsOf<{ variant_id: string; owner_id: string | null }>(
    await executor.execute(sql`
      select v.variant_id, o.owner_id
      from inventory.catalog_variants v
      left join inventory.storefront_owners o on o.storefront_id = v.storefront_id
      where v.variant_id = any(${uuidArray(variantIds)}::uuid[])`),
  );
  const owners = new Map(rows.map((row) => [row.variant_id, row.owner_id]));
  const foreign = variantIds.filter((id) =>
    owners.has(id) ? owners.get(id) !== caller.id.toLowerCase() : mustBeKnown(id),
  );
  if (foreign.length > 0)
    throw new PermissionDenied(
      `only the storefront's owner or an admin may see the stock of variant ${foreign.join(", ")}`,
    );
}
