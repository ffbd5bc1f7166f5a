import type { Money } from "@mercato/contracts/mercato/common/v1/common_pb";
import { Conflict, type FieldViolation, InvalidArgument } from "@mercato/platform";

/** Most variants one product may have. */
export const maxVariantsPerProduct = 100;

/** A variant's checked values: price and compare-at price in minor units of one currency. */
export interface VariantValues {
  sku: string;
  priceMinor: number;
  currency: string;
  /** Null when the variant has no compare-at price. */
  compareAtMinor: number | null;
  options: Record<string, string>;
}

/** A variant as a request writes it (VariantInput, or the fields an update sets). */
export interface VariantInputLike {
  sku: string;
  price?: Money | undefined;
  compareAtPrice?: Money | undefined;
  options: { [key: string]: string };
}

/** Collects the violations of one request and throws them together. */
export class Violations {
  private readonly list: FieldViolation[] = [];

  add(field: string, message: string): void {
    this.list.push({ field, message });
  }

  /** Throws an InvalidArgument naming every collected field, when there is one. */
  throwIfAny(): void {
    const [first] = this.list;
    if (first) {
      throw new InvalidArgument(this.list.map((v) => `${v.field}: ${v.message}`).join("; "), this.list);
    }
  }
}

/**
 * The largest price a seller may set, in minor units (100,000,000.00 in a currency of cents): with
 * at most 1,000 units a cart line and 100 lines, no line, order or checkout total can pass 10^15,
 * far inside 2^53 - 1 (ADR 0021).
 */
export const maxPriceMinor = 10_000_000_000;

/** A price in minor units as a number: 0 to `maxPriceMinor`. */
export function minorUnits(amount: bigint, field: string, violations: Violations): number {
  if (amount < 0n) violations.add(field, "must be 0 or more");
  else if (amount > BigInt(maxPriceMinor)) violations.add(field, `must be at most ${maxPriceMinor}`);
  else return Number(amount);
  return 0;
}

/** The product's option values of a variant, trimmed: exactly one non-blank value for each option name. */
export function checkOptions(
  options: { [key: string]: string },
  optionNames: readonly string[],
  field: string,
  violations: Violations,
): Record<string, string> {
  const checked: Record<string, string> = {};
  for (const name of optionNames) {
    const value = options[name]?.trim();
    if (value === undefined) violations.add(field, `needs a value for the option "${name}"`);
    else if (value === "") violations.add(`${field}[${name}]`, "must not be blank");
    else checked[name] = value;
  }
  for (const key of Object.keys(options)) {
    if (!optionNames.includes(key)) {
      violations.add(
        `${field}[${key}]`,
        optionNames.length === 0
          ? "the product declares no options"
          : `is not an option of the product (${optionNames.join(", ")})`,
      );
    }
  }
  return checked;
}

/** Checks that a compare-at price exceeds the price, in the same currency. */
export function checkCompareAt(values: VariantValues, field: string, violations: Violations): void {
  if (values.compareAtMinor !== null && values.compareAtMinor <= values.priceMinor) {
    violations.add(field, "must be greater than the price");
  }
}

/**
 * The values of a new variant checked against the product's option names; `prefix` is the
 * request path of the input (`variant.`, `variants[2].`). Throws InvalidArgument naming each field.
 */
export function variantFromInput(
  input: VariantInputLike,
  optionNames: readonly string[],
  prefix: string,
): VariantValues {
  const violations = new Violations();
  const values = variantValuesOf(input, optionNames, prefix, violations);
  violations.throwIfAny();
  return values;
}

function variantValuesOf(
  input: VariantInputLike,
  optionNames: readonly string[],
  prefix: string,
  violations: Violations,
): VariantValues {
  if (!input.price) violations.add(`${prefix}price`, "is required");
  const currency = input.price?.currency ?? "";
  const priceMinor = minorUnits(input.price?.amountMinor ?? 0n, `${prefix}price.amount_minor`, violations);
  let compareAtMinor: number | null = null;
  if (input.compareAtPrice) {
    compareAtMinor = minorUnits(
      input.compareAtPrice.amountMinor,
      `${prefix}compare_at_price.amount_minor`,
      violations,
    );
    if (input.compareAtPrice.currency !== currency) {
      violations.add(`${prefix}compare_at_price.currency`, `must be ${currency}, the price's currency`);
    }
  }
  const options = checkOptions(input.options, optionNames, `${prefix}options`, violations);
  const values = { sku: input.sku, priceMinor, currency, compareAtMinor, options };
  checkCompareAt(values, `${prefix}compare_at_price`, violations);
  return values;
}

/**
 * The first variants of a new product: each valid, all in one currency, no SKU and no combination
 * of option values twice (Conflict naming `sku` or `options`).
 */
export function variantsFromInputs(
  inputs: readonly VariantInputLike[],
  optionNames: readonly string[],
): VariantValues[] {
  const violations = new Violations();
  const list = inputs.map((input, i) => variantValuesOf(input, optionNames, `variants[${i}].`, violations));
  const currency = list[0]?.currency;
  list.forEach((values, i) => {
    if (values.currency !== currency) {
      violations.add(`variants[${i}].price.currency`, `must be ${currency}: a product sells in one currency`);
    }
  });
  violations.throwIfAny();
  const skus = new Set<string>();
  const combinations = new Set<string>();
  list.forEach((values, i) => {
    if (skus.has(values.sku)) throw new Conflict(`variants[${i}].sku: ${values.sku} appears twice`);
    skus.add(values.sku);
    const key = optionsKey(values.options);
    if (combinations.has(key)) {
      throw new Conflict(`variants[${i}].options: ${describeOptions(values.options)} appears twice`);
    }
    combinations.add(key);
  });
  return list;
}

/** A canonical text of an options map, equal for equal maps whatever their key order. */
export function optionsKey(options: Record<string, string>): string {
  return JSON.stringify(Object.entries(options).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** An options map as people read it: `size=M, color=red` (or `no options`). */
export function describeOptions(options: Record<string, string>): string {
  const entries = Object.entries(options);
  return entries.length === 0 ? "no options" : entries.map(([k, v]) => `${k}=${v}`).join(", ");
}
