// `npm run build`: the production build (ADR 0044). Every workspace the processes run (the
// contracts, the platform, each service with the gateway, the hosts) is transpiled file by file
// from `src/` to `dist/` with esbuild, the transform tsx applies to the same files in development;
// the files the code reads beside itself (SQL migrations, GraphQL SDL, migration journals) are
// copied next to it. Types are checked by `npm run check`, not here. Production processes run
// `node --conditions=mercato-dist <workspace>/dist/....js`: under that condition the workspaces'
// package exports point at `dist/` (ADR 0044), and no transpiler is loaded.
import { cpSync, existsSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { build } from "esbuild";

const root = resolve(import.meta.dirname, "..");

/** The workspaces production runs; bench, testing and the web app (built by Vite) are not among them. */
export function buildTargets(): string[] {
  const inFolder = (folder: string) =>
    readdirSync(join(root, folder), { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && existsSync(join(root, folder, entry.name, "src")))
      .map((entry) => `${folder}/${entry.name}`);
  return ["packages/contracts", "packages/platform", ...inFolder("services"), "apps/host"];
}

function* filesUnder(folder: string): Generator<string> {
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) yield* filesUnder(path);
    else yield path;
  }
}

const isTest = (path: string) => /\.test\.ts$/.test(path) || /[/\\](test|__tests__)[/\\]/.test(path);

/** Transpiles one workspace's `src/` into its `dist/`; returns how many modules and other files. */
export async function buildWorkspace(workspace: string): Promise<{ modules: number; assets: number }> {
  const src = join(root, workspace, "src");
  const dist = join(root, workspace, "dist");
  rmSync(dist, { recursive: true, force: true });
  const modules: string[] = [];
  let assets = 0;
  for (const file of filesUnder(src)) {
    if (isTest(relative(src, file))) continue;
    if (file.endsWith(".d.ts")) continue;
    if (file.endsWith(".ts")) modules.push(file);
    else {
      cpSync(file, join(dist, relative(src, file)));
      assets += 1;
    }
  }
  await build({
    entryPoints: modules,
    outdir: dist,
    outbase: src,
    bundle: false,
    format: "esm",
    platform: "node",
    target: "node24",
    sourcemap: "linked",
    sourcesContent: false,
    logLevel: "warning",
    // The same options tsx uses for these files: the tsconfig's module settings.
    tsconfig: join(root, "tsconfig.json"),
  });
  return { modules: modules.length, assets };
}

const isMain = process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename);
if (isMain) {
  const started = performance.now();
  let modules = 0;
  let assets = 0;
  for (const workspace of buildTargets()) {
    const built = await buildWorkspace(workspace);
    modules += built.modules;
    assets += built.assets;
  }
  const version = JSON.parse(readFileSync(join(root, "package.json"), "utf8")).version ?? "";
  console.log(
    `build${version ? ` ${version}` : ""}: ${modules} modules and ${assets} files of ${buildTargets().length} workspaces in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
}
