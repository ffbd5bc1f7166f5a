import type { Money as MoneyMessage } from "@mercato/contracts/mercato/common/v1/common_pb";
import { DomainError, type FieldViolation, InvalidArgument } from "@mercato/platform/errors";
import { Type } from "typebox";

/** An empty string (the contract's "unset") as null. */
export const orNull = (value: string) => (value === "" ? null : value);

/** A snake_case name in camelCase. */
export const camel = (name: string) => name.replace(/_([a-z0-9])/g, (_, next: string) => next.toUpperCase());

/** The contract's GeoPoint says latitude/longitude; the gateway says lat/lng. */
const publicNames: Record<string, string> = { latitude: "lat", longitude: "lng" };

/**
 * Names a service field path (`variants[0].price.amount_minor`) as a client of the gateway sent
 * it: camelCase, GeoPoint parts as lat/lng, under `prefix` (`body`, `input`, none for GraphQL
 * arguments); `renames` maps whole service paths to the client's names (`cursor` → `after`).
 */
export function clientField(prefix: string | null, renames: Record<string, string> = {}) {
  return (field: string): string => {
    const renamed = renames[field];
    if (renamed !== undefined) return renamed;
    const path = field
      .split(".")
      .map((part) => publicNames[part] ?? camel(part))
      .join(".");
    return prefix ? `${prefix}.${path}` : path;
  };
}

/** Re-throws a service error with its field paths renamed for this API's client. */
export async function renamingFields<T>(call: Promise<T>, rename: (field: string) => string): Promise<T> {
  try {
    return await call;
  } catch (error) {
    if (!(error instanceof DomainError) || error.violations.length === 0) throw error;
    const violations: FieldViolation[] = error.violations.map((v) => ({
      field: rename(v.field),
      message: v.message,
    }));
    throw new DomainError(
      error.code,
      violations.map((v) => `${v.field}: ${v.message}`).join("; "),
      violations,
    );
  }
}

/** Checks a GraphQL page size argument: 1 to 100, default 20. */
export function pageSize(first: number | null | undefined, field = "first"): number {
  if (first === null || first === undefined) return 20;
  if (!Number.isInteger(first) || first < 1 || first > 100) {
    throw InvalidArgument.field(field, "must be between 1 and 100");
  }
  return first;
}

/** A Relay connection of one page: the services issue one cursor per page, carried by its last edge. */
export function connection<T, E extends object = object>(
  nodes: readonly T[],
  nextCursor: string,
  extra: (node: T) => E = () => ({}) as E,
) {
  const endCursor = orNull(nextCursor);
  return {
    edges: nodes.map((node, index) => ({
      cursor: index === nodes.length - 1 ? endCursor : null,
      node,
      ...extra(node),
    })),
    pageInfo: { hasNextPage: endCursor !== null, endCursor },
  };
}

/**
 * A proto int64 for a JSON answer: a number within ±(2^53-1), beyond it the bigint itself, which
 * the REST serializer writes as its exact digits (GraphQL money goes through `amountMinorJson`).
 * Never throws: a stored figure the bounds came too late for must still read (ADR 0021).
 */
export function jsonInteger(value: bigint): number | bigint {
  return value > maxSafe || value < -maxSafe ? value : Number(value);
}

const maxSafe = BigInt(Number.MAX_SAFE_INTEGER);

/**
 * The largest price a seller may set, in minor units (100,000,000.00 in a currency of cents). With
 * at most 1,000 units a line and 100 lines a cart, no line, cart, order or checkout total can
 * pass 10^15, far inside 2^53 (ADR 0021).
 */
export const maxPriceMinor = 10_000_000_000;

/**
 * Checks an amount of minor units a client sent: a whole number from 0 to `max` (by default
 * 2^53-1), named by `field`.
 */
export function minorUnits(value: unknown, field: string, max = Number.MAX_SAFE_INTEGER): bigint {
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 0 || value > max) {
    throw InvalidArgument.field(field, `must be a whole number of minor units from 0 to ${max}`);
  }
  return BigInt(value);
}

/** Money as clients send it. */
export interface MoneyInput {
  amountMinor: number;
  currency: string;
}

/** Checks a price a client sent (0 to `maxPriceMinor`) and turns it into the contract's Money (currency upper-cased). */
export function moneyRequest(input: MoneyInput, field: string): { amountMinor: bigint; currency: string } {
  return {
    amountMinor: minorUnits(input.amountMinor, `${field}.amountMinor`, maxPriceMinor),
    currency: String(input.currency ?? "")
      .trim()
      .toUpperCase(),
  };
}

const fractionDigits = new Map<string, number>();

function digitsOf(currency: string): number {
  let digits = fractionDigits.get(currency);
  if (digits === undefined) {
    try {
      digits =
        new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions()
          .maximumFractionDigits ?? 2;
    } catch {
      digits = 2;
    }
    fractionDigits.set(currency, digits);
  }
  return digits;
}

