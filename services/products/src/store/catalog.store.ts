import type { Money } from "@mercato/contracts/mercato/common/v1/common_pb";
import {
  type Caller,
  Conflict,
  type Database,
  type Executor,
  FailedPrecondition,
  isUniqueViolation,
  type MediaReferences,
  NotFound,
  type Outbox,
  PermissionDenied,
  type Placeholders,
  prepared,
  type Tx,
  uuidsAmong,
} from "@mercato/platform";
import { and, desc, eq, inArray, lt, ne, type SQL, sql } from "drizzle-orm";
import { v7 as uuidv7 } from "uuid";
import { accessTo, isAdmin, manages, type ProductAccess } from "../domain/catalog-access.js";
import {
  assertSellable,
  checkOptionNames,
  checkTitle,
  productMediaReferences,
} from "../domain/product-rules.js";
import {
  checkCompareAt,
  checkOptions,
  describeOptions,
  maxVariantsPerProduct,
  minorUnits,
  optionsKey,
  type VariantInputLike,
  type VariantValues,
  Violations,
  variantFromInput,
  variantsFromInputs,
} from "../domain/variant-rules.js";
import { recordProductChanged } from "../events/catalog-events.js";
import { requireActiveCategory } from "./categories.store.js";
import { type ProductStatusText, productToProto } from "./mappers.js";
import {
  type ProductRow,
  products,
  type StorefrontRow,
  storefronts,
  type VariantRow,
  variants,
} from "./schema.js";
import { storefrontById, storefrontOwnedBy } from "./storefronts.store.js";

/** A product with its variants (in no particular order; the mapper sorts them). */
export interface ProductView {
  product: ProductRow;
  variants: VariantRow[];
}

/** A new product as its seller writes it. */
export interface NewProduct {
  title: string;
  description: string;
  categoryId: string;
  attributes: Record<string, string>;
  optionNames: readonly string[];
  mediaIds: readonly string[];
  status: ProductStatusText;
  variants: readonly VariantInputLike[];
}

/** Changes to a product; undefined leaves a field as it is. */
export interface ProductChanges {
  title?: string | undefined;
  description?: string | undefined;
  categoryId?: string | undefined;
  attributes?: Record<string, string> | undefined;
  mediaIds?: readonly string[] | undefined;
  status?: ProductStatusText | undefined;
  /** New option names; with variants only a positional rename (ADR 0012). */
  optionNames?: readonly string[] | undefined;
}

/** Changes to a variant; undefined leaves a field as it is. */
export interface VariantChanges {
  sku?: string | undefined;
  price?: Money | undefined;
  compareAtPrice?: Money | undefined;
  clearCompareAtPrice: boolean;
  options?: Record<string, string> | undefined;
  position?: number | undefined;
}

/** A variant together with the product it belongs to. */
export interface VariantView {
  variant: VariantRow;
  product: ProductRow;
}

/** A changed variant and its product after the change. */
export interface VariantChange {
  variant: VariantRow;
  product: ProductView;
}

/** One page of a storefront's products. */
export interface ProductPage {
  products: ProductView[];
  /** The id of the last product when there is a next page. */
  lastId: string | undefined;
}

/** Column changes of a product row, plain values or SQL expressions. */
type ProductSet = { [K in keyof typeof products.$inferInsert]?: (typeof products.$inferInsert)[K] | SQL };

/** A locked product that the caller manages, with its variants and storefront. */
interface Managed extends ProductView {
  storefront: StorefrontRow | undefined;
}

/** Every cart and checkout asks for its variants with their products (built once per process, ADR 0037). */
const variantsWithProducts = prepared(
  "products.variants_with_products",
  (db, p: Placeholders<{ ids: string }>) =>
    db
      .select({ variant: variants, product: products, storefront: storefronts })
      .from(variants)
      .innerJoin(products, eq(products.id, variants.productId))
      .leftJoin(storefronts, eq(storefronts.id, products.storefrontId))
      .where(sql`${variants.id} = any(${p.ids}::uuid[])`),
);

/**
 * Products and their variants. Every change locks the product row, bumps its version and records
 * ProductChanged (the whole product after the change) in the same transaction. Only the
 * storefront's owner or an admin changes a product; another caller gets PermissionDenied when the
 * product is public and NotFound when it is not, so hidden products are not revealed.
 */
export class Catalog {
  constructor(
    private readonly database: Database,
    private readonly outbox: Outbox,
    private readonly media: MediaReferences,
  ) {}

