import { createHash } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { sql } from "drizzle-orm";
import { type Database, quoteSchema, rowsOf } from "./database.js";

/** One schema change: an id that sorts in apply order and the SQL statements it runs. */
export interface Migration {
  id: string;
  statements: readonly string[];
}

/**
 * Loads a service's migrations, the `.sql` files of its folder in name order (ADR 0033: the one
 * migration source; drizzle-kit only drafts new files), split on drizzle's statement breakpoints.
 */
export async function loadSqlMigrations(folder: string): Promise<Migration[]> {
  const names = (await readdir(folder)).filter((name) => name.endsWith(".sql")).sort();
  return Promise.all(
    names.map(async (name) => ({
      id: name.replace(/\.sql$/, ""),
      statements: splitStatements(await readFile(join(folder, name), "utf8")),
    })),
  );
}

function splitStatements(text: string): string[] {
  return text
    .split("--> statement-breakpoint")
    .map((part) => part.trim())
    .filter((part) => part.length > 0);
}

function checksum(migration: Migration): string {
  return createHash("sha256").update(migration.statements.join("\n;\n")).digest("hex");
}

/** What migrate did: the ids it applied now, in order. */
export interface MigrateResult {
  applied: string[];
}

/**
 * Brings a service's schema up to date: creates the schema and its `_migrations` table, then applies
 * every migration not yet recorded, all in one transaction under an advisory lock so that replicas
 * starting together apply each migration once. A recorded migration whose SQL changed is an error.
 */
export async function migrate(
  database: Database,
  migrations: readonly Migration[],
  options: { extensions?: readonly string[] } = {},
): Promise<MigrateResult> {
  const schema = quoteSchema(database.schema);
  const ids = new Set<string>();
  for (const migration of migrations) {
    if (ids.has(migration.id))
      throw new Error(`duplicate migration id ${migration.id} in ${database.schema}`);
    ids.add(migration.id);
  }
  return database.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`mercato.migrate.${database.schema}`}))`);
    for (const extension of options.extensions ?? []) {
      await tx.execute(sql.raw(createExtension(extension)));
    }
    await tx.execute(sql.raw(`create schema if not exists ${schema}`));
    await tx.execute(
      sql.raw(
        `create table if not exists ${schema}._migrations (id text primary key, checksum text not null, applied_at timestamptz not null default now())`,
      ),
    );
    const done = new Map(
      rowsOf<{ id: string; checksum: string }>(
        await tx.execute(sql.raw(`select id, checksum from ${schema}._migrations`)),
      ).map((row) => [row.id, row.checksum]),
    );
    const applied: string[] = [];
    for (const migration of migrations) {
      const sum = checksum(migration);
      const recorded = done.get(migration.id);
      if (recorded !== undefined) {
        if (recorded !== sum) {
          throw new Error(
            `migration ${database.schema}/${migration.id} was changed after it was applied; add a new migration instead`,
          );
        }
        continue;
      }
      for (const statement of migration.statements) await tx.execute(sql.raw(statement));
      await tx.execute(
        sql`insert into ${sql.raw(schema)}._migrations (id, checksum) values (${migration.id}, ${sum})`,
      );
      applied.push(migration.id);
    }
    return { applied };
  });
}

/** `create extension if not exists <name>`, after checking the name is a plain identifier. */
export function createExtension(name: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`invalid extension name ${name}`);
  return `create extension if not exists ${name}`;
}
