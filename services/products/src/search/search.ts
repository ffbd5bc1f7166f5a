import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { MoneySchema } from "@mercato/contracts/mercato/common/v1/common_pb";
import {
  type ProductHit,
  ProductHitSchema,
  type SearchProductsRequest,
  type SearchProductsResponse,
  SearchProductsResponseSchema,
  SearchSort,
} from "@mercato/contracts/mercato/products/v1/products_pb";
import { type Database, InvalidArgument, rowsOf, textArray } from "@mercato/platform";
import { type SQL, sql } from "drizzle-orm";
import { validate as isUuid } from "uuid";
import { decodeSearchCursor, encodeSearchCursor, filterFingerprint } from "./cursor.js";
import { correctWords, KnownWords, queryWords } from "./query-words.js";

/** Page size when the request asks for none. */
const defaultLimit = 20;
const maxLimit = 100;
const maxRadiusMeters = 20_000_000;

interface HitRow {
  product_id: string;
  storefront_id: string;
  storefront_name: string;
  title: string;
  category_id: string;
  media_id: string | null;
  currency: string;
  min_price_minor: string | number;
  max_price_minor: string | number;
  compare_at_minor: string | number | null;
  in_stock: boolean;
  published_at: string;
  relevance: number | string;
  distance: number | string | null;
}

/** How each sort orders hits and resumes after a cursor. */
interface SortPlan {
  /** Kind of key its cursor carries. */
  key: "number" | "integer" | "time";
  /** The key's SQL expression. */
  expression: SQL;
  /** Its value in a hit row, as the cursor stores it. */
  value(row: HitRow): number | string;
  /** The key as SQL of the right type, from a cursor. */
  literal(key: number | string): SQL;
  descending: boolean;
}

function fail(field: string, message: string): never {
  throw InvalidArgument.field(field, message);
}

/** The request's filters, checked (the RPC boundary validates too; direct callers get the same errors). */
function checkRequest(request: SearchProductsRequest): void {
  if (request.query.length > 200) fail("query", "must be at most 200 characters");
  if (request.categoryId && !isUuid(request.categoryId)) fail("category_id", "must be a UUID");
  if (request.storefrontId && !isUuid(request.storefrontId)) fail("storefront_id", "must be a UUID");
  if (request.currency && !/^[A-Z]{3}$/.test(request.currency))
    fail("currency", "must be an ISO 4217 code like EUR");
  if (request.minPrice !== undefined && request.minPrice < 0n) fail("min_price", "must be 0 or more");
  if (request.maxPrice !== undefined && request.maxPrice < 0n) fail("max_price", "must be 0 or more");
  if (request.minPrice !== undefined && request.maxPrice !== undefined && request.minPrice > request.maxPrice)
    fail("max_price", "must not be below min_price");
  if (request.limit < 0 || request.limit > maxLimit) fail("limit", `must be between 0 and ${maxLimit}`);
  if (request.options.length > 10) fail("options", "must have at most 10 entries");
  request.options.forEach((option, i) => {
    if (option.name.length < 1 || option.name.length > 40)
      fail(`options[${i}].name`, "must be 1 to 40 characters");
    if (option.value.length < 1 || option.value.length > 60)
      fail(`options[${i}].value`, "must be 1 to 60 characters");
  });
  const near = request.near;
  if (near) {
    const point = near.point;
    if (!point) fail("near.point", "is required");
    if (!(point.latitude >= -90 && point.latitude <= 90))
      fail("near.point.latitude", "must be between -90 and 90");
    if (!(point.longitude >= -180 && point.longitude <= 180))
      fail("near.point.longitude", "must be between -180 and 180");
    if (!(near.radiusMeters > 0 && near.radiusMeters <= maxRadiusMeters))
      fail("near.radius_meters", "must be more than 0 and at most 20,000,000");
  }
}