  /** Lists a product in the caller's storefront, with its first variants. */
  async createProduct(caller: Caller, input: NewProduct): Promise<ProductView> {
    const title = checkTitle(input.title);
    const optionNames = checkOptionNames(input.optionNames);
    const values = variantsFromInputs(input.variants, optionNames);
    assertSellable(input.status, values.length);
    return this.database.transaction(async (tx) => {
      const storefront = await storefrontOwnedBy(tx, caller.id);
      if (!storefront) throw new FailedPrecondition("open a storefront first");
      if (storefront.status === "suspended") {
        throw new FailedPrecondition(`storefront ${storefront.slug} is suspended; it cannot list products`);
      }
      await requireActiveCategory(tx, input.categoryId);
      await this.media.check(tx, caller, productMediaReferences(input.mediaIds));
      await assertSkusFree(
        tx,
        storefront.id,
        values.map((v) => v.sku),
        undefined,
      );
      const [product] = await tx
        .insert(products)
        .values({
          id: uuidv7(),
          storefrontId: storefront.id,
          title,
          description: input.description,
          categoryId: input.categoryId,
          attributes: input.attributes,
          optionNames,
          mediaIds: [...input.mediaIds],
          status: input.status,
          publishedAt: input.status === "active" ? sql`now()` : null,
        })
        .returning();
      if (!product) throw new Error("insert returned no product");
      const rows =
        values.length === 0
          ? []
          : await tx
              .insert(variants)
              .values(values.map((v, position) => variantRow(product, v, position)))
              .returning()
              .catch(variantConflict);
      const view = { product, variants: rows };
      await recordProductChanged(this.outbox, tx, productToProto(product, rows), "created");
      return view;
    });
  }

  /** Changes the fields given; a change that changes nothing writes and publishes nothing. */
  async updateProduct(caller: Caller, id: string, changes: ProductChanges): Promise<ProductView> {
    return this.database.transaction(async (tx) => {
      const current = await lockManaged(tx, caller, id);
      const { product } = current;
      const set: ProductSet = {};
      if (changes.title !== undefined) {
        const title = checkTitle(changes.title);
        if (title !== product.title) set.title = title;
      }
      if (changes.description !== undefined && changes.description !== product.description) {
        set.description = changes.description;
      }
      if (changes.categoryId !== undefined && changes.categoryId !== product.categoryId) {
        await requireActiveCategory(tx, changes.categoryId);
        set.categoryId = changes.categoryId;
      }
      if (changes.attributes && optionsKey(changes.attributes) !== optionsKey(product.attributes)) {
        set.attributes = changes.attributes;
      }
      if (changes.mediaIds && changes.mediaIds.join() !== product.mediaIds.join()) {
        // Only ids the change adds are checked: a media deleted since it was attached stays (ADR 0041).
        await this.media.check(tx, caller, productMediaReferences(changes.mediaIds, product.mediaIds));
        set.mediaIds = [...changes.mediaIds];
      }
      if (changes.status !== undefined && changes.status !== product.status) {
        assertSellable(changes.status, current.variants.length);
        set.status = changes.status;
        if (changes.status === "active") set.publishedAt = sql`coalesce(${products.publishedAt}, now())`;
      }
      let variantsNow = current.variants;
      if (changes.optionNames !== undefined) {
        const names = checkOptionNames(changes.optionNames);
        if (names.join("\u0000") !== product.optionNames.join("\u0000")) {
          variantsNow = await renameVariantOptions(tx, product.optionNames, names, current.variants);
          set.optionNames = names;
        }
      }
      if (Object.keys(set).length === 0) return current;
      return this.commit(tx, product, set, variantsNow);
    });
  }

  /** A product the caller may see: public ones to everyone, every status to the owner and admins. */
  async getProduct(caller: Caller | undefined, id: string): Promise<ProductView> {
    const [found] = await this.visibleProducts(caller, [id]);
    if (!found) throw productNotFound(id);
    return found;
  }

  /** The products among `ids` that the caller may see, in no particular order. */
  async batchGetProducts(caller: Caller | undefined, ids: readonly string[]): Promise<ProductView[]> {
    return this.visibleProducts(caller, ids);
  }

