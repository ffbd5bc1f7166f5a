import type { Client } from "@connectrpc/connect";
import type { Money } from "@mercato/contracts/mercato/common/v1/common_pb";
import type { InventoryService } from "@mercato/contracts/mercato/inventory/v1/inventory_pb";
import type { Cart } from "@mercato/contracts/mercato/orders/v1/orders_pb";
import { ProductStatus, type ProductsService } from "@mercato/contracts/mercato/products/v1/products_pb";
import { type SellersService, StorefrontStatus } from "@mercato/contracts/mercato/sellers/v1/sellers_pb";
import { jsonInteger, moneyJson, orNull } from "../catalog-common.js";
import { isoTime } from "../rest.js";
import type { CartModel, MoneyJson } from "./schemas.js";

/** The services a cart is hydrated from. */
export interface CartSources {
  products: Client<typeof ProductsService>;
  sellers: Client<typeof SellersService>;
  inventory: Client<typeof InventoryService>;
}

const sameMoney = (a: Money | undefined, b: Money | undefined) =>
  a?.amountMinor === b?.amountMinor && a?.currency === b?.currency;

/**
 * A cart with what each line shows now: product title and image, current price (and whether it
 * changed since the line was added), seller and stock. One call per service, whatever the number
 * of lines: the variants and their stock together, then their storefronts.
 */
export async function hydrateCart(cart: Cart | undefined, sources: CartSources): Promise<CartModel> {
  if (!cart) throw new Error("the orders service answered without a cart");
  const ids = cart.lines.map((line) => line.variantId);
  const [variants, stock] =
    ids.length === 0
      ? [[], []]
      : await Promise.all([
          sources.products.batchGetVariants({ ids }).then((answer) => answer.variants),
          // Buyers may see only what can be bought; on hand, reserved and thresholds are the seller's.
          sources.inventory
            .getStock({ variantIds: ids, availabilityOnly: true })
            .then((answer) => answer.levels),
        ]);
  const storefrontIds = [...new Set(variants.map((v) => v.storefrontId))];
  const storefronts =
    storefrontIds.length === 0
      ? []
      : (await sources.sellers.batchGetStorefronts({ ids: storefrontIds })).storefronts;
  const variantById = new Map(variants.map((v) => [v.variant?.id ?? "", v]));
  const stockById = new Map(stock.map((level) => [level.variantId, level]));
  const storefrontById = new Map(storefronts.map((s) => [s.id, s]));
  const totals = new Map<string, bigint>();
  const lines = cart.lines.map((line) => {
    const found = variantById.get(line.variantId);
    const variant = found?.variant;
    const storefront = found ? storefrontById.get(found.storefrontId) : undefined;
    const level = stockById.get(line.variantId);
    const available = level ? jsonInteger(level.available) : 0;
    const quantity = jsonInteger(line.quantity);
    const purchasable =
      found?.productStatus === ProductStatus.ACTIVE && storefront?.status === StorefrontStatus.ACTIVE;
    const price = variant?.price;
    const lineTotal = price
      ? { amountMinor: price.amountMinor * line.quantity, currency: price.currency }
      : undefined;
    if (purchasable && lineTotal)
      totals.set(lineTotal.currency, (totals.get(lineTotal.currency) ?? 0n) + lineTotal.amountMinor);
    return {
      variantId: line.variantId,
      quantity,
      productId: orNull(variant?.productId ?? ""),
      title: found ? found.productTitle : null,
      sku: variant ? variant.sku : null,
      options: { ...(variant?.options ?? {}) },
      mediaId: orNull(found?.mediaId ?? ""),
      storefront: storefront ? { id: storefront.id, name: storefront.name, slug: storefront.slug } : null,
      unitPrice: moneyJson(price),
      // Orders sets it on every line; were it absent, the serializer would refuse the null as before.
      priceWhenAdded: moneyJson(line.priceWhenAdded) as MoneyJson,
      priceChanged: price !== undefined && !sameMoney(price, line.priceWhenAdded),
      lineTotal: moneyJson(lineTotal as Money | undefined),
      available,
      enoughStock: available >= quantity,
      purchasable,
      addedAt: isoTime(line.addedAt),
    };
  });
  return {
    buyerId: cart.buyerId,
    lines,
    totals: [...totals].map(
      ([currency, amountMinor]) => moneyJson({ amountMinor, currency } as Money) as MoneyJson,
    ),
    updatedAt: isoTime(cart.updatedAt),
  };
}