function resolveSort(request: SearchProductsRequest, hasQuery: boolean): SearchSort {
  const sort = request.sort;
  if (sort === SearchSort.UNSPECIFIED)
    return hasQuery ? SearchSort.RELEVANCE : request.near ? SearchSort.DISTANCE : SearchSort.NEWEST;
  if (sort === SearchSort.DISTANCE && !request.near) fail("sort", "DISTANCE needs near");
  if (sort === SearchSort.RELEVANCE && !hasQuery) fail("sort", "RELEVANCE needs a query");
  if (!(sort in SearchSort)) fail("sort", "is not a known sort");
  return sort;
}

/** One cache of lexicon words per database, so that two catalogs in one process never share one. */
const knownWordsByDatabase = new WeakMap<Database, KnownWords>();

function knownWordsOf(database: Database): KnownWords {
  let known = knownWordsByDatabase.get(database);
  if (!known) {
    known = new KnownWords();
    knownWordsByDatabase.set(database, known);
  }
  return known;
}

const toNumber = (value: number | string) => (typeof value === "number" ? value : Number(value));

/**
 * Finds visible products (active product, active storefront, no archived category on its path)
 * in the search projection: every filter of the request, the requested or default sort, keyset
 * pages. A query word no visible product contains is replaced by the closest indexed word and the
 * response says so in `corrected_query`. `caller` is accepted for symmetry with the other reads;
 * every caller sees the same, buyer-visible results.
 */
export async function searchProducts(
  database: Database,
  request: SearchProductsRequest,
  _caller?: unknown,
): Promise<SearchProductsResponse> {
  checkRequest(request);
  const typed = queryWords(request.query);
  const sort = resolveSort(request, typed.length > 0);
  const limit = request.limit === 0 ? defaultLimit : request.limit;
  const options = request.options.map((o) => ({ name: o.name.toLowerCase(), value: o.value.toLowerCase() }));
  const near = request.near;
  const fingerprint = filterFingerprint([
    typed,
    request.categoryId.toLowerCase(),
    request.minPrice?.toString() ?? null,
    request.maxPrice?.toString() ?? null,
    request.currency,
    request.storefrontId.toLowerCase(),
    options.map((o) => `${o.name}=${o.value}`).sort(),
    request.inStock,
    near?.point ? [near.point.latitude, near.point.longitude, near.radiusMeters] : null,
  ]);

  const db = database.db;
  const { words, corrected } = await correctWords(db, typed, knownWordsOf(database));
  const tsquery = words.length > 0 ? sql`plainto_tsquery('simple', ${words.join(" ")})` : undefined;
  const point = near?.point
    ? sql`ST_SetSRID(ST_MakePoint(${near.point.longitude}, ${near.point.latitude}), 4326)::geography`
    : undefined;

  const where: SQL[] = [sql`d.visible`];
  if (tsquery) where.push(sql`d.search_text @@ ${tsquery}`);
  // On the sphere (as the great-circle figure buyers expect), which is also cheaper than the spheroid.
  if (point && near) where.push(sql`ST_DWithin(d.location, ${point}, ${near.radiusMeters}, false)`);
  if (request.categoryId)
    where.push(sql`d.category_path @> ${`{${request.categoryId.toLowerCase()}}`}::uuid[]`);
  if (request.storefrontId) where.push(sql`d.storefront_id = ${request.storefrontId.toLowerCase()}`);
  if (request.currency) where.push(sql`d.currency = ${request.currency}`);
  if (request.minPrice !== undefined) where.push(sql`d.max_price_minor >= ${request.minPrice.toString()}`);
  if (request.maxPrice !== undefined) where.push(sql`d.min_price_minor <= ${request.maxPrice.toString()}`);
  if (request.inStock) where.push(sql`d.in_stock`);
  if (options.length > 0) {
    // The array finds candidates through its GIN index; the JSON check makes sure one variant has them all.
    where.push(sql`d.option_pairs @> ${textArray(options.map((o) => `${o.name}=${o.value}`))}::text[]`);
    const wanted = JSON.stringify(Object.fromEntries(options.map((o) => [o.name, o.value])));
    where.push(
      sql`exists (select 1 from jsonb_array_elements(d.variant_options) v where v @> ${wanted}::jsonb)`,
    );
  }

  const relevance = tsquery ? sql`ts_rank(d.search_text, ${tsquery})::float8` : sql`0::float8`;
  // The KNN operator, so that DISTANCE pages walk the GiST index nearest first; the same
  // expression orders, resumes after a cursor and is reported.
  const distance = point ? sql`(d.location <-> ${point})` : sql`null::float8`;
  const plan = sortPlan(sort, relevance, distance);

  if (request.cursor) {
    const cursor = decodeSearchCursor(request.cursor, { sort, filters: fingerprint, key: plan.key });
    const key = plan.literal(cursor.key);
    where.push(
      plan.descending
        ? sql`(${plan.expression}, d.product_id) < (${key}, ${cursor.id}::uuid)`
        : sql`(${plan.expression}, d.product_id) > (${key}, ${cursor.id}::uuid)`,
    );
  }
  const direction = plan.descending ? sql.raw("desc") : sql.raw("asc");

  const rows = rowsOf<HitRow>(
    await db.execute(sql`
      select d.product_id, d.storefront_id, d.storefront_name, d.title, d.category_id, d.media_id,
        d.currency, d.min_price_minor, d.max_price_minor, d.compare_at_minor, d.in_stock,
        to_char(d.published_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as published_at,
        ${relevance} as relevance, ${distance} as distance
      from products.search_documents d
      where ${sql.join(where, sql` and `)}
      order by ${plan.expression} ${direction}, d.product_id ${direction}
      limit ${limit + 1}`),
  );

  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return create(SearchProductsResponseSchema, {
    hits: page.map((row) => toHit(row, point !== undefined)),
    nextCursor:
      rows.length > limit && last
        ? encodeSearchCursor({ sort, filters: fingerprint, key: plan.value(last), id: last.product_id })
        : "",
    correctedQuery: corrected ? words.join(" ") : "",
  });
}

