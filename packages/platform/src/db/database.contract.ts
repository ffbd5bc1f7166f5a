import { randomBytes } from "node:crypto";
import { eq, sql } from "drizzle-orm";
import { bigint, integer, jsonb, pgSchema, timestamp } from "drizzle-orm/pg-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "./database.js";
import { rowsOf } from "./database.js";
import { type Migration, migrate } from "./migrate.js";
import { isUniqueViolation } from "./pg-errors.js";
import { type Placeholders, prepared } from "./prepared.js";

/** Makes a Database for a fresh schema and a way to drop it again. */
export interface DatabaseFixture {
  open(schema: string): Promise<Database>;
  dropSchema(schema: string): Promise<void>;
  close(): Promise<void>;
}

const items: Migration = {
  id: "0001_items",
  statements: [
    "create table {s}.items (id serial primary key, name text not null unique)",
    "create index items_name_idx on {s}.items (name)",
  ],
};

function forSchema(migration: Migration, schema: string): Migration {
  return {
    id: migration.id,
    statements: migration.statements.map((s) => s.replaceAll("{s}", `"${schema}"`)),
  };
}

/** The behaviours every Database adapter must have, run against one adapter. */
export function describeDatabaseContract(label: string, makeFixture: () => Promise<DatabaseFixture>): void {
  describe(label, () => {
    let fixture: DatabaseFixture;
    const schemas: string[] = [];
    const fresh = async () => {
      const schema = `t_${randomBytes(6).toString("hex")}`;
      schemas.push(schema);
      return fixture.open(schema);
    };

    beforeAll(async () => {
      fixture = await makeFixture();
    });
    afterAll(async () => {
      for (const schema of schemas) await fixture.dropSchema(schema);
      await fixture.close();
    });

    it("applies pending migrations once and records them", async () => {
      const db = await fresh();
      const first = await migrate(db, [forSchema(items, db.schema)]);
      const second = await migrate(db, [forSchema(items, db.schema)]);
      expect(first.applied).toEqual(["0001_items"]);
      expect(second.applied).toEqual([]);
      await db.db.execute(sql.raw(`insert into "${db.schema}".items (name) values ('a')`));
      const rows = rowsOf<{ n: number | string }>(
        await db.db.execute(sql.raw(`select count(*) as n from "${db.schema}".items`)),
      );
      expect(Number(rows[0]?.n)).toBe(1);
    });

    it("refuses a migration whose SQL changed after it was applied", async () => {
      const db = await fresh();
      await migrate(db, [forSchema(items, db.schema)]);
      const edited = { id: "0001_items", statements: [`create table "${db.schema}".items (id int)`] };
      await expect(migrate(db, [edited])).rejects.toThrow(/was changed after it was applied/);
    });

    it("leaves nothing behind when a migration fails half-way", async () => {
      const db = await fresh();
      const broken: Migration = {
        id: "0002_broken",
        statements: [`create table "${db.schema}".half (id int)`, "this is not sql"],
      };
      await expect(migrate(db, [forSchema(items, db.schema), broken])).rejects.toThrow();
      const tables = rowsOf<{ table_name: string }>(
        await db.db.execute(
          sql`select table_name from information_schema.tables where table_schema = ${db.schema}`,
        ),
      );
      expect(tables).toEqual([]);
    });

    it("applies each migration once when two starters race", async () => {
      const a = await fresh();
      const b = await fixture.open(a.schema);
      const results = await Promise.all([
        migrate(a, [forSchema(items, a.schema)]),
        migrate(b, [forSchema(items, a.schema)]),
      ]);
      expect(results.map((r) => r.applied.length).sort()).toEqual([0, 1]);
      await b.close();
    });

    it("rolls a transaction back when its body throws", async () => {
      const db = await fresh();
      await migrate(db, [forSchema(items, db.schema)]);
      await expect(
        db.transaction(async (tx) => {
          await tx.execute(sql.raw(`insert into "${db.schema}".items (name) values ('kept?')`));
          throw new Error("boom");
        }),
      ).rejects.toThrow("boom");
      const rows = rowsOf(await db.db.execute(sql.raw(`select * from "${db.schema}".items`)));
      expect(rows).toEqual([]);
    });

    it("reads every type as the same JS type on both adapters", async () => {
      const db = await fresh();
      const [row] = rowsOf<Record<string, unknown>>(
        await db.db.execute(sql`select
          42::int8 as int8, 9007199254740993::int8 as huge, count(*) as counted, array[1, 2]::int8[] as int8s,
          7::int4 as int4, 1.50::numeric as numeric, 2.5::float8 as float8, true as bool,
          '{"a":[1]}'::jsonb as jsonb, '2024-02-29'::date as date, '2 days'::interval as interval,
          '2024-02-29 10:11:12.5'::timestamp as ts, '2024-02-29 10:11:12.5Z'::timestamptz as tstz, 'ed6cdbdb-4a46-4ff4-8d9b-7d2b0c3f8a61'::uuid as uuid
          from (values (1), (2)) as v(x)`),
      );
      expect(row).toEqual({
        int8: 42,
        huge: 9007199254740993n,
        counted: 2,
        int8s: [1, 2],
        int4: 7,
        numeric: "1.50",
        float8: 2.5,
        bool: true,
        jsonb: { a: [1] },
        date: "2024-02-29",
        interval: "2 days",
        ts: "2024-02-29 10:11:12.5",
        tstz: expect.any(String),
        uuid: "ed6cdbdb-4a46-4ff4-8d9b-7d2b0c3f8a61",
      });
      expect(new Date(String(row?.tstz))).toEqual(new Date("2024-02-29T10:11:12.500Z"));
    });

    it("reads a schema's columns as their declared types through the query builder", async () => {
      const db = await fresh();
      await migrate(db, [
        {
          id: "0001_counters",
          statements: [
            `create table "${db.schema}".counters (id int primary key, n bigint not null, at timestamptz not null)`,
          ],
        },
      ]);
      const counters = pgSchema(db.schema).table("counters", {
        id: integer("id").primaryKey(),
        n: bigint("n", { mode: "number" }).notNull(),
        at: timestamp("at", { withTimezone: true }).notNull(),
      });
      const at = new Date("2024-02-29T10:11:12.345Z");
      const written = await db.db
        .insert(counters)
        .values({ id: 1, n: 2 ** 40, at })
        .returning();
      const read = await db.db.select().from(counters);
      expect(written).toEqual([{ id: 1, n: 2 ** 40, at }]);
      expect(read).toEqual(written);
    });

    it("runs a prepared statement built once on the database and inside its transactions", async () => {
      const db = await fresh();
      await migrate(db, [
        {
          id: "0001_notes",
          statements: [
            `create table "${db.schema}".notes (id int primary key, n bigint not null, body jsonb not null, at timestamptz not null)`,
          ],
        },
      ]);
      const notes = pgSchema(db.schema).table("notes", {
        id: integer("id").primaryKey(),
        n: bigint("n", { mode: "number" }).notNull(),
        body: jsonb("body").$type<{ words: string[] }>().notNull(),
        at: timestamp("at", { withTimezone: true }).notNull(),
      });
      let builds = 0;
      const add = prepared(
        db.db,
        "contract.add_note",
        (q, p: Placeholders<{ id: number; n: number; body: { words: string[] }; at: Date }>) => {
          builds += 1;
          return q.insert(notes).values({ id: p.id, n: p.n, body: p.body, at: p.at }).returning();
        },
      );
      const byId = prepared(db.db, "contract.note", (q, p: Placeholders<{ id: number }>) =>
        q.select({ n: notes.n, body: notes.body }).from(notes).where(eq(notes.id, p.id)),
      );
      // The same label with another text, as another schema's statement would have: no clash.
      const count = prepared(db.db, "contract.note", (q) => q.select({ id: notes.id }).from(notes));
      const at = new Date("2024-02-29T10:11:12.345Z");

      await expect(add.run(db.db, { id: 1, n: 2 ** 40, body: { words: ["a"] }, at })).resolves.toEqual([
        { id: 1, n: 2 ** 40, body: { words: ["a"] }, at },
      ]);
      // In a transaction the statement runs on its connection: it sees the transaction's own writes,
      // which go with a rollback.
      await expect(
        db.transaction(async (tx) => {
          await add.run(tx, { id: 2, n: 7, body: { words: ["b", "c"] }, at });
          expect(await byId.run(tx, { id: 2 })).toEqual([{ n: 7, body: { words: ["b", "c"] } }]);
          expect(await count.run(tx, {})).toHaveLength(2);
          throw new Error("roll back");
        }),
      ).rejects.toThrow("roll back");
      expect(await byId.run(db.db, { id: 2 })).toEqual([]);
      await db.transaction(async (tx) => {
        await add.run(tx, { id: 3, n: 9, body: { words: [] }, at });
      });
      expect(await byId.run(db.db, { id: 3 })).toEqual([{ n: 9, body: { words: [] } }]);
      expect(await count.run(db.db, {})).toHaveLength(2);
      expect(builds).toBe(1);
      await expect(byId.run(db.db, {} as { id: number })).rejects.toThrow('No value for placeholder "id"');

      // Without a database, as a store handed only transactions declares one: built on the first
      // transaction it runs in, then run on the database and in other transactions alike.
      let looseBuilds = 0;
      const bump = prepared("contract.bump_note", (q, p: Placeholders<{ id: number }>) => {
        looseBuilds += 1;
        return q
          .update(notes)
          .set({ n: sql`${notes.n} + 1` })
          .where(eq(notes.id, p.id))
          .returning({ n: notes.n });
      });
      await expect(
        db.transaction(async (tx) => {
          expect(await bump.run(tx, { id: 3 })).toEqual([{ n: 10 }]);
          throw new Error("roll back");
        }),
      ).rejects.toThrow("roll back");
      expect(await bump.run(db.db, { id: 3 })).toEqual([{ n: 10 }]);
      await db.transaction(async (tx) => {
        expect(await bump.run(tx, { id: 3 })).toEqual([{ n: 11 }]);
        expect(await bump.run(tx, { id: 1 })).toEqual([{ n: 2 ** 40 + 1 }]);
      });
      expect(await byId.run(db.db, { id: 3 })).toEqual([{ n: 11, body: { words: [] } }]);
      expect(looseBuilds).toBe(1);
    });

    it("reports a unique violation with its constraint", async () => {
      const db = await fresh();
      await migrate(db, [forSchema(items, db.schema)]);
      await db.db.execute(sql.raw(`insert into "${db.schema}".items (name) values ('a')`));
      const error = await db.db.execute(sql.raw(`insert into "${db.schema}".items (name) values ('a')`)).then(
        () => undefined,
        (caught: unknown) => caught,
      );
      expect(isUniqueViolation(error)).toBe(true);
      expect(isUniqueViolation(error, "items_name_key")).toBe(true);
      expect(isUniqueViolation(error, "another_idx")).toBe(false);
      expect(isUniqueViolation(new Error("not a database error"))).toBe(false);
    });

    it("answers ping", async () => {
      const db = await fresh();
      await expect(db.ping()).resolves.toBeUndefined();
    });

    it("finds points within a distance with PostGIS geography", async () => {
      const db = await fresh();
      await migrate(
        db,
        [
          {
            id: "0001_places",
            statements: [
              `create table "${db.schema}".places (name text primary key, location geography(Point, 4326) not null)`,
              `create index places_location_idx on "${db.schema}".places using gist (location)`,
              `insert into "${db.schema}".places values
                ('paris', 'SRID=4326;POINT(2.3522 48.8566)'),
                ('versailles', 'SRID=4326;POINT(2.1301 48.8049)'),
                ('berlin', 'SRID=4326;POINT(13.405 52.52)')`,
            ],
          },
        ],
        { extensions: ["postgis"] },
      );
      const near = rowsOf<{ name: string; meters: number }>(
        await db.db.execute(
          sql.raw(`select name, st_distance(location, 'SRID=4326;POINT(2.3522 48.8566)'::geography) as meters
            from "${db.schema}".places
            where st_dwithin(location, 'SRID=4326;POINT(2.3522 48.8566)'::geography, 50000)
            order by meters`),
        ),
      );
      expect(near.map((row) => row.name)).toEqual(["paris", "versailles"]);
      expect(Number(near[1]?.meters)).toBeGreaterThan(15_000);
      expect(Number(near[1]?.meters)).toBeLessThan(20_000);
    });
  });
}
