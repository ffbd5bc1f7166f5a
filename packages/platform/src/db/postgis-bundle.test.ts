import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { gunzipSync } from "node:zlib";
import { PGlite } from "@electric-sql/pglite";
import { postgis } from "@electric-sql/pglite-postgis";
import { describe, expect, it } from "vitest";
import { filterTar, keepPostgisEntry, slimPostgis } from "./postgis-bundle.js";

/** Names of the entries of an uncompressed tar archive. */
function entryNames(archive: Uint8Array): string[] {
  const names: string[] = [];
  filterTar(archive, (name) => {
    names.push(name);
    return false;
  });
  return names;
}

/** A tar header block for a regular file (checksum left blank: filterTar does not read it). */
function header(name: string, size: number, type = "0"): Uint8Array {
  const h = new Uint8Array(512);
  h.set(new TextEncoder().encode(name.slice(0, 100)), 0);
  h.set(new TextEncoder().encode(`${size.toString(8).padStart(11, "0")}\0`), 124);
  h[156] = type.charCodeAt(0);
  return h;
}

function entry(name: string, content: string, type = "0"): Uint8Array {
  const data = new TextEncoder().encode(content);
  const out = new Uint8Array(512 + Math.ceil(data.length / 512) * 512);
  out.set(header(name, data.length, type), 0);
  out.set(data, 512);
  return out;
}

function archive(...entries: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(entries.reduce((n, e) => n + e.length, 0) + 1024);
  let at = 0;
  for (const e of entries) {
    out.set(e, at);
    at += e.length;
  }
  return out;
}

describe("the trimmed PostGIS bundle", () => {
  it("keeps PostGIS's library, control file, install script and PROJ data, and drops raster, topology and the geocoder", () => {
    expect(keepPostgisEntry("lib/postgresql/postgis-3.so")).toBe(true);
    expect(keepPostgisEntry("share/postgresql/extension/postgis.control")).toBe(true);
    expect(keepPostgisEntry("share/postgresql/extension/postgis--3.6.2.sql")).toBe(true);
    expect(keepPostgisEntry("share/postgresql/extension/postgis--3.5.0--3.6.2.sql")).toBe(false);
    expect(keepPostgisEntry("share/postgresql/extension/postgis--ANY--3.6.2.sql")).toBe(false);
    expect(keepPostgisEntry("share/proj/proj.db")).toBe(true);
    expect(keepPostgisEntry("lib/postgresql/postgis_raster-3.so")).toBe(false);
    expect(keepPostgisEntry("lib/postgresql/postgis_topology-3.so")).toBe(false);
    expect(keepPostgisEntry("share/postgresql/extension/postgis_raster--3.6.2.sql")).toBe(false);
    expect(keepPostgisEntry("share/postgresql/extension/postgis_tiger_geocoder.control")).toBe(false);
    expect(keepPostgisEntry("share/postgresql/extension/postgis--unpackaged--3.6.2.sql")).toBe(false);
    expect(keepPostgisEntry("share/postgresql/contrib/postgis-3.6/legacy.sql")).toBe(false);
  });

  it("copies kept entries byte for byte, with the long-name header that precedes one", () => {
    const longName = `share/proj/${"x".repeat(120)}`;
    const source = archive(
      entry("lib/postgresql/postgis-3.so", "wasm"),
      entry("lib/postgresql/postgis_raster-3.so", "raster"),
      entry("././@LongLink", longName, "L"),
      entry(longName.slice(0, 100), "grid"),
      entry("././@LongLink", `share/postgresql/contrib/${"y".repeat(120)}`, "L"),
      entry("share/postgresql/contrib/yyy", "dropped"),
    );
    const slim = filterTar(source, keepPostgisEntry);
    expect(entryNames(slim)).toEqual(["lib/postgresql/postgis-3.so", longName]);
    expect(new TextDecoder().decode(slim).includes("raster")).toBe(false);
    expect(new TextDecoder().decode(slim).includes("grid")).toBe(true);
  });

  it("refuses a truncated archive instead of writing half a bundle", () => {
    const whole = entry("lib/postgresql/postgis-3.so", "w".repeat(2_000));
    expect(() => filterTar(whole.subarray(0, 1_024), () => true)).toThrow(/truncated/);
  });

  it("filters the real upstream bundle down to plain PostGIS", async () => {
    const { bundlePath } = await postgis.setup({} as never, { PGLITE_ENV: {} });
    if (!bundlePath) throw new Error("the PostGIS extension names no bundle");
    const upstream = gunzipSync(await readFile(fileURLToPath(bundlePath)));
    const names = entryNames(filterTar(upstream, keepPostgisEntry));
    expect(names).toContain("lib/postgresql/postgis-3.so");
    expect(names).toContain("share/postgresql/extension/postgis.control");
    expect(names).toContain("share/proj/proj.db");
    expect(names.filter((n) => n.endsWith(".so"))).toEqual(["lib/postgresql/postgis-3.so"]);
    expect(names.some((n) => n.includes("raster") || n.includes("topology") || n.includes("tiger"))).toBe(
      false,
    );
  });

  it("is enough for PGlite to create PostGIS, measure on the spheroid and transform with PROJ", async () => {
    const db = await PGlite.create({ extensions: { postgis: slimPostgis } });
    try {
      await db.exec("create extension postgis");
      const distance = await db.query<{ meters: number }>(
        "select st_distance('SRID=4326;POINT(13.405 52.52)'::geography, 'SRID=4326;POINT(2.3522 48.8566)'::geography) as meters",
      );
      expect(Number(distance.rows[0]?.meters)).toBeGreaterThan(870_000);
      expect(Number(distance.rows[0]?.meters)).toBeLessThan(885_000);
      const projected = await db.query<{ x: number }>(
        "select st_x(st_transform('SRID=4326;POINT(13.405 52.52)'::geometry, 3857)) as x",
      );
      // Web Mercator x = lon × 20 037 508.34 m / 180.
      expect(Number(projected.rows[0]?.x)).toBeCloseTo((13.405 * 20_037_508.34) / 180, 0);
      await expect(db.exec("create extension postgis_raster")).rejects.toThrow(/postgis_raster/);
    } finally {
      await db.close();
    }
  }, 120_000);
});
