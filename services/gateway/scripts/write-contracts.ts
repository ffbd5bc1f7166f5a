import { mkdir, writeFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { publicContractPaths, renderPublicContracts } from "../src/public-contracts.js";

const root = resolve(import.meta.dirname, "../../..");
const rendered = await renderPublicContracts();
for (const [kind, path] of Object.entries(publicContractPaths)) {
  const target = resolve(root, path);
  await mkdir(dirname(target), { recursive: true });
  await writeFile(target, rendered[kind as keyof typeof rendered]);
  process.stdout.write(`wrote ${path}\n`);
}