  /**
   * One page of a storefront's products, newest first. Its owner and admins see every status (or
   * only `status`); everyone else sees active products, and only while the storefront is active.
   */
  async listStorefrontProducts(
    caller: Caller | undefined,
    storefrontId: string,
    options: { status: ProductStatusText | undefined; limit: number; afterId: string | undefined },
  ): Promise<ProductPage> {
    const db = this.database.db;
    const storefront = await storefrontById(db, storefrontId);
    if (!storefront) return { products: [], lastId: undefined };
    const owner = manages(caller, storefront.ownerId);
    if (!owner && storefront.status !== "active") return { products: [], lastId: undefined };
    const status = owner ? options.status : "active";
    const conditions: SQL[] = [eq(products.storefrontId, storefrontId)];
    if (status) conditions.push(eq(products.status, status));
    if (options.afterId) conditions.push(lt(products.id, options.afterId));
    const rows = await db
      .select()
      .from(products)
      .where(and(...conditions))
      .orderBy(desc(products.id))
      .limit(options.limit + 1);
    const page = rows.slice(0, options.limit);
    const views = await withVariants(db, page);
    return {
      products: views,
      lastId: rows.length > options.limit ? page.at(-1)?.id : undefined,
    };
  }

  /** Adds a variant: a new SKU in the storefront, a new combination of option values in the product. */
  async addVariant(caller: Caller, productId: string, input: VariantInputLike): Promise<VariantChange> {
    return this.database.transaction(async (tx) => {
      const current = await lockManaged(tx, caller, productId);
      const { product } = current;
      const values = variantFromInput(input, product.optionNames, "variant.");
      if (current.variants.length >= maxVariantsPerProduct) {
        throw new FailedPrecondition(`a product has at most ${maxVariantsPerProduct} variants`);
      }
      const currency = current.variants[0]?.currency;
      if (currency !== undefined && values.currency !== currency) {
        const violations = new Violations();
        violations.add("variant.price.currency", `must be ${currency}: the product sells in one currency`);
        violations.throwIfAny();
      }
      assertCombinationFree(current.variants, values.options, undefined, "variant.options");
      await assertSkusFree(tx, product.storefrontId, [values.sku], undefined, "variant.sku");
      const position = Math.max(-1, ...current.variants.map((v) => v.position)) + 1;
      const [variant] = await tx
        .insert(variants)
        .values(variantRow(product, values, position))
        .returning()
        .catch(variantConflict);
      if (!variant) throw new Error("insert returned no variant");
      return { variant, product: await this.commit(tx, product, {}, [...current.variants, variant]) };
    });
  }

  /** Changes a variant's SKU, prices, options or position; its compare-at price must stay above its price. */
  async updateVariant(caller: Caller, id: string, changes: VariantChanges): Promise<VariantChange> {
    return this.database.transaction(async (tx) => {
      const current = await lockManaged(tx, caller, await productOfVariant(tx, id), () =>
        variantNotFound(id),
      );
      const variant = current.variants.find((v) => v.id === id);
      if (!variant) throw variantNotFound(id);
      const others = current.variants.filter((v) => v.id !== id);
      const next = nextVariantValues(variant, changes, current.product.optionNames, others[0]?.currency);
      if (changes.options) assertCombinationFree(others, next.options, id, "options");
      if (next.sku !== variant.sku) {
        await assertSkusFree(tx, current.product.storefrontId, [next.sku], id, "sku");
      }
      const set: Partial<typeof variants.$inferInsert> = {};
      if (next.sku !== variant.sku) set.sku = next.sku;
      if (next.priceMinor !== variant.priceMinor) set.priceMinor = next.priceMinor;
      if (next.currency !== variant.currency) set.currency = next.currency;
      if (next.compareAtMinor !== variant.compareAtMinor) set.compareAtMinor = next.compareAtMinor;
      if (optionsKey(next.options) !== optionsKey(variant.options)) set.options = next.options;
      if (changes.position !== undefined && changes.position !== variant.position) {
        set.position = changes.position;
      }
      if (Object.keys(set).length === 0) return { variant, product: current };
      const [updated] = await tx
        .update(variants)
        .set({ ...set, updatedAt: sql`now()` })
        .where(eq(variants.id, id))
        .returning()
        .catch(variantConflict);
      if (!updated) throw variantNotFound(id);
      return { variant: updated, product: await this.commit(tx, current.product, {}, [...others, updated]) };
    });
  }

  /** Removes a variant; an active product keeps at least one (FailedPrecondition). */
  async deleteVariant(caller: Caller, id: string): Promise<ProductView> {
    return this.database.transaction(async (tx) => {
      const current = await lockManaged(tx, caller, await productOfVariant(tx, id), () =>
        variantNotFound(id),
      );
      const others = current.variants.filter((v) => v.id !== id);
      if (others.length === current.variants.length) throw variantNotFound(id);
      if (current.product.status === "active" && others.length === 0) {
        throw new FailedPrecondition(
          "an active product keeps at least one variant; add another or archive the product first",
        );
      }
      await tx.delete(variants).where(eq(variants.id, id));
      return this.commit(tx, current.product, {}, others);
    });
  }

