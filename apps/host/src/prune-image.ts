// The last step of the image's build stage (Dockerfile, ADR 0045), after `npm run build` and the
// production-only `npm ci`: removes what production never runs — sources, tests, docs, contracts,
// scripts — and keeps each workspace's package.json, dist/ and node_modules/ (npm puts a
// workspace's own dependency there when the root holds another version), the web app's build, the root's
// package files, node_modules and the licence. Run from the build: `node apps/host/dist/prune-image.js`.
import { readdirSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";

const root = resolve(import.meta.dirname, "../../..");
const keepAtRoot = new Set([
  "node_modules",
  "package.json",
  "package-lock.json",
  "LICENSE",
  "packages",
  "services",
  "apps",
  "bench",
]);
const keepInWorkspace = new Set(["package.json", "dist", "node_modules"]);

let removed = 0;
const remove = (path: string) => {
  rmSync(path, { recursive: true, force: true });
  removed += 1;
};
for (const entry of readdirSync(root)) if (!keepAtRoot.has(entry)) remove(join(root, entry));
for (const folder of ["packages", "services", "apps"]) {
  for (const workspace of readdirSync(join(root, folder)))
    for (const entry of readdirSync(join(root, folder, workspace)))
      if (!keepInWorkspace.has(entry)) remove(join(root, folder, workspace, entry));
}
for (const entry of readdirSync(join(root, "bench")))
  if (entry !== "package.json") remove(join(root, "bench", entry));
process.stdout.write(`prune-image: removed ${removed} paths not needed at run time\n`);
