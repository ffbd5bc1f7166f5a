import { createHash } from "node:crypto";
import type { Placeholder } from "drizzle-orm";
import { is, SQL, sql } from "drizzle-orm";
import type { Db, Executor } from "./database.js";

/** The placeholders of a prepared statement, one per value it takes: `p.id` stands for `values.id`. */
export type Placeholders<V> = { [K in keyof V]: Placeholder<K & string, V[K]> };

/** What Drizzle's query builders give from `.prepare(name)`. */
interface PreparedQuery<R> {
  execute(values?: Record<string, unknown>): Promise<R>;
}

/** A query builder of Drizzle (select, insert, update, delete) that can be prepared. */
interface Preparable<R> {
  prepare(name: string): PreparedQuery<R>;
  toSQL(): { sql: string };
}

/** What Drizzle's session offers to prepare raw SQL as its query builders do (not in its types). */
interface RawPreparer {
  dialect: { sqlToQuery(query: SQL): { sql: string } };
  prepareQuery(
    query: { sql: string },
    fields: undefined,
    name: string,
    arrayMode: false,
  ): PreparedQuery<unknown>;
}

/** A statement built once, run on the database or on any of its open transactions. */
export interface Statement<V, R> {
  run(executor: Executor, values: V): Promise<R>;
}

/**
 * A hot statement as a Drizzle query with placeholders, built into SQL once per process instead of
 * on every call (Drizzle's builder costs more CPU than the round trip of a small statement; ADR 0037),
 * and prepared on the PostgreSQL server once per connection under a name derived from its text:
 *
 *     const byId = prepared(db, "orders.by_id", (db, p: Placeholders<{ id: string }>) =>
 *       db.select().from(orders).where(eq(orders.id, p.id)));
 *     const rows = await byId.run(tx, { id });
 *
 * `run` takes the database or one of its transactions: a prepared query of Drizzle belongs to the
 * connection it was prepared on, so on a transaction the same built statement is run on the
 * transaction's connection (the one place that reaches into Drizzle's prepared-query object; the
 * database contract tests prove it on pg and PGlite).
 */
export function prepared<V extends Record<string, unknown>, R>(
  db: Db,
  label: string,
  build: (db: Db, p: Placeholders<V>) => Preparable<R>,
): Statement<V, R>;
/**
 * The same, for a store that holds no database (it is handed a transaction): built on the first
 * database or transaction it runs on, and from then on run on whichever it is given.
 */
export function prepared<V extends Record<string, unknown>, R>(
  label: string,
  build: (db: Executor, p: Placeholders<V>) => Preparable<R>,
): Statement<V, R>;
/**
 * The same for raw SQL (`sql` with placeholders, for tables Drizzle has no definition of, such as
 * the event tables every schema gets); `run` gives the driver's result, for `rowsOf`.
 */
export function prepared<V extends Record<string, unknown>>(
  label: string,
  build: (db: Executor, p: Placeholders<V>) => SQL,
): Statement<V, unknown>;
export function prepared<V extends Record<string, unknown>, R>(
  ...args:
    | [Db, string, (db: Db, p: Placeholders<V>) => Preparable<R>]
    | [string, (db: Executor, p: Placeholders<V>) => Preparable<R> | SQL]
): Statement<V, R> {
  const [on, label, build] = args.length === 3 ? args : [undefined, ...args];
  // Built once per driver: a process (a test) may hold databases of pg and of PGlite, whose prepared
  // queries are objects of different classes. On a given database, once.
  // Without a database, the first executor may be a transaction: the statement is built on it but
  // keeps no reference to it (nor its hooks); every run binds the connection it is given.
  const statements = new Map<unknown, PreparedQuery<R>>();
  const built = (executor: Executor): PreparedQuery<R> => {
    const driver = on ? on : sessionOf(executor).constructor;
    const found = statements.get(driver);
    if (found) return found;
    const db = on ?? executor;
    const query = (build as (db: Executor, p: Placeholders<V>) => Preparable<R> | SQL)(
      db,
      placeholders as Placeholders<V>,
    );
    // One name per text: a process with two texts under one label (another schema) never collides.
    const named = (text: string) => `${label}.${createHash("sha1").update(text).digest("hex").slice(0, 12)}`;
    let statement: PreparedQuery<R>;
    if (is(query, SQL)) {
      const session = sessionOf(db) as unknown as RawPreparer;
      const raw = session.dialect.sqlToQuery(query);
      statement = session.prepareQuery(raw, undefined, named(raw.sql), false) as PreparedQuery<R>;
    } else statement = query.prepare(named(query.toSQL().sql));
    if (!(statement && typeof statement === "object" && "client" in statement))
      throw new Error(
        "drizzle-orm's prepared query has no client: prepared() needs updating for this version",
      );
    statements.set(driver, statement);
    return statement;
  };
  return {
    run: (executor, values) => {
      const statement = built(executor);
      if (executor === on) return statement.execute(values);
      const client = (sessionOf(executor) as { client?: unknown }).client;
      if (!client)
        throw new Error("drizzle-orm's session has no client: prepared() needs updating for this version");
      // The statement as built, on the connection of the database or transaction given.
      const onExecutor: PreparedQuery<R> = Object.create(statement, { client: { value: client } });
      return onExecutor.execute(values);
    },
  };
}

const sessionOf = (executor: Executor): object => executor._.session as unknown as object;

/** Hands out `sql.placeholder(name)` for whichever name is asked. */
const placeholders = new Proxy(
  {},
  { get: (_target, name) => (typeof name === "string" ? sql.placeholder(name) : undefined) },
);

/** The advisory lock of `lockForTransaction`, prepared once per process. */
const keyLock = prepared(
  "platform.advisory_xact_lock",
  (_db, p: Placeholders<{ key: string }>) => sql`select pg_advisory_xact_lock(hashtextextended(${p.key}, 0))`,
);

/**
 * Holds PostgreSQL's advisory lock of `key` (64-bit hash of the text) until `tx` ends: serializes
 * work on one thing (a cart, a reservation) that has no row to lock yet.
 */
export async function lockForTransaction(tx: Executor, key: string): Promise<void> {
  await keyLock.run(tx, { key });
}
