import { demoMediaId } from "@mercato/media";
import { seededRandom } from "@mercato/platform";
import type { SeedCategory, SeedProduct, SeedStorefrontProjection } from "@mercato/products";
import type { SeedStorefront } from "@mercato/sellers";
import { v7 as uuidv7 } from "uuid";
import { type City, cities } from "./cities.js";
import { type CategoryNode, type ProductKind, taxonomy } from "./taxonomy.js";

/** What the demo generator makes: storefronts (for sellers and for products' projection), categories and products. */
export interface DemoMarketplace {
  storefronts: SeedStorefront[];
  projections: SeedStorefrontProjection[];
  /** The seller account behind each storefront: `owner@<slug>.example`, verified. */
  owners: DemoOwner[];
  categories: SeedCategory[];
  /** The products, made lazily: a 100k catalog never sits in memory at once. */
  products(): Generator<SeedProduct>;
  productCount: number;
}

/** The seller who owns a demo storefront. */
export interface DemoOwner {
  id: string;
  email: string;
  createdAt: Date;
}

/** Size of a demo marketplace. */
export interface DemoSize {
  products: number;
  /** Default: one storefront per 25 products, at least one per city plus two. */
  storefronts?: number;
}

/** The catalog `npm start` seeds on an empty data folder. */
export const defaultDemoSize: DemoSize = { products: 520 };

/** Every id and timestamp derives from this instant, so two runs make the same marketplace. */
const epoch = Date.UTC(2026, 0, 1);
const day = 86_400_000;
/** Storefronts lie within this distance of their city's centre. */
const spreadKm = 8;

const shopWords: Readonly<Record<string, readonly string[]>> = {
  fashion: ["Leather", "Denim", "Knit", "Tailor", "Thread", "Cobbler"],
  "home-living": ["Pottery", "Linen", "Kiln", "Hearth", "Home", "Clay"],
  "food-drink": ["Roasters", "Pantry", "Tea", "Cacao", "Olive", "Larder"],
  electronics: ["Audio", "Sound", "Circuit", "Signal", "Gadget", "Wireless"],
  "sports-outdoors": ["Trail", "Cycle", "Summit", "Outdoor", "Basecamp", "Yoga"],
  "books-stationery": ["Paper", "Ink", "Quill", "Notebook", "Letter", "Press"],
  beauty: ["Apothecary", "Soap", "Botanica", "Bloom", "Skin", "Herb"],
};
const shopSuffixes = ["Works", "Studio", "Supply", "Collective", "House", "Atelier", "Goods", "Co."];
const streets: Readonly<Record<string, readonly string[]>> = {
  DE: ["Hauptstraße", "Bahnhofstraße", "Gartenstraße", "Schillerstraße", "Lindenallee"],
  AT: ["Hauptstraße", "Mariahilfer Straße", "Kirchengasse", "Neubaugasse"],
  FR: ["Rue de la République", "Rue Victor Hugo", "Boulevard Voltaire", "Rue du Marché"],
  BE: ["Rue Neuve", "Rue du Midi", "Avenue Louise", "Rue Haute"],
  ES: ["Calle Mayor", "Calle de Alcalá", "Carrer de Verdi", "Calle Real"],
  IT: ["Via Roma", "Via Garibaldi", "Corso Vittorio Emanuele", "Via Dante"],
  NL: ["Kerkstraat", "Prinsengracht", "Haarlemmerstraat", "Nieuwe Binnenweg"],
  PT: ["Rua Augusta", "Rua das Flores", "Rua de Santa Catarina", "Avenida da Liberdade"],
  IE: ["Main Street", "Camden Street", "Capel Street", "Dame Street"],
  FI: ["Mannerheimintie", "Fredrikinkatu", "Aleksanterinkatu", "Bulevardi"],
  GR: ["Odos Ermou", "Odos Athinas", "Odos Pratinou", "Odos Skoufa"],
};

/** Deterministic UUIDv7s: the time part from `msecs`, the rest from the generator. */
function idMaker(next: () => number): (msecs: number) => string {
  return (msecs) => {
    const bytes = new Uint8Array(16);
    for (let i = 0; i < 16; i++) bytes[i] = Math.floor(next() * 256);
    return uuidv7({ msecs, random: bytes });
  };
}

