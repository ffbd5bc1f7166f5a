/**
 * Marketplace data the browser journeys start from, made through the gateway's REST API (the
 * browser part of each journey then uses only the web app).
 */
import { randomBytes } from "node:crypto";
import { waitFor } from "@mercato/testing";
import { adminCategory, graphqlClient, restClient, verifiedSeller } from "../../../tests/e2e/stack.js";

export { randomPhone } from "../../../tests/e2e/stack.js";

import type { WebStack } from "./browser.js";

export interface VariantSeed {
  sku: string;
  price: number;
  compareAt?: number;
  options?: Record<string, string>;
  stock: number;
}

export interface ProductSeed {
  title: string;
  description?: string;
  optionNames?: string[];
  variants: VariantSeed[];
}

export function api(web: WebStack) {
  return { rest: restClient(() => `${web.url}/api/v1`), graphql: graphqlClient(() => web.url) };
}

/** A category made by the stack's admin; returns its id. */
export function category(web: WebStack, name: string): Promise<string> {
  const slug = `${name.toLowerCase().replace(/[^a-z0-9]+/g, "-")}-${randomBytes(3).toString("hex")}`;
  return adminCategory(api(web).rest, web.admin, { name, slug });
}

/**
 * A verified seller with a storefront in Berlin and active products, each variant stocked; waits
 * until search finds every product. Returns the seller's token and the products' ids.
 */
export async function sellerWithProducts(
  web: WebStack,
  name: string,
  categoryId: string,
  products: ProductSeed[],
): Promise<{
  token: string;
  storefrontId: string;
  slug: string;
  products: { id: string; variantIds: string[] }[];
}> {
  const { rest, graphql } = api(web);
  const { token } = await verifiedSeller(web.stack, rest, name, { storefront: true });
  const store = await graphql("{ myStorefront { id slug } }", {}, token);
  const storefront = store.data?.myStorefront as { id: string; slug: string };
  const made: { id: string; variantIds: string[] }[] = [];
  for (const product of products) {
    const created = await waitFor(
      async () => {
        const reply = await rest("POST", "/products", {
          token,
          body: {
            title: product.title,
            description: product.description ?? `${product.title}, from ${name}.`,
            categoryId,
            status: "active",
            ...(product.optionNames ? { optionNames: product.optionNames } : {}),
            variants: product.variants.map((v) => ({
              sku: v.sku,
              price: { amountMinor: v.price, currency: "EUR" },
              ...(v.compareAt ? { compareAtPrice: { amountMinor: v.compareAt, currency: "EUR" } } : {}),
              ...(v.options ? { options: v.options } : {}),
            })),
          },
        });
        if (reply.status === 201)
          return reply.body as { id: string; variants: { id: string; sku: string }[] };
        // The products service learns of the storefront from an event; until then it refuses.
        throw new Error(`${reply.status} ${JSON.stringify(reply.body)}`);
      },
      { timeoutMs: 30_000, intervalMs: 200, message: `${product.title} was never created` },
    );
    for (const variant of product.variants) {
      const id = created.variants.find((v) => v.sku === variant.sku)?.id ?? "";
      await waitFor(
        async () =>
          (
            await rest("POST", `/inventory/${id}/adjustments`, {
              token,
              body: { quantity: variant.stock, reason: "replenishment", note: "first delivery" },
            })
          ).status === 200,
        { timeoutMs: 30_000, intervalMs: 200, message: `inventory never learnt of ${variant.sku}` },
      );
    }
    made.push({ id: created.id, variantIds: created.variants.map((v) => v.id) });
  }
  for (const product of products)
    await waitFor(
      async () => {
        const found = await graphql(
          "query($q: String) { search(query: $q) { edges { node { title inStock } } } }",
          {
            q: product.title,
          },
        );
        const hits = (found.data?.search?.edges ?? []) as { node: { title: string; inStock: boolean } }[];
        return hits.some((e) => e.node.title === product.title && e.node.inStock);
      },
      { timeoutMs: 30_000, message: `search never found ${product.title} in stock` },
    );
  return { token, storefrontId: storefront.id, slug: storefront.slug, products: made };
}
