import { describe, expect, it } from "vitest";
import { cities } from "../src/seed/cities.js";
import { defaultDemoSize, demoMarketplace } from "../src/seed/demo-data.js";

/** Great-circle distance in km on a sphere of the Earth's mean radius. */
function haversineKm(a: { lat: number; lng: number }, b: { lat: number; lng: number }): number {
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLng = (b.lng - a.lng) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLng / 2) ** 2;
  return 2 * 6371.0088 * Math.asin(Math.sqrt(h));
}

describe("demo marketplace", () => {
  const demo = demoMarketplace(defaultDemoSize);
  const products = [...demo.products()];

  it("has at least 20 storefronts spread over several real cities, each within 8 km of its city centre", () => {
    expect(demo.storefronts.length).toBeGreaterThanOrEqual(20);
    const used = new Set(demo.storefronts.map((s) => s.address.city));
    expect(used.size).toBeGreaterThanOrEqual(10);
    for (const store of demo.storefronts) {
      const city = cities.find((c) => c.name === store.address.city);
      expect(city, store.address.city).toBeDefined();
      if (city) expect(haversineKm(city, store.location)).toBeLessThan(8.1);
      expect(store.address.countryCode).toBe(city?.countryCode);
    }
    expect(new Set(demo.storefronts.map((s) => s.slug)).size).toBe(demo.storefronts.length);
    expect(demo.projections.map((p) => p.id)).toEqual(demo.storefronts.map((s) => s.id));
  });

  it("gives every storefront its own owner, with an e-mail address of the storefront's slug", () => {
    expect(demo.owners.map((o) => o.id)).toEqual(demo.storefronts.map((s) => s.ownerId));
    expect(demo.projections.map((p) => p.ownerId)).toEqual(demo.storefronts.map((s) => s.ownerId));
    expect(demo.owners.map((o) => o.email)).toEqual(demo.storefronts.map((s) => `owner@${s.slug}.example`));
    expect(new Set(demo.owners.map((o) => o.id)).size).toBe(demo.owners.length);
  });

  it("stocks every variant with 0 to 60 units, a few sold out", () => {
    const stock = products.flatMap((p) => p.variants.map((v) => v.stock));
    for (const units of stock)
      expect(Number.isInteger(units) && (units ?? -1) >= 0 && (units ?? 61) <= 60).toBe(true);
    const soldOut = stock.filter((units) => units === 0).length / stock.length;
    expect(soldOut).toBeGreaterThan(0.01);
    expect(soldOut).toBeLessThan(0.12);
  });

  it("has 500+ products with variants across a category tree, every product in a leaf of it", () => {
    expect(products.length).toBeGreaterThanOrEqual(500);
    const byId = new Map(demo.categories.map((c) => [c.id, c]));
    const parents = new Set(demo.categories.map((c) => c.parentId));
    const depth = (id: string | null): number =>
      id === null ? 0 : 1 + depth(byId.get(id)?.parentId ?? null);
    for (const product of products) {
      expect(byId.has(product.categoryId)).toBe(true);
      expect(parents.has(product.categoryId)).toBe(false);
      expect(depth(product.categoryId)).toBe(3);
    }
    expect(new Set(products.map((p) => p.categoryId)).size).toBeGreaterThan(20);
    expect(products.reduce((sum, p) => sum + p.variants.length, 0)).toBeGreaterThan(products.length);
  });

  it("makes only variants the catalog accepts: declared options, unique combinations and SKUs, compare-at above price", () => {
    const skus = new Set<string>();
    for (const product of products) {
      expect(product.variants.length).toBeGreaterThan(0);
      const combos = new Set<string>();
      for (const variant of product.variants) {
        expect(Object.keys(variant.options).sort()).toEqual([...product.optionNames].sort());
        combos.add(JSON.stringify(product.optionNames.map((name) => variant.options[name])));
        const key = `${product.storefrontId}/${variant.sku}`;
        expect(skus.has(key), key).toBe(false);
        skus.add(key);
        expect(variant.priceMinor).toBeGreaterThan(0);
        expect(Number.isInteger(variant.priceMinor)).toBe(true);
        if (variant.compareAtMinor !== null)
          expect(variant.compareAtMinor).toBeGreaterThan(variant.priceMinor);
        expect(variant.currency).toBe("EUR");
      }
      expect(combos.size).toBe(product.variants.length);
    }
  });

  it("is the same marketplace every time, so sellers' and products' seeds agree and a re-run adds nothing", () => {
    const again = demoMarketplace(defaultDemoSize);
    expect(again.storefronts).toEqual(demo.storefronts);
    expect(again.categories).toEqual(demo.categories);
    expect([...again.products()]).toEqual(products);
    const ids = [...demo.storefronts.map((s) => s.id), ...products.map((p) => p.id)];
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("scales to a benchmark catalog with one storefront per 25 products", () => {
    const big = demoMarketplace({ products: 100_000 });
    expect(big.storefronts.length).toBe(4000);
    let count = 0;
    for (const _ of big.products()) count++;
    expect(count).toBe(100_000);
  });
});