/** Formats minor units for display (`€12.50`, `¥1,200`) without going through a float. */
export function formatMoney(amountMinor: bigint, currency: string): string {
  const digits = digitsOf(currency);
  const negative = amountMinor < 0n;
  const text = (negative ? -amountMinor : amountMinor).toString().padStart(digits + 1, "0");
  const decimal = digits === 0 ? text : `${text.slice(0, -digits)}.${text.slice(-digits)}`;
  const format = currencyFormat(currency);
  return format
    ? format.format(`${negative ? "-" : ""}${decimal}` as unknown as number)
    : `${negative ? "-" : ""}${decimal} ${currency}`;
}

// Building an Intl.NumberFormat costs far more than formatting with one (≈40 µs against 1 µs);
// a search page formats dozens of prices, so each currency's formatter is made once.
const currencyFormats = new Map<string, Intl.NumberFormat | null>();

function currencyFormat(currency: string): Intl.NumberFormat | null {
  let format = currencyFormats.get(currency);
  if (format === undefined) {
    try {
      format = new Intl.NumberFormat("en", { style: "currency", currency });
    } catch {
      format = null;
    }
    // Currency codes are checked before they get here; the bound keeps odd input from growing it.
    if (currencyFormats.size < 1000) currencyFormats.set(currency, format);
  }
  return format;
}

/** Money as clients see it; null when absent. */
export function moneyJson(money: MoneyMessage | undefined) {
  if (!money) return null;
  return {
    amountMinor: jsonInteger(money.amountMinor),
    currency: money.currency,
    formatted: formatMoney(money.amountMinor, money.currency),
  };
}

// JSON.rawJSON (Node 21+) is not in TypeScript's lib yet.
const rawJson = (JSON as unknown as { rawJSON(text: string): unknown }).rawJSON;

/**
 * GraphQL resolvers of the shared types: an amount beyond 2^53-1 (a bigint from `moneyJson`) goes
 * out as its exact digits, a JSON number, where JSON.stringify would throw on the bigint.
 */
export const catalogCommonResolvers = {
  Money: {
    amountMinor: (money: { amountMinor: number | bigint }) =>
      typeof money.amountMinor === "bigint" ? rawJson(money.amountMinor.toString()) : money.amountMinor,
  },
};

/** A circle a client asks for: centre and radius in metres or kilometres (default 50 km). */
export interface NearInput {
  lat: number;
  lng: number;
  radiusKm?: number | null;
  radiusMeters?: number | null;
}

/** Radius of a `near` search that names none, in metres. */
export const defaultRadiusMeters = 50_000;
const maxRadiusMeters = 20_000_000;

/** Checks a circle and turns it into the contracts' Near; violations are named under `field`. */
export function nearRequest(near: NearInput, field: string) {
  const violations: FieldViolation[] = [];
  if (!(Number.isFinite(near.lat) && near.lat >= -90 && near.lat <= 90)) {
    violations.push({ field: `${field}.lat`, message: "must be a latitude from -90 to 90" });
  }
  if (!(Number.isFinite(near.lng) && near.lng >= -180 && near.lng <= 180)) {
    violations.push({ field: `${field}.lng`, message: "must be a longitude from -180 to 180" });
  }
  const hasKm = near.radiusKm !== null && near.radiusKm !== undefined;
  const hasMeters = near.radiusMeters !== null && near.radiusMeters !== undefined;
  if (hasKm && hasMeters) {
    violations.push({ field: `${field}.radiusKm`, message: "give radiusKm or radiusMeters, not both" });
  }
  const radius = hasKm
    ? Number(near.radiusKm) * 1000
    : hasMeters
      ? Number(near.radiusMeters)
      : defaultRadiusMeters;
  if (!(Number.isFinite(radius) && radius > 0 && radius <= maxRadiusMeters)) {
    violations.push({
      field: `${field}.${hasKm ? "radiusKm" : "radiusMeters"}`,
      message: "must be more than 0 and at most 20,000 km",
    });
  }
  if (violations.length > 0) {
    throw new InvalidArgument(violations.map((v) => `${v.field}: ${v.message}`).join("; "), violations);
  }
  return { point: { latitude: near.lat, longitude: near.lng }, radiusMeters: radius };
}

/**
 * How a GraphQL search near a point names the fields a service refused: a page's cursor and limit
 * as after and first, the circle's parts as the client's `near` input has them.
 */
export const nearArgNames = clientField(null, {
  cursor: "after",
  limit: "first",
  "near.radius_meters": "near.radiusMeters",
  "near.point.latitude": "near.lat",
  "near.point.longitude": "near.lng",
});

/**
 * Reads a REST `near=lat,lng` with `radius` in metres (default 50 km); a radius without a centre
 * is refused. Returns undefined when neither is given.
 */
