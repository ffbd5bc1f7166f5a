import { createHash } from "node:crypto";
import { mkdir, readFile, rename, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { gunzipSync, gzipSync } from "node:zlib";
import type { Extension, ExtensionSetupResult } from "@electric-sql/pglite";
import { postgis } from "@electric-sql/pglite-postgis";

/*
 * PGlite compiles every `.so` of an extension bundle when it starts, and copies every file into its in-memory
 * file system. The PostGIS bundle also carries raster, topology and the TIGER geocoder (two more 16 MB
 * WebAssembly libraries and their SQL), which Mercato never creates; loading them cost ≈ 230 MB resident.
 * This keeps only what `create extension postgis` and PostGIS's geography functions read. See docs/adr/0014.
 */

/** Whether a path inside the upstream bundle is part of plain PostGIS (lib, extension scripts, PROJ data). */
export function keepPostgisEntry(name: string): boolean {
  if (name.endsWith("/")) return true;
  if (name.startsWith("share/proj/")) return true;
  if (name === "lib/postgresql/postgis-3.so") return true;
  const extension = /^share\/postgresql\/extension\/([^/]+)$/.exec(name)?.[1];
  if (!extension) return false;
  // The install script of this version only: upgrade scripts (`postgis--3.5.0--3.6.2.sql`, `--ANY--`) and
  // `unpackaged` are never run, since Mercato never runs `alter extension postgis update`.
  return extension === "postgis.control" || /^postgis--[0-9][0-9.]*\.sql$/.test(extension);
}

const block = 512;

function field(header: Uint8Array, start: number, length: number): string {
  const bytes = header.subarray(start, start + length);
  const end = bytes.indexOf(0);
  return new TextDecoder().decode(end === -1 ? bytes : bytes.subarray(0, end));
}

/**
 * Copies the entries of an uncompressed tar archive that `keep` accepts, byte for byte (header and data),
 * with the extended (pax / GNU long name) headers that precede them.
 */
export function filterTar(archive: Uint8Array, keep: (name: string) => boolean): Uint8Array {
  const kept: Uint8Array[] = [];
  let pending: Uint8Array[] = [];
  let longName: string | undefined;
  let offset = 0;
  while (offset + block <= archive.length) {
    const header = archive.subarray(offset, offset + block);
    if (header.every((b) => b === 0)) break;
    const size = Number.parseInt(field(header, 124, 12).trim() || "0", 8);
    const type = String.fromCharCode(header[156] ?? 0);
    const end = offset + block + Math.ceil(size / block) * block;
    if (end > archive.length) throw new Error("truncated tar archive");
    const entry = archive.subarray(offset, end);
    offset = end;
    if (type === "x" || type === "g" || type === "L") {
      if (type === "L") longName = field(entry, block, size);
      if (type === "x") {
        const path = /(?:^|\n)\d+ path=([^\n]*)\n/.exec(
          new TextDecoder().decode(entry.subarray(block, block + size)),
        );
        if (path) longName = path[1];
      }
      pending.push(entry);
      continue;
    }
    const prefix = field(header, 345, 155);
    const name = longName ?? (prefix ? `${prefix}/${field(header, 0, 100)}` : field(header, 0, 100));
    if (keep(name.replace(/^\.\//, ""))) kept.push(...pending, entry);
    pending = [];
    longName = undefined;
  }
  const out = new Uint8Array(kept.reduce((n, e) => n + e.length, 0) + 2 * block);
  let at = 0;
  for (const entry of kept) {
    out.set(entry, at);
    at += entry.length;
  }
  return out;
}

let slimBundle: Promise<URL> | undefined;

/**
 * Writes (once per upstream bundle, under the OS temporary folder) the trimmed PostGIS bundle and returns its
 * location; a bundle written earlier by any process is re-used.
 */
function slimPostgisBundle(upstream: URL): Promise<URL> {
  slimBundle ??= (async () => {
    const original = await readFile(fileURLToPath(upstream));
    // Named after the upstream bundle and the filter, so a new PostGIS or a changed filter writes a new one.
    const digest = createHash("sha256")
      .update(original)
      .update(keepPostgisEntry.toString())
      .digest("hex")
      .slice(0, 16);
    const folder = join(tmpdir(), "mercato-pglite");
    const target = join(folder, `postgis-${digest}.tar.gz`);
    const existing = await stat(target).catch(() => undefined);
    if (!existing?.isFile() || existing.size === 0) {
      await mkdir(folder, { recursive: true });
      const slim = gzipSync(filterTar(gunzipSync(original), keepPostgisEntry), { level: 1 });
      // Written under a unique name, then renamed: two processes starting at once never read half a file.
      const partial = `${target}.${process.pid}.${Date.now()}.part`;
      await writeFile(partial, slim);
      await rename(partial, target);
    }
    return pathToFileURL(target);
  })();
  slimBundle.catch(() => {
    slimBundle = undefined;
  });
  return slimBundle;
}

/** The PostGIS extension for PGlite with raster, topology and the geocoder left out. */
export const slimPostgis: Extension = {
  name: "postgis",
  setup: async (pg, emscriptenOpts) => {
    const upstream: ExtensionSetupResult = await postgis.setup(pg, emscriptenOpts);
    if (!upstream.bundlePath) return upstream;
    return {
      ...upstream,
      bundlePath: await slimPostgisBundle(upstream.bundlePath),
      init: async () => {
        await upstream.init?.();
        // PGlite keeps every unpacked bundle (tens of MB) referenced once its files are in the in-memory
        // file system; dropping the reference lets V8 free it. Memory only: nothing reads it again.
        const module = (pg as unknown as { mod?: { pg_extensions?: Record<string, unknown> } }).mod;
        if (module?.pg_extensions) module.pg_extensions = {};
      },
    };
  },
};
