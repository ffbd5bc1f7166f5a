import pg from "pg";

/** Reads PostgreSQL's text form of one value of a type. */
export type TypeParser = (text: string) => unknown;

const int8Oid = 20;
const int8ArrayOid = 1016;

/**
 * An int8 (bigint, count(*), sum of ints) as a number while a number holds it exactly, as a bigint
 * beyond ±2^53: nothing is rounded silently, and a schema column that may outgrow a number is
 * declared `mode: "bigint"`.
 */
export function parseInt8(text: string): number | bigint {
  const value = Number(text);
  return Number.isSafeInteger(value) ? value : BigInt(text);
}

/** pg's process-wide default parser of a type oid in a format (text unless told). */
function defaultParser(oid: number, format = "text"): (text: string) => unknown {
  return (pg.types.getTypeParser as (oid: number, format: string) => (text: string) => unknown)(oid, format);
}

function parseInt8Array(text: string): unknown {
  const each = (value: unknown): unknown =>
    Array.isArray(value) ? value.map(each) : value === null ? null : parseInt8(String(value));
  return each(defaultParser(int8ArrayOid)(text));
}

/**
 * How both adapters of Database read the PostgreSQL types whose defaults differ between `pg` and
 * PGlite (int8 and int8[]), by type oid, so embedded and real PostgreSQL return the same JS types.
 * The rest already read the same under Drizzle on both: int2/int4/float → number, numeric → string
 * (exact), bool, json/jsonb parsed, text and uuid as strings; timestamps, dates and intervals as
 * PostgreSQL's text, which the schema's columns map (a timestamptz column to a Date) when a query
 * selects them through the query builder.
 */
export const typeParsers: Readonly<Record<number, TypeParser>> = {
  [int8Oid]: parseInt8,
  [int8ArrayOid]: parseInt8Array,
};

interface TypeSource {
  getTypeParser(oid: number, format?: string): unknown;
}

/**
 * A query config whose parsers are the platform's wherever the caller kept pg's default: Drizzle
 * passes its own `types` on every statement, falling back to pg's process-wide defaults.
 */
function withTypeParsers(config: unknown): unknown {
  if (config === null || typeof config !== "object" || "submit" in config) return config;
  const given = (config as { types?: TypeSource }).types;
  const getTypeParser = (oid: number, format = "text"): unknown => {
    const theirs = given?.getTypeParser(oid, format);
    const platform = format === "text" ? typeParsers[oid] : undefined;
    if (!platform) return theirs ?? defaultParser(oid, format);
    return theirs === undefined || theirs === defaultParser(oid) ? platform : theirs;
  };
  return { ...config, types: { getTypeParser } };
}

/** A `pg` client that reads values with `typeParsers`, for pools: `new pg.Pool({ Client: TypedPgClient })`. */
export class TypedPgClient extends pg.Client {}

const plainQuery = pg.Client.prototype.query as (...args: unknown[]) => unknown;
TypedPgClient.prototype.query = function query(this: pg.Client, config: unknown, ...rest: unknown[]) {
  return plainQuery.call(
    this,
    withTypeParsers(typeof config === "string" ? { text: config } : config),
    ...rest,
  );
} as pg.Client["query"];