export function nearQuery(near: string | undefined, radius: number | undefined) {
  if (near === undefined) {
    if (radius !== undefined) throw InvalidArgument.field("querystring.radius", "needs near=lat,lng");
    return undefined;
  }
  const [lat, lng] = near.split(",").map((part) => Number(part.trim()));
  return nearRequest(
    { lat: lat ?? Number.NaN, lng: lng ?? Number.NaN, radiusMeters: radius ?? null },
    "querystring.near",
  );
}

/**
 * The GraphQL SDL shared by the catalog domains (page info, points, circles, money): a domain whose
 * types use them lists this file among its `sdl` (the sellers domain does, once for all).
 */
export const catalogCommonSdl = new URL("./catalog-common.graphql", import.meta.url);

/** JSON schema of money in responses and requests, for routes and OpenAPI. */
export const moneySchema = {
  $id: "Money",
  type: "object",
  required: ["amountMinor", "currency", "formatted"],
  properties: {
    amountMinor: {
      type: "integer",
      format: "int64",
      description:
        "minor units (cents for EUR, yen for JPY); prices, lines and order totals stay within ±(2^53-1), a balance summed over many orders may not: its exact digits are sent, which a parser reading doubles rounds (formatted is always exact)",
    },
    currency: { type: "string", description: "ISO 4217, e.g. EUR" },
    formatted: { type: "string", description: "for display, e.g. €12.50" },
  },
} as const;

/**
 * JSON schema of money that may be absent: null or the shape of Money. A list of types rather
 * than an anyOf of Money and null: the serializer picks an anyOf branch by validating the value,
 * and no branch takes a bigint amount (one beyond 2^53-1), so the answer would fail.
 */
export const nullableMoneySchema = {
  ...moneySchema,
  $id: "NullableMoney",
  type: ["object", "null"],
} as const;

/** References to the money schemas, for route schemas (each module adds both schemas to its scope). */
export const moneyRef = { $ref: "Money#" } as const;
export const nullableMoneyRef = { $ref: "NullableMoney#" } as const;

/** Money as clients see it: what `moneyJson` answers when there is money. */
export type MoneyJson = NonNullable<ReturnType<typeof moneyJson>>;

/** TypeBox references to the money schemas, typed as the money they carry (each domain adds both schemas to its scope). */
export const Money = Type.Unsafe<MoneyJson>(moneyRef);
export const NullableMoney = Type.Unsafe<MoneyJson | null>(nullableMoneyRef);

/** JSON schema of money a client sends. */
export const moneyBody = {
  type: "object",
  required: ["amountMinor", "currency"],
  additionalProperties: false,
  properties: {
    amountMinor: {
      type: "integer",
      minimum: 0,
      maximum: maxPriceMinor,
      description: "minor units, at most 10,000,000,000 (100,000,000.00 in a currency of cents)",
    },
    currency: { type: "string", pattern: "^[A-Za-z]{3}$", description: "ISO 4217, e.g. EUR" },
  },
} as const;

/** JSON schema of a UUID. */
export const uuid = { type: "string", format: "uuid" } as const;

/** JSON schema of an ISO 8601 time. */
export const dateTime = { type: "string", format: "date-time" } as const;

/** JSON schema of a string of at most `maxLength` characters, or null. */
export const nullableString = (maxLength: number, extra: Record<string, unknown> = {}) => ({
  type: ["string", "null"],
  maxLength,
  ...extra,
});

/** JSON schema, named `id`, of a REST page: `items` of the schema `itemRef` and the cursor of the next page. */
export const pageSchema = (id: string, itemRef: string) =>
  ({
    $id: id,
    type: "object",
    required: ["items", "nextCursor"],
    properties: {
      items: { type: "array", items: { $ref: itemRef } },
      nextCursor: {
        type: ["string", "null"],
        description: "pass as cursor for the next page; null on the last",
      },
    },
  }) as const;

/** Route params naming one resource by id. */
export const idParams = {
  type: "object",
  required: ["id"],
  additionalProperties: false,
  properties: { id: uuid },
} as const;

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A REST `:idOrSlug` as the contracts' id-or-slug oneof: a UUID is an id, anything else a slug. */
export function idOrSlug(value: string) {
  return uuidPattern.test(value) ? { case: "id" as const, value } : { case: "slug" as const, value };
}

/** Names a refusal of a REST `:idOrSlug` key after that path parameter: the service says `id` or `slug`. */
export const idOrSlugField = clientField("params", { id: "params.idOrSlug", slug: "params.idOrSlug" });

/** GraphQL `id` or `slug` arguments as the contracts' oneof: exactly one is required. */
export function oneKey(args: { id?: string | null; slug?: string | null }) {
  const hasId = typeof args.id === "string" && args.id !== "";
  const hasSlug = typeof args.slug === "string" && args.slug !== "";
  if (hasId === hasSlug) throw InvalidArgument.field("id", "give either id or slug");
  return hasId
    ? { case: "id" as const, value: args.id as string }
    : { case: "slug" as const, value: args.slug as string };
}
