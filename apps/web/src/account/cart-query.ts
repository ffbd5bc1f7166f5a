import { graphql } from "../gql";

/** The cart as the cart and checkout pages show it. */
export const CartPage = graphql(`
  query CartPage {
    cart {
      buyerId
      updatedAt
      totals {
        formatted
        currency
      }
      lines {
        variantId
        productId
        quantity
        title
        sku
        options {
          name
          value
        }
        storefront {
          id
          name
          slug
        }
        unitPrice {
          formatted
        }
        priceWhenAdded {
          formatted
        }
        priceChanged
        lineTotal {
          formatted
        }
        available
        enoughStock
        purchasable
        image {
          url(size: THUMBNAIL_SMALL)
          dominantColor
        }
      }
    }
  }
`);

type Line = { storefront?: { id: string; name: string; slug: string } | null };

/** Lines grouped by their storefront, in the cart's order. */
export function bySeller<T extends Line>(
  lines: readonly T[],
): { id: string; name: string; slug: string; lines: T[] }[] {
  const groups = new Map<string, { id: string; name: string; slug: string; lines: T[] }>();
  for (const line of lines) {
    const store = line.storefront ?? { id: "", name: "", slug: "" };
    const group = groups.get(store.id) ?? { ...store, lines: [] };
    group.lines.push(line);
    groups.set(store.id, group);
  }
  return [...groups.values()];
}