  /** The variants among `ids` whose product the caller may see, each with its product. */
  async batchGetVariants(caller: Caller | undefined, ids: readonly string[]): Promise<VariantView[]> {
    const wanted = uuidsAmong(ids);
    if (!wanted) return [];
    const rows = await variantsWithProducts.run(this.database.db, { ids: wanted });
    return rows
      .filter((row) => accessOf(caller, row.product, row.storefront ?? undefined) !== "none")
      .map((row) => ({ variant: row.variant, product: row.product }));
  }

  /** Bumps the product's version with `set`, and records ProductChanged with `currentVariants`. */
  private async commit(
    tx: Tx,
    product: ProductRow,
    set: ProductSet,
    currentVariants: VariantRow[],
  ): Promise<ProductView> {
    const [updated] = await tx
      .update(products)
      .set({ ...set, version: sql`${products.version} + 1`, updatedAt: sql`now()` })
      .where(eq(products.id, product.id))
      .returning();
    if (!updated) throw productNotFound(product.id);
    await recordProductChanged(this.outbox, tx, productToProto(updated, currentVariants), "updated");
    return { product: updated, variants: currentVariants };
  }

  private async visibleProducts(caller: Caller | undefined, ids: readonly string[]): Promise<ProductView[]> {
    if (ids.length === 0) return [];
    const db = this.database.db;
    const rows = await db
      .select({ product: products, storefront: storefronts })
      .from(products)
      .leftJoin(storefronts, eq(storefronts.id, products.storefrontId))
      .where(inArray(products.id, [...ids]));
    const visible = rows
      .filter((row) => accessOf(caller, row.product, row.storefront ?? undefined) !== "none")
      .map((row) => row.product);
    return withVariants(db, visible);
  }
}

function accessOf(
  caller: Caller | undefined,
  product: ProductRow,
  storefront: StorefrontRow | undefined,
): ProductAccess {
  return accessTo(caller, {
    productStatus: product.status,
    storefrontOwnerId: storefront?.ownerId,
    storefrontStatus: storefront?.status,
  });
}

/** Locks a product for a change by the caller: NotFound when the caller may not see it, PermissionDenied when it may only look. */
async function lockManaged(
  tx: Tx,
  caller: Caller,
  id: string,
  notFound: () => NotFound = () => productNotFound(id),
): Promise<Managed> {
  const [product] = await tx.select().from(products).where(eq(products.id, id)).for("update").limit(1);
  if (!product) throw notFound();
  const storefront = await storefrontById(tx, product.storefrontId);
  const access = accessOf(caller, product, storefront);
  if (access === "none") throw notFound();
  if (access === "view")
    throw new PermissionDenied("only the storefront's owner or an admin may change this product");
  // A suspension freezes the storefront's listings for its owner as it does new ones; admins still act.
  if (storefront?.status === "suspended" && !isAdmin(caller))
    throw new FailedPrecondition(
      `storefront ${storefront.slug} is suspended; its products cannot be changed`,
    );
  const rows = await tx.select().from(variants).where(eq(variants.productId, id));
  return { product, variants: rows, storefront };
}

/** The product id of a variant, or NotFound. */
async function productOfVariant(tx: Tx, variantId: string): Promise<string> {
  const [row] = await tx
    .select({ productId: variants.productId })
    .from(variants)
    .where(eq(variants.id, variantId))
    .limit(1);
  if (!row) throw variantNotFound(variantId);
  return row.productId;
}

async function withVariants(executor: Executor, rows: ProductRow[]): Promise<ProductView[]> {
  if (rows.length === 0) return [];
  const all = await executor
    .select()
    .from(variants)
    .where(
      inArray(
        variants.productId,
        rows.map((row) => row.id),
      ),
    );
  const byProduct = new Map<string, VariantRow[]>();
  for (const variant of all) {
    const list = byProduct.get(variant.productId) ?? [];
    list.push(variant);
    byProduct.set(variant.productId, list);
  }
  return rows.map((product) => ({ product, variants: byProduct.get(product.id) ?? [] }));
}

function variantRow(
  product: ProductRow,
  values: VariantValues,
  position: number,
): typeof variants.$inferInsert {
  return {
    id: uuidv7(),
    productId: product.id,
    storefrontId: product.storefrontId,
    sku: values.sku,
    priceMinor: values.priceMinor,
    currency: values.currency,
    compareAtMinor: values.compareAtMinor,
    options: values.options,
    position,
  };
}

