import { DomainError, FailedPrecondition, InvalidArgument, type PostalAddressParts } from "@mercato/platform";

/** Money in minor units of an ISO 4217 currency. */
export interface Money {
  amountMinor: number;
  currency: string;
}

/** A postal address as orders keep it: normalised by the platform's address rules. */
export type PostalAddress = PostalAddressParts;

/** A postal address with the person it is for. */
export interface ContactAddress {
  name: string;
  phone: string;
  address: PostalAddress;
}

/** Units of one variant to buy. */
export interface WantedLine {
  variantId: string;
  quantity: number;
}

/** What the catalog says of a variant at checkout: the authoritative price and what the order shows. */
export interface CatalogVariant {
  id: string;
  productId: string;
  storefrontId: string;
  title: string;
  sku: string;
  options: Record<string, string>;
  mediaId: string;
  price: Money;
  /** The product is active (buyers can see it). */
  active: boolean;
}

/** What the sellers service says of a storefront at checkout. */
export interface CatalogStorefront {
  id: string;
  ownerId: string;
  name: string;
  slug: string;
  address: PostalAddress;
  email: string;
  phone: string;
  /** Active storefronts sell; pending and suspended ones do not. */
  active: boolean;
}

/** One line of an order's snapshot. */
export interface SnapshotLine {
  variantId: string;
  productId: string;
  title: string;
  sku: string;
  options: Record<string, string>;
  mediaId: string;
  unitPrice: Money;
  quantity: number;
  lineTotal: Money;
}

/** What an order froze at checkout: lines, seller, addresses, totals. Written once, never changed. */
export interface OrderSnapshot {
  lines: SnapshotLine[];
  seller: Omit<CatalogStorefront, "ownerId" | "active" | "id"> & { storefrontId: string };
  shippingAddress: ContactAddress;
  billingAddress: ContactAddress;
  subtotal: Money;
  total: Money;
  note: string;
}

/** One order a checkout will create. */
export interface PlannedOrder {
  storefrontId: string;
  sellerOwnerId: string;
  snapshot: OrderSnapshot;
}

/** A line the catalog no longer sells, or sells in a way the checkout cannot take. */
export class LinesUnavailable extends DomainError {
  constructor(problems: readonly { line: number; message: string }[]) {
    super(
      "FAILED_PRECONDITION",
      `some lines cannot be bought: ${problems.map((p) => `lines[${p.line}] ${p.message}`).join("; ")}`,
      problems.map((p) => ({ field: `lines[${p.line}].variant_id`, message: p.message })),
    );
  }
}

/** Why a seller may not buy `storefront`'s goods: it owns it. Undefined for anybody else. */
export function ownGoodsRefusal(buyerId: string, storefront: CatalogStorefront): string | undefined {
  // Without a payment step, buying from oneself would turn stock into one's own balance.
  return storefront.ownerId === buyerId.toLowerCase()
    ? "is sold by your own storefront; a seller cannot buy its own products"
    : undefined;
}

/**
 * Splits the wanted lines into one order per storefront, priced from the catalog (never from the
 * client), each with the snapshot it keeps forever. Every line must be on sale from an active
 * storefront that is not the buyer's own, and one storefront's lines must share a currency.
 */
export function planOrders(input: {
  buyerId: string;
  lines: readonly WantedLine[];
  variants: ReadonlyMap<string, CatalogVariant>;
  storefronts: ReadonlyMap<string, CatalogStorefront>;
  shippingAddress: ContactAddress;
  billingAddress: ContactAddress;
  note: string;
}): PlannedOrder[] {
  const problems: { line: number; message: string }[] = [];
  const groups = new Map<string, { storefront: CatalogStorefront; lines: SnapshotLine[] }>();
  input.lines.forEach((line, i) => {
    const variant = input.variants.get(line.variantId);
    if (!variant?.active) {
      problems.push({ line: i, message: "is not for sale" });
      return;
    }
    const storefront = input.storefronts.get(variant.storefrontId);
    if (!storefront?.active) {
      problems.push({ line: i, message: "is sold by a storefront that is not open" });
      return;
    }
    const own = ownGoodsRefusal(input.buyerId, storefront);
    if (own) {
      problems.push({ line: i, message: own });
      return;
    }
    const lineTotal = multiply(variant.price, line.quantity, `lines[${i}].quantity`);
    const group = groups.get(storefront.id) ?? { storefront, lines: [] };
    const first = group.lines[0];
    if (first && first.unitPrice.currency !== variant.price.currency) {
      problems.push({
        line: i,
        message: `is priced in ${variant.price.currency} but other lines from ${storefront.name} in ${first.unitPrice.currency}; check them out separately`,
      });
      return;
    }
    group.lines.push({
      variantId: variant.id,
      productId: variant.productId,
      title: variant.title,
      sku: variant.sku,
      options: { ...variant.options },
      mediaId: variant.mediaId,
      unitPrice: { ...variant.price },
      quantity: line.quantity,
      lineTotal,
    });
    groups.set(storefront.id, group);
  });
  if (problems.length > 0) throw new LinesUnavailable(problems);

  return [...groups.values()].map(({ storefront, lines }) => {
    const currency = lines[0]?.unitPrice.currency ?? "";
    const subtotal = { amountMinor: sum(lines.map((l) => l.lineTotal.amountMinor)), currency };
    return {
      storefrontId: storefront.id,
      sellerOwnerId: storefront.ownerId,
      snapshot: {
        lines,
        seller: {
          storefrontId: storefront.id,
          name: storefront.name,
          slug: storefront.slug,
          address: { ...storefront.address },
          email: storefront.email,
          phone: storefront.phone,
        },
        shippingAddress: input.shippingAddress,
        billingAddress: input.billingAddress,
        subtotal,
        // No shipping fees or taxes yet: what the buyer pays is the sum of the lines.
        total: { ...subtotal },
        note: input.note,
      },
    };
  });
}

/** Sums of the orders' totals per currency, in order of first appearance. */
export function totalsByCurrency(orders: readonly { total: Money }[]): Money[] {
  const totals = new Map<string, number>();
  for (const { total } of orders)
    totals.set(total.currency, sum([totals.get(total.currency) ?? 0, total.amountMinor]));
  return [...totals].map(([currency, amountMinor]) => ({ amountMinor, currency }));
}

function multiply(price: Money, quantity: number, field: string): Money {
  const amountMinor = price.amountMinor * quantity;
  if (!Number.isSafeInteger(amountMinor))
    throw InvalidArgument.field(field, "makes the line total too large");
  return { amountMinor, currency: price.currency };
}

function sum(values: readonly number[]): number {
  const total = values.reduce((a, b) => a + b, 0);
  if (!Number.isSafeInteger(total)) throw new FailedPrecondition("the order total is too large");
  return total;
}