function pick<T>(next: () => number, items: readonly T[]): T {
  return items[Math.floor(next() * items.length)] as T;
}

function slugify(text: string): string {
  return text
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "");
}

/** A point `spreadKm` or less from the city centre, uniform over the disc. */
function near(next: () => number, city: City): { lat: number; lng: number } {
  const distance = Math.sqrt(next()) * spreadKm;
  const bearing = next() * 2 * Math.PI;
  const lat = city.lat + (distance * Math.cos(bearing)) / 111.32;
  const lng = city.lng + (distance * Math.sin(bearing)) / (111.32 * Math.cos((city.lat * Math.PI) / 180));
  return { lat: Math.round(lat * 1e6) / 1e6, lng: Math.round(lng * 1e6) / 1e6 };
}

interface Leaf {
  id: string;
  root: string;
  kind: ProductKind;
}

function flatten(
  nodes: readonly CategoryNode[],
  parentId: string | null,
  root: string | undefined,
  newId: (msecs: number) => string,
  out: { categories: SeedCategory[]; leaves: Leaf[] },
): void {
  nodes.forEach((node, position) => {
    const id = newId(epoch);
    out.categories.push({ id, parentId, name: node.name, slug: node.slug, position });
    const rootSlug = root ?? node.slug;
    if (node.kind) out.leaves.push({ id, root: rootSlug, kind: node.kind });
    if (node.children) flatten(node.children, id, rootSlug, newId, out);
  });
}

/** A price in cents as shops write it: x.99 below €10, x.90 above. */
function tidy(raw: number): number {
  return raw < 1000 ? Math.round(raw / 10) * 10 - 1 : Math.round(raw / 100) * 100 - 10;
}

function shopPrice(next: () => number, [low, high]: readonly [number, number]): number {
  return tidy(low + next() * (high - low));
}

/** Up to `limit` values of each option, combined; at least one value each. */
function combinations(
  next: () => number,
  options: Readonly<Record<string, readonly string[]>>,
): Record<string, string>[] {
  let combos: Record<string, string>[] = [{}];
  for (const [name, values] of Object.entries(options)) {
    const count = 1 + Math.floor(next() * Math.min(3, values.length));
    const start = Math.floor(next() * (values.length - count + 1));
    const chosen = values.slice(start, start + count);
    combos = combos.flatMap((combo) => chosen.map((value) => ({ ...combo, [name]: value })));
  }
  return combos;
}

/**
 * A believable marketplace: storefronts in real euro-area cities (a few kilometres around each
 * centre), a three-level category tree, and products with variants in every leaf category. The
 * same size always gives the same ids and data, so sellers' and products' seeds agree and a
 * re-run adds nothing.
 */