/** The values of a variant after `changes`, checked: one currency per product, compare-at above price. */
function nextVariantValues(
  variant: VariantRow,
  changes: VariantChanges,
  optionNames: readonly string[],
  productCurrency: string | undefined,
): VariantValues {
  const violations = new Violations();
  const currency = changes.price?.currency ?? variant.currency;
  if (productCurrency !== undefined && currency !== productCurrency) {
    violations.add("price.currency", `must be ${productCurrency}: the product sells in one currency`);
  }
  let priceMinor = variant.priceMinor;
  if (changes.price) priceMinor = minorUnits(changes.price.amountMinor, "price.amount_minor", violations);
  let compareAtMinor = variant.compareAtMinor;
  if (changes.compareAtPrice && changes.clearCompareAtPrice) {
    violations.add("clear_compare_at_price", "cannot be set together with compare_at_price");
  } else if (changes.clearCompareAtPrice) {
    compareAtMinor = null;
  } else if (changes.compareAtPrice) {
    compareAtMinor = minorUnits(
      changes.compareAtPrice.amountMinor,
      "compare_at_price.amount_minor",
      violations,
    );
    if (changes.compareAtPrice.currency !== currency) {
      violations.add("compare_at_price.currency", `must be ${currency}, the price's currency`);
    }
  } else if (compareAtMinor !== null && currency !== variant.currency) {
    violations.add("compare_at_price", `is in ${variant.currency}; set it in ${currency} or clear it`);
  }
  const options = changes.options
    ? checkOptions(changes.options, optionNames, "options", violations)
    : variant.options;
  const values = { sku: changes.sku ?? variant.sku, priceMinor, currency, compareAtMinor, options };
  checkCompareAt(values, "compare_at_price", violations);
  violations.throwIfAny();
  return values;
}

function assertCombinationFree(
  existing: readonly VariantRow[],
  options: Record<string, string>,
  exceptId: string | undefined,
  field: string,
): void {
  const key = optionsKey(options);
  const clash = existing.find((v) => v.id !== exceptId && optionsKey(v.options) === key);
  if (clash) {
    throw new Conflict(`${field}: variant ${clash.sku} already has ${describeOptions(options)}`);
  }
}

async function assertSkusFree(
  tx: Tx,
  storefrontId: string,
  skus: readonly string[],
  exceptVariantId: string | undefined,
  field = "sku",
): Promise<void> {
  if (skus.length === 0) return;
  const conditions: SQL[] = [eq(variants.storefrontId, storefrontId), inArray(variants.sku, [...skus])];
  if (exceptVariantId) conditions.push(ne(variants.id, exceptVariantId));
  const [taken] = await tx
    .select({ sku: variants.sku })
    .from(variants)
    .where(and(...conditions))
    .limit(1);
  if (taken) throw skuTaken(taken.sku, field);
}

function skuTaken(sku: string, field = "sku"): Conflict {
  return new Conflict(`${field}: ${sku} is already used in this storefront`);
}

/** Turns a unique violation that slipped past the checks (a concurrent write) into a Conflict. */
function variantConflict(error: unknown): never {
  if (isUniqueViolation(error, "variants_storefront_sku_idx")) {
    throw new Conflict("sku: the SKU is already used in this storefront");
  }
  if (isUniqueViolation(error, "variants_product_options_idx")) {
    throw new Conflict("options: another variant of the product has the same options");
  }
  throw error;
}

function productNotFound(id: string): NotFound {
  return new NotFound(`product ${id} not found`);
}

function variantNotFound(id: string): NotFound {
  return new NotFound(`variant ${id} not found`);
}

/**
 * Renames the options of a product's variants from `from` to `to` by position, in the product's
 * transaction; without variants any new names do. Adding or removing an option while variants
 * exist is refused: their values for it would be missing or lost.
 */
async function renameVariantOptions(
  tx: Tx,
  from: readonly string[],
  to: readonly string[],
  current: VariantRow[],
): Promise<VariantRow[]> {
  if (current.length === 0) return current;
  if (from.length !== to.length) {
    throw new FailedPrecondition(
      `option_names: the variants use ${from.length} option${from.length === 1 ? "" : "s"} (${from.join(", ")}); rename them with as many names, or remove the variants first`,
    );
  }
  const renamed: VariantRow[] = [];
  for (const variant of current) {
    const options = Object.fromEntries(
      from.map((name, i) => [to[i] as string, (variant.options as Record<string, string>)[name] ?? ""]),
    );
    const [row] = await tx
      .update(variants)
      .set({ options, updatedAt: sql`now()` })
      .where(eq(variants.id, variant.id))
      .returning();
    renamed.push(row ?? variant);
  }
  return renamed;
}
