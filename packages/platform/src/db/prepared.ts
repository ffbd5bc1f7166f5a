import { createHash } from "node:crypto";
import type { Placeholder } from "drizzle-orm";
import { sql } from "drizzle-orm";
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
): Statement<V, R> {
  let statement: PreparedQuery<R> | undefined;
  const built = () => {
    if (statement) return statement;
    const query = build(db, placeholders as Placeholders<V>);
    // One name per text: a process with two texts under one label (another schema) never collides.
    const digest = createHash("sha1").update(query.toSQL().sql).digest("hex").slice(0, 12);
    statement = query.prepare(`${label}.${digest}`);
    if (!(statement && typeof statement === "object" && "client" in statement))
      throw new Error(
        "drizzle-orm's prepared query has no client: prepared() needs updating for this version",
      );
    return statement;
  };
  return {
    run: (executor, values) => {
      const statement = built();
      if (executor === db) return statement.execute(values);
      const client = (executor._.session as unknown as { client?: unknown }).client;
      if (!client)
        throw new Error("drizzle-orm's session has no client: prepared() needs updating for this version");
      // The statement as built, on the transaction's connection.
      const onTx: PreparedQuery<R> = Object.create(statement, { client: { value: client } });
      return onTx.execute(values);
    },
  };
}

/** Hands out `sql.placeholder(name)` for whichever name is asked. */
const placeholders = new Proxy(
  {},
  { get: (_target, name) => (typeof name === "string" ? sql.placeholder(name) : undefined) },
);
