import type { PGlite } from "@electric-sql/pglite";
import { type ExtractTablesWithRelations, type SQL, sql } from "drizzle-orm";
import { drizzle as drizzlePg } from "drizzle-orm/node-postgres";
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from "drizzle-orm/pg-core";
import pg from "pg";
import { validate as isUuid } from "uuid";
import { inSpan, isTracing, SpanKind } from "../telemetry/tracing.js";
import { runTransaction } from "./transaction-hooks.js";
import { TypedPgClient, typeParsers } from "./type-parsers.js";

/** A Drizzle handle on PostgreSQL, the same type whether PGlite or `pg` is underneath. */
export type Db = PgDatabase<PgQueryResultHKT>;

/** A Drizzle transaction handle. */
export type Tx = PgTransaction<
  PgQueryResultHKT,
  Record<string, never>,
  ExtractTablesWithRelations<Record<string, never>>
>;

/** Something that runs queries: the database itself or an open transaction. */
export type Executor = Db | Tx;

/** One service's view of PostgreSQL: its own schema, a Drizzle handle, and lifecycle. */
export interface Database {
  /** The PostgreSQL schema that holds every table of the service. */
  readonly schema: string;
  /** `pglite` (embedded, in-process) or `postgres` (a real server). */
  readonly kind: "pglite" | "postgres";
  readonly db: Db;
  /** Runs `fn` in one transaction; commits when it resolves, rolls back when it throws. */
  transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T>;
  /** Resolves when the database answers a trivial query. */
  ping(): Promise<void>;
  /** Releases what this handle owns (a pool; nothing for a shared PGlite). */
  close(): Promise<void>;
}

const schemaPattern = /^[a-z_][a-z0-9_]{0,62}$/;

/** Quotes a schema name after checking it is a plain lower-case identifier. */
export function quoteSchema(schema: string): string {
  if (!schemaPattern.test(schema)) throw new Error(`invalid schema name ${JSON.stringify(schema)}`);
  return `"${schema}"`;
}

function wrap(kind: Database["kind"], schema: string, db: Db, close: () => Promise<void>): Database {
  quoteSchema(schema);
  return {
    schema,
    kind,
    db,
    // While spans are recorded, one per transaction (ADR 0048): what a unit of work cost.
    transaction: <T>(fn: (tx: Tx) => Promise<T>) => {
      const run = () => runTransaction<Tx, T>((body) => db.transaction(body), fn);
      return isTracing()
        ? inSpan(
            schema,
            "db.transaction",
            SpanKind.CLIENT,
            { "db.system": "postgresql", "db.namespace": schema },
            run,
          )
        : run();
    },
    ping: async () => {
      await db.execute(sql`select 1`);
    },
    close,
  };
}

/** Options of PgliteHost.open; dataDir undefined = in memory. */
export interface PgliteOptions {
  dataDir?: string;
  /** Load PostGIS (needed by services that store geography); default true. */
  postgis?: boolean;
}

/** shared_buffers of the embedded PostgreSQL. */
export const embeddedSharedBuffers = "32MB";

/** One embedded PostgreSQL (PGlite) shared by every service of the embedded host, a schema each. */
export class PgliteHost {
  private constructor(
    readonly client: PGlite,
    private readonly orm: (client: PGlite) => Db,
  ) {}

  /** Opens (or creates) the data folder; the first open of a folder takes several seconds. */
  static async open(options: PgliteOptions = {}): Promise<PgliteHost> {
    // Loaded here rather than at the top: a service on a PostgreSQL server never needs PGlite,
    // and importing it cost every distributed process its JavaScript (issue 22).
    const [{ PGlite }, { pg_trgm }, { drizzle }, { slimPostgis }] = await Promise.all([
      import("@electric-sql/pglite"),
      import("@electric-sql/pglite/contrib/pg_trgm"),
      import("drizzle-orm/pglite"),
      import("./postgis-bundle.js"),
    ]);
    // pg_trgm is small and always loaded (catalog search uses it for typo tolerance).
    const extensions = options.postgis === false ? { pg_trgm } : { postgis: slimPostgis, pg_trgm };
    const client = await PGlite.create({
      ...(options.dataDir ? { dataDir: options.dataDir } : {}),
      extensions,
      parsers: typeParsers,
      // Buffers PostgreSQL touches stay resident in WebAssembly memory, which never shrinks; 128 MB
      // (the default) is more than a laptop's marketplace needs, and pages are read back from the
      // OS's file cache. See docs/adr/0014.
      startParams: [...PGlite.defaultStartParams, "-c", `shared_buffers=${embeddedSharedBuffers}`],
    });
    return new PgliteHost(client, (pglite) => drizzle(pglite) as unknown as Db);
  }

  /** A Database for one service's schema on the shared instance. */
  forService(schema: string): Database {
    return wrap("pglite", schema, this.orm(this.client), async () => {});
  }

  async close(): Promise<void> {
    if (!this.client.closed) await this.client.close();
  }
}

/** Options of openPostgres. */
export interface PostgresOptions {
  url: string;
  schema: string;
  /** Pool size; default 10. */
  maxConnections?: number;
}

/** A Database on a real PostgreSQL server through a `pg` pool. */
export function openPostgres(options: PostgresOptions): Database {
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.maxConnections ?? 10,
    Client: TypedPgClient,
  });
  // An idle client that loses its server must not crash the process; the next query reconnects.
  pool.on("error", () => {});
  return wrap("postgres", options.schema, drizzlePg(pool) as unknown as Db, () => pool.end());
}

/** Reads `rows` from the result of `db.execute`, which differs in shape between drivers only in name. */
export function rowsOf<T>(result: unknown): T[] {
  return ((result as { rows?: T[] }).rows ?? []) as T[];
}

/** A PostgreSQL text[] literal of any strings (each quoted, `"` and `\\` escaped), to bind as one parameter. */
export function textArray(values: readonly string[]): string {
  return `{${values.map((value) => `"${value.replace(/["\\]/g, "\\$&")}"`).join(",")}}`;
}

/** A PostgreSQL uuid[] literal to bind as one parameter; throws on anything that is not a UUID. */
export function uuidArray(ids: readonly string[]): string {
  for (const id of ids) if (!isUuid(id)) throw new Error(`not a UUID: ${JSON.stringify(id)}`);
  return `{${ids.join(",")}}`;
}

/** The UUIDs among `ids`, once each, as a uuid[] literal; undefined when there is none (any other id names no row). */
export function uuidsAmong(ids: readonly string[]): string | undefined {
  const wanted = [...new Set(ids.filter((id) => isUuid(id)))];
  return wanted.length > 0 ? uuidArray(wanted) : undefined;
}

/**
 * Rows passed as one JSON parameter and read back as a typed record set `r(columns)` (one bind
 * value per statement, however many rows): `insert into t select ... from ${jsonRecordset(rows, "id uuid, n int")}`.
 */
export function jsonRecordset(rows: readonly object[], columns: string): SQL {
  return sql`jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as r(${sql.raw(columns)})`;
}

/** `items` in slices of at most `size` (default 1000), for bulk statements of bounded size. */
export function* inChunks<T>(items: readonly T[], size = 1000): Generator<T[]> {
  for (let start = 0; start < items.length; start += size) yield items.slice(start, start + size);
}
