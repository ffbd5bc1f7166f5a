import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { PgliteHost } from "./database.js";
import { isInitialized, prepareDataDir } from "./pglite-prepare.js";

const folders: string[] = [];
async function folder(): Promise<string> {
  const path = await mkdtemp(join(tmpdir(), "mercato-prepare-"));
  folders.push(path);
  return path;
}

afterEach(async () => {
  await Promise.all(folders.splice(0).map((path) => rm(path, { recursive: true, force: true })));
});

describe("prepareDataDir", () => {
  it("initializes a new folder with its extensions in a child process, then leaves it alone", async () => {
    const dataDir = await folder();
    expect(isInitialized(dataDir)).toBe(false);
    await prepareDataDir(dataDir, ["pg_trgm"]);
    expect(isInitialized(dataDir)).toBe(true);
    const host = await PgliteHost.open({ dataDir, postgis: false });
    try {
      const installed = await host.client.query<{ extname: string }>("select extname from pg_extension");
      expect(installed.rows.map((row) => row.extname)).toContain("pg_trgm");
    } finally {
      await host.close();
    }
    // A second call on the ready folder starts no child (it would fail on the folder PGlite has open).
    await prepareDataDir(dataDir, ["no_such_extension"]);
  }, 120_000);

  it("refuses an extension name that is not a plain identifier before starting anything", async () => {
    const dataDir = await folder();
    await expect(prepareDataDir(dataDir, ["pg_trgm; drop table x"])).rejects.toThrow(
      /invalid extension name/,
    );
    expect(isInitialized(dataDir)).toBe(false);
  });

  it("reports what PostgreSQL said when the child fails", async () => {
    const dataDir = await folder();
    await expect(prepareDataDir(dataDir, ["no_such_extension"])).rejects.toThrow(/no_such_extension/);
  }, 120_000);

  it("treats a folder with PG_VERSION as initialized", async () => {
    const dataDir = await folder();
    await writeFile(join(dataDir, "PG_VERSION"), "17\n");
    expect(isInitialized(dataDir)).toBe(true);
  });
});
