/**
 * Builds the web application when its sources changed since the last build (`npm start` runs it
 * first; a fresh clone builds once, ~2 s) and reports the storefront's first-load JavaScript:
 * the entry chunk and every chunk it imports statically, gzipped. Above the budget the build
 * fails: the storefront must stay light on phones.
 *
 *   node --import tsx apps/web/scripts/build.ts [--force]
 */
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { readdir, readFile, writeFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

const root = fileURLToPath(new URL("..", import.meta.url));
const dist = join(root, "dist");
const stampFile = join(dist, ".sources");
/** First-load JavaScript budget of the storefront, gzipped. */
export const firstLoadBudget = 200 * 1024;

async function files(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

/** A digest of everything the build reads: sources, page, config and the locked dependency tree. */
async function sourcesDigest(): Promise<string> {
  const hash = createHash("sha256");
  const inputs = [
    ...(await files(join(root, "src"))),
    join(root, "index.html"),
    join(root, "vite.config.ts"),
    join(root, "package.json"),
    join(root, "../../package-lock.json"),
  ].sort();
  for (const file of inputs) {
    if (!existsSync(file)) continue;
    hash
      .update(relative(root, file))
      .update("\0")
      .update(await readFile(file))
      .update("\0");
  }
  return hash.digest("hex");
}

interface ManifestChunk {
  file: string;
  isEntry?: boolean;
  imports?: string[];
  css?: string[];
}

export interface BuildReport {
  firstLoadJsGzip: number;
  firstLoadCssGzip: number;
  chunks: string[];
}

/** Sizes of what a browser loads before the storefront shows: the entry and its static imports. */
export async function firstLoad(): Promise<BuildReport> {
  const manifest = JSON.parse(await readFile(join(dist, ".vite/manifest.json"), "utf8")) as Record<
    string,
    ManifestChunk
  >;
  const entry = Object.entries(manifest).find(([, chunk]) => chunk.isEntry);
  if (!entry) throw new Error("the build's manifest has no entry");
  const seen = new Set<string>();
  const css = new Set<string>();
  const visit = (key: string) => {
    if (seen.has(key)) return;
    seen.add(key);
    const chunk = manifest[key];
    for (const file of chunk?.css ?? []) css.add(file);
    for (const next of chunk?.imports ?? []) visit(next);
  };
  visit(entry[0]);
  const gz = async (file: string) => gzipSync(await readFile(join(dist, file)), { level: 9 }).length;
  const chunks = [...seen].map((key) => manifest[key]?.file ?? key);
  let js = 0;
  for (const file of chunks) js += await gz(file);
  let styles = 0;
  for (const file of css) styles += await gz(file);
  return { firstLoadJsGzip: js, firstLoadCssGzip: styles, chunks };
}

export async function buildWeb(options: { force?: boolean } = {}): Promise<BuildReport & { built: boolean }> {
  const digest = await sourcesDigest();
  const built = existsSync(stampFile) ? await readFile(stampFile, "utf8") : "";
  if (!options.force && built === digest && existsSync(join(dist, "index.html"))) {
    return { ...(await firstLoad()), built: false };
  }
  const { build } = await import("vite");
  await build({ root, logLevel: "warn", build: { manifest: true, emptyOutDir: true } });
  const report = await firstLoad();
  await writeFile(join(dist, "build-report.json"), `${JSON.stringify(report, null, 2)}\n`);
  if (report.firstLoadJsGzip > firstLoadBudget)
    throw new Error(
      `the storefront's first-load JavaScript is ${kb(report.firstLoadJsGzip)} gzipped, over the ${kb(firstLoadBudget)} budget`,
    );
  await writeFile(stampFile, digest);
  return { ...report, built: true };
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const started = performance.now();
  const report = await buildWeb({ force: process.argv.includes("--force") });
  const took = ((performance.now() - started) / 1000).toFixed(1);
  console.log(
    report.built
      ? `web app built in ${took} s: first-load JavaScript ${kb(report.firstLoadJsGzip)} gzipped (budget ${kb(firstLoadBudget)}), CSS ${kb(report.firstLoadCssGzip)}`
      : "web app is up to date",
  );
}
