import { authService } from "@mercato/auth";
import { inventoryService } from "@mercato/inventory";
import { mediaService } from "@mercato/media";
import { notificationsService } from "@mercato/notifications";
import { ordersService } from "@mercato/orders";
import { type Database, migrateService, rowsOf, type ServiceDefinition } from "@mercato/platform";
import { productsService } from "@mercato/products";
import { sellersService } from "@mercato/sellers";
import { describeWithInfra } from "@mercato/testing";
import { type DatabaseFixture, postgresFixture } from "@mercato/testing/service-fixture";
import { usersService } from "@mercato/users";
import { generateDrizzleJson, generateMigration } from "drizzle-kit/api";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, expect, it } from "vitest";
import * as authSchema from "../../services/auth/src/store/schema.js";
import * as inventorySchema from "../../services/inventory/src/store/schema.js";
import * as mediaSchema from "../../services/media/src/store/schema.js";
import * as notificationsSchema from "../../services/notifications/src/store/schema.js";
import * as ordersSchema from "../../services/orders/src/store/schema.js";
import * as productsSchema from "../../services/products/src/store/schema.js";
import * as sellersSchema from "../../services/sellers/src/store/schema.js";
import * as usersSchema from "../../services/users/src/store/schema.js";

// Each service's SQL migrations are the one migration source and its Drizzle schema follows them
// (ADR 0033). This builds each service's tables twice on a real PostgreSQL: once from its
// migrations as a deployment runs them, once from what drizzle-kit makes of its schema.ts; then it
// compares the two catalogs as PostgreSQL itself prints them (column types, nullability and
// defaults; primary keys, uniques, foreign keys and checks by name and definition; indexes by name
// and definition, with their methods, operator classes and predicates). A difference is a schema
// that does not say what the database holds: queries typed on a wrong column, or a drizzle-kit
// draft of the next migration that would drop or rename what is deployed.
//
// drizzle-kit's own diff against a live database (`pushSchema` from drizzle-kit/api) cannot be
// used: 0.31 runs its introspection through `drizzleInstance.execute(sql.raw(query))`, dropping
// the query's parameters, so its composite primary key lookup fails with "there is no parameter
// $1" on node-postgres (and on PGlite alike).

interface ServiceUnderTest {
  // biome-ignore lint/suspicious/noExplicitAny: definitions differ only in their config type
  definition: ServiceDefinition<any>;
  schema: Record<string, unknown>;
  /** Tables of the migrations that no schema.ts describes, each with why. */
  tablesWithoutSchema?: Record<string, string>;
}

const services: ServiceUnderTest[] = [
  { definition: authService, schema: authSchema },
  { definition: usersService, schema: usersSchema },
  { definition: sellersService, schema: sellersSchema },
  {
    definition: productsService,
    schema: productsSchema,
    tablesWithoutSchema: {
      // The search projection (src/search) is written and read only by its own SQL: generated
      // tsvector and boolean columns, GiST indexes over two columns, table storage options; the
      // service layout test gives it a folder of its own for that reason.
      search_documents: "search projection, raw SQL",
      search_storefronts: "search projection, raw SQL",
      search_variant_stock: "search projection, raw SQL",
      search_lexicon: "search projection, raw SQL",
    },
  },
  { definition: inventoryService, schema: inventorySchema },
  { definition: ordersService, schema: ordersSchema },
  { definition: notificationsService, schema: notificationsSchema },
  { definition: mediaService, schema: mediaSchema },
];

/** The SQL drizzle-kit generates for `schema` from nothing, as its `generate` command drafts it. */
async function schemaStatements(schema: Record<string, unknown>): Promise<string[]> {
  const statements = await generateMigration(generateDrizzleJson({}), generateDrizzleJson(schema));
  return statements.map((statement) =>
    statement
      // The platform's migrate has created the schema already (as every service migration does).
      .replace(/^CREATE SCHEMA ("[a-z_]+");/, "CREATE SCHEMA IF NOT EXISTS $1;")
      // drizzle-kit quotes a custom type's name whole; PostGIS' `geography(Point, 4326)` is a type
      // with modifiers, not a type of that name (the migrations were edited the same way).
      .replace(/"(geography\([A-Za-z]+, ?\d+\))"/g, "$1"),
  );
}

