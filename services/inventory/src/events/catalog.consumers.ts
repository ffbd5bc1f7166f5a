import { ProductChangedSchema } from "@mercato/contracts/mercato/products/v1/products_pb";
import { StorefrontChangedSchema } from "@mercato/contracts/mercato/sellers/v1/sellers_pb";
import { type ConsumerDefinition, defineConsumer } from "@mercato/platform";
import { applyProductVariants, applyStorefrontOwner } from "../store/catalog-projection.js";

/**
 * Consumers (one filter subject each, ADR 0007) that keep the catalog projection: which product and
 * storefront each variant belongs to, and who owns each storefront. The highest version wins.
 */
export function catalogConsumers(): ConsumerDefinition[] {
  const products = (["created", "updated"] as const).map((verb) =>
    defineConsumer({
      name: `catalog-variants-${verb}`,
      subject: `mercato.products.product.${verb}`,
      schema: ProductChangedSchema,
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
      subject: `mercato.sellers.storefront.${verb}`,
      schema: StorefrontChangedSchema,
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
