import {
  type Caller,
  type Executor,
  isServiceCaller,
  NotFound,
  PermissionDenied,
  type Placeholders,
  prepared,
  uuidArray,
} from "@mercato/platform";
import { and, eq, gte, not, sql } from "drizzle-orm";
import { validate as isUuid } from "uuid";
import { catalogVariants, storefrontOwners } from "./schema.js";

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
  const [newer] = await tx
    .select({ variantId: catalogVariants.variantId })
    .from(catalogVariants)
    .where(
      and(eq(catalogVariants.productId, productId), gte(catalogVariants.productVersion, product.version)),
    )
    .limit(1);
  if (newer) return false;
  await tx
    .update(catalogVariants)
    .set({ removed: true, productVersion: product.version })
    .where(
      and(
        eq(catalogVariants.productId, productId),
        not(sql`${catalogVariants.variantId} = any(${uuidArray(variantIds)}::uuid[])`),
      ),
    );
  for (const variantId of variantIds) {
    await tx
      .insert(catalogVariants)
      .values({
        variantId,
        productId,
        storefrontId: product.storefrontId.toLowerCase(),
        productVersion: product.version,
      })
      .onConflictDoUpdate({
        target: catalogVariants.variantId,
        set: {
          productId: sql`excluded.product_id`,
          storefrontId: sql`excluded.storefront_id`,
          productVersion: sql`excluded.product_version`,
          removed: false,
        },
        setWhere: sql`${catalogVariants.productVersion} < excluded.product_version`,
      });
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
  await tx
    .insert(storefrontOwners)
    .values({
      storefrontId: storefront.id.toLowerCase(),
      ownerId: storefront.ownerId.toLowerCase(),
      version: storefront.version,
    })
    .onConflictDoUpdate({
      target: storefrontOwners.storefrontId,
      set: { ownerId: sql`excluded.owner_id`, version: sql`excluded.version` },
      setWhere: sql`${storefrontOwners.version} < excluded.version`,
    });
}

/** A variant of the catalog, with the owner of its storefront when known. */
export interface CatalogVariant {
  variantId: string;
  productId: string;
  storefrontId: string;
  ownerId: string | undefined;
}

/** Every stock change looks its variant up (built once per process, ADR 0037). */
const variantById = prepared("inventory.catalog_variant", (db, p: Placeholders<{ variantId: string }>) =>
  db
    .select({
      productId: catalogVariants.productId,
      storefrontId: catalogVariants.storefrontId,
      ownerId: storefrontOwners.ownerId,
    })
    .from(catalogVariants)
    .leftJoin(storefrontOwners, eq(storefrontOwners.storefrontId, catalogVariants.storefrontId))
    .where(and(eq(catalogVariants.variantId, p.variantId), not(catalogVariants.removed))),
);

/** The catalog variant `variantId` (not removed), or undefined. */
export async function catalogVariant(
  executor: Executor,
  variantId: string,
): Promise<CatalogVariant | undefined> {
  const [row] = await variantById.run(executor, { variantId });
  return row ? { variantId, ...row, ownerId: row.ownerId ?? undefined } : undefined;
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
  const rows = await executor
    .select({ variantId: catalogVariants.variantId, ownerId: storefrontOwners.ownerId })
    .from(catalogVariants)
    .leftJoin(storefrontOwners, eq(storefrontOwners.storefrontId, catalogVariants.storefrontId))
    .where(sql`${catalogVariants.variantId} = any(${uuidArray(variantIds)}::uuid[])`);
  const owners = new Map(rows.map((row) => [row.variantId, row.ownerId]));
  const foreign = variantIds.filter((id) =>
    owners.has(id) ? owners.get(id) !== caller.id.toLowerCase() : mustBeKnown(id),
  );
  if (foreign.length > 0)
    throw new PermissionDenied(
      `only the storefront's owner or an admin may see the stock of variant ${foreign.join(", ")}`,
    );
}