/** What PostgreSQL says schema `name` holds, one line per column, constraint and index. */
async function catalog(database: Database, name: string): Promise<string[]> {
  const columns = rowsOf<{ table: string; column: string; type: string; nullable: boolean; default: string }>(
    await database.db.execute(sql`
      select c.relname as table, a.attname as column, format_type(a.atttypid, a.atttypmod) as type,
        not a.attnotnull as nullable, coalesce(pg_get_expr(d.adbin, d.adrelid), '') as default
      from pg_attribute a
      join pg_class c on c.oid = a.attrelid
      join pg_namespace n on n.oid = c.relnamespace
      left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
      where n.nspname = ${name} and c.relkind in ('r', 'p') and a.attnum > 0 and not a.attisdropped`),
  );
  const constraints = rowsOf<{ table: string; name: string; definition: string }>(
    await database.db.execute(sql`
      select c.relname as table, k.conname as name, pg_get_constraintdef(k.oid) as definition
      from pg_constraint k
      join pg_class c on c.oid = k.conrelid
      join pg_namespace n on n.oid = k.connamespace
      where n.nspname = ${name}`),
  );
  const indexes = rowsOf<{ table: string; name: string; definition: string }>(
    await database.db.execute(sql`
      select tablename as table, indexname as name, indexdef as definition
      from pg_indexes where schemaname = ${name}`),
  );
  // Triggers and functions (orders' frozen snapshot) are not compared: a Drizzle schema cannot
  // declare them, so they live only in SQL (ADR 0033). Column order is not compared either: a
  // column added later comes last in the table, and no query of the builder depends on it.
  return [
    ...columns.map(
      (c) =>
        `${c.table}.${c.column}: ${c.type}${c.nullable ? "" : " not null"}${c.default ? ` default ${c.default}` : ""}`,
    ),
    ...constraints.map((k) => `${k.table} constraint ${k.name}: ${k.definition}`),
    ...indexes.map((i) => `${i.table} index ${i.name}: ${i.definition}`),
  ].sort();
}

function withoutTables(lines: string[], tables: readonly string[]): string[] {
  return lines.filter(
    (line) => !tables.some((table) => line.startsWith(`${table}.`) || line.startsWith(`${table} `)),
  );
}

describeWithInfra("DATABASE_URL", "each service's Drizzle schema matches its SQL migrations", (url) => {
  let fromMigrations: DatabaseFixture;
  let fromSchema: DatabaseFixture;

  beforeAll(async () => {
    // One database per side; each service has its own schema in both, as it has in a deployment.
    fromMigrations = await postgresFixture(url, { prefix: "schema_sql", maxConnections: 1 });
    fromSchema = await postgresFixture(url, { prefix: "schema_ts", maxConnections: 1 });
  });

  afterAll(async () => {
    await fromMigrations?.close();
    await fromSchema?.close();
  });

  for (const service of services) {
    const name = service.definition.name;
    it(`${name}: schema.ts describes what its migrations create`, async () => {
      const migrated = fromMigrations.database(name);
      await migrateService(service.definition, migrated);
      // The same service with drizzle-kit's SQL as its only migration: the platform's event tables
      // and the extensions come alike on both sides, so only the service's own tables differ.
      const generated = fromSchema.database(name);
      const statements = await schemaStatements(service.schema);
      await migrateService(
        { ...service.definition, migrations: async () => [{ id: "schema.ts", statements }] },
        generated,
      );

      const ignored = Object.keys(service.tablesWithoutSchema ?? {});
      const sqlSide = withoutTables(await catalog(migrated, name), ignored);
      const schemaSide = await catalog(generated, name);
      expect({
        onlyInMigrations: sqlSide.filter((line) => !schemaSide.includes(line)),
        onlyInSchema: schemaSide.filter((line) => !sqlSide.includes(line)),
      }).toEqual({ onlyInMigrations: [], onlyInSchema: [] });
    });
  }
});