function sortPlan(sort: SearchSort, relevance: SQL, distance: SQL): SortPlan {
  switch (sort) {
    case SearchSort.RELEVANCE:
      return {
        key: "number",
        expression: relevance,
        value: (row) => toNumber(row.relevance),
        literal: (key) => sql`${key}::float8`,
        descending: true,
      };
    case SearchSort.DISTANCE:
      return {
        key: "number",
        expression: distance,
        value: (row) => toNumber(row.distance ?? 0),
        literal: (key) => sql`${key}::float8`,
        descending: false,
      };
    case SearchSort.PRICE_ASC:
    case SearchSort.PRICE_DESC:
      return {
        key: "integer",
        expression: sql`d.min_price_minor`,
        value: (row) => String(row.min_price_minor),
        literal: (key) => sql`${key}::bigint`,
        descending: sort === SearchSort.PRICE_DESC,
      };
    default:
      return {
        key: "time",
        expression: sql`d.published_at`,
        value: (row) => row.published_at,
        literal: (key) => sql`${key}::timestamptz`,
        descending: true,
      };
  }
}

function money(amount: string | number, currency: string) {
  return create(MoneySchema, { amountMinor: BigInt(amount), currency });
}

function toHit(row: HitRow, withDistance: boolean): ProductHit {
  return create(ProductHitSchema, {
    productId: row.product_id,
    storefrontId: row.storefront_id,
    storefrontName: row.storefront_name,
    title: row.title,
    categoryId: row.category_id,
    mediaId: row.media_id ?? "",
    minPrice: money(row.min_price_minor, row.currency),
    maxPrice: money(row.max_price_minor, row.currency),
    ...(row.compare_at_minor !== null ? { compareAtPrice: money(row.compare_at_minor, row.currency) } : {}),
    inStock: row.in_stock,
    ...(withDistance && row.distance !== null ? { distanceMeters: toNumber(row.distance) } : {}),
    relevance: toNumber(row.relevance),
    publishedAt: timestampFromDate(new Date(row.published_at)),
  });
}
