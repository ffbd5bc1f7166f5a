import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadSqlMigrations } from "./migrate.js";

describe("migration loaders", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "mercato-migrations-"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("splits a file's statements at drizzle's breakpoints", async () => {
    const folder = join(dir, "split");
    await mkdir(folder, { recursive: true });
    await writeFile(
      join(folder, "0000_first.sql"),
      'CREATE TABLE "a" (id int);\n--> statement-breakpoint\nCREATE INDEX "a_idx" ON "a" (id);\n',
    );
    expect(await loadSqlMigrations(folder)).toEqual([
      { id: "0000_first", statements: ['CREATE TABLE "a" (id int);', 'CREATE INDEX "a_idx" ON "a" (id);'] },
    ]);
  });

  it("reads plain .sql files in name order", async () => {
    const folder = join(dir, "plain");
    await mkdir(folder, { recursive: true });
    await writeFile(join(folder, "002_b.sql"), "select 2;");
    await writeFile(join(folder, "001_a.sql"), "select 1;");
    await writeFile(join(folder, "README.txt"), "not a migration");
    expect((await loadSqlMigrations(folder)).map((m) => m.id)).toEqual(["001_a", "002_b"]);
  });
});
