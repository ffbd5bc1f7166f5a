import { eventSubjects } from "@mercato/contracts/events";
import { type ConsumerDefinition, defineConsumer } from "@mercato/platform";
import { applyProductVariants, applyStorefrontOwner } from "../store/catalog-projection.js";

const productSubjects = {
  created: eventSubjects.products.productCreated,
  updated: eventSubjects.products.productUpdated,
} as const;

const storefrontSubjects = {
  created: eventSubjects.sellers.storefrontCreated,
  updated: eventSubjects.sellers.storefrontUpdated,
} as const;

/**
 * Consumers (one filter subject each, ADR 0007) that keep the catalog projection: which product and
 * storefront each variant belongs to, and who owns each storefront. The highest version wins.
 */
export function catalogConsumers(): ConsumerDefinition[] {
  const products = (["created", "updated"] as const).map((verb) =>
    defineConsumer({
      name: `catalog-variants-${verb}`,
      on: productSubjects[verb],
      async handle(_ctx, tx, message) {
        const product = message.product;
        if (!product) throw new Error("ProductChanged carries no product");
        await applyProductVariants(tx, {
          productId: product.id,
          storefrontId: product.storefrontId,
          variantIds: product.variants.map((variant) => variant.id),
          version: Number(product.version),
        });
      },
    }),
  );
  const storefronts = (["created", "updated"] as const).map((verb) =>
    defineConsumer({
      name: `storefront-owners-${verb}`,
      on: storefrontSubjects[verb],
      async handle(_ctx, tx, message) {
        const storefront = message.storefront;
        if (!storefront) throw new Error("StorefrontChanged carries no storefront");
        await applyStorefrontOwner(tx, {
          id: storefront.id,
          ownerId: storefront.ownerId,
          version: Number(storefront.version),
        });
      },
    }),
  );
  return [...products, ...storefronts] as ConsumerDefinition[];
}