export function demoMarketplace(size: DemoSize = defaultDemoSize): DemoMarketplace {
  const next = seededRandom(0x6d657263); // "merc"
  const newId = idMaker(next);
  const tree = { categories: [] as SeedCategory[], leaves: [] as Leaf[] };
  flatten(taxonomy, null, undefined, newId, tree);

  const storefrontCount = size.storefronts ?? Math.max(cities.length + 2, Math.ceil(size.products / 25));
  const storefronts: SeedStorefront[] = [];
  const owners: DemoOwner[] = [];
  const projections: SeedStorefrontProjection[] = [];
  const focus: Leaf[][] = [];
  const slugs = new Set<string>();
  const roots = Object.keys(shopWords);
  for (let i = 0; i < storefrontCount; i++) {
    const city = cities[i % cities.length] as City;
    const root = roots[i % roots.length] as string;
    const baseName = `${city.name} ${pick(next, shopWords[root] ?? [])} ${pick(next, shopSuffixes)}`;
    let slug = slugify(baseName);
    for (let n = 2; slugs.has(slug); n++) slug = `${slugify(baseName)}-${n}`;
    slugs.add(slug);
    const name = slug === slugify(baseName) ? baseName : `${baseName} ${slug.split("-").at(-1)}`;
    const createdAt = epoch - Math.floor(next() * 700) * day;
    const id = newId(createdAt);
    const location = near(next, city);
    const leaves = tree.leaves.filter((leaf) => leaf.root === root);
    focus.push(leaves);
    const digits = String(Math.floor(next() * 10 ** city.postalLength)).padStart(city.postalLength, "0");
    const street = pick(next, streets[city.countryCode] ?? ["Main Street"]);
    const ownerId = newId(createdAt);
    owners.push({ id: ownerId, email: `owner@${slug}.example`, createdAt: new Date(createdAt) });
    storefronts.push({
      id,
      ownerId,
      name,
      slug,
      description: `${name} is an independent shop in ${city.name} for ${leaves.map((l) => l.kind.nouns[0]?.toLowerCase()).join(", ")} and more, made from ${leaves[0]?.kind.materials.join(", ")}.`,
      contactEmail: `hello@${slug}.example`,
      contactPhone: `${city.phonePrefix}${String(1_000_000 + Math.floor(next() * 8_999_999))}`,
      address: {
        line1: `${street} ${1 + Math.floor(next() * 180)}`,
        city: city.name,
        region: city.region,
        postalCode: city.postalPrefix + digits.slice(city.postalPrefix.length),
        countryCode: city.countryCode,
      },
      location,
      status: "active",
    });
    projections.push({
      id,
      ownerId,
      name,
      slug,
      status: "active",
      location,
      version: 1,
    });
  }

  function* products(): Generator<SeedProduct> {
    const productRandom = seededRandom(0x70726f64); // "prod"
    const productId = idMaker(productRandom);
    for (let i = 0; i < size.products; i++) {
      const storeIndex = i % storefrontCount;
      const store = storefronts[storeIndex] as SeedStorefront;
      const leaf = pick(productRandom, focus[storeIndex] ?? tree.leaves);
      const { kind } = leaf;
      const title = `${pick(productRandom, kind.adjectives)} ${pick(productRandom, kind.nouns)}`;
      const material = pick(productRandom, kind.materials);
      const publishedAt = new Date(epoch + 300 * day - Math.floor(productRandom() * 330 * day));
      const base = shopPrice(productRandom, kind.priceMinor);
      const onSale = productRandom() < 0.2;
      const optionNames = Object.keys(kind.options);
      const combos = combinations(productRandom, kind.options);
      const skuStem = `${store.slug.slice(0, 12).toUpperCase()}-${Math.floor(i / storefrontCount) + 1}`;
      const id = productId(publishedAt.getTime());
      yield {
        id,
        storefrontId: store.id,
        title,
        description: `${title} in ${material}, from ${store.name} in ${store.address.city}. Made in small batches and shipped from our own shop.`,
        categoryId: leaf.id,
        attributes: { material, origin: store.address.city },
        optionNames,
        // A generated picture (the media seed writes it under this id).
        mediaIds: [demoMediaId(id, "product")],
        status: "active",
        publishedAt,
        variants: combos.map((options, position) => {
          // Bigger sizes and amounts cost a little more.
          const step = optionNames.reduce(
            (sum, option) => sum + (kind.options[option]?.indexOf(options[option] ?? "") ?? 0),
            0,
          );
          const priceMinor = tidy(base + step * base * 0.08);
          const variantId = productId(publishedAt.getTime());
          return {
            id: variantId,
            sku: `${skuStem}-${position + 1}`,
            priceMinor,
            currency: "EUR",
            compareAtMinor: onSale ? Math.round((priceMinor * 1.25) / 100) * 100 : null,
            options,
            position,
            stock: demoStock(variantId),
          };
        }),
      };
    }
  }

  return {
    storefronts,
    projections,
    owners,
    categories: tree.categories,
    products,
    productCount: size.products,
  };
}

/**
 * Units on hand of a demo variant, from its id so that the product stream stays as it was: 0 to 60,
 * sold out for about one variant in twenty.
 */
export function demoStock(variantId: string): number {
  const draw = Number.parseInt(variantId.slice(-4), 16) % 100;
  return draw < 5 ? 0 : 1 + (draw % 60);
}
