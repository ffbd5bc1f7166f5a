import { mkdir, writeFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { publicContractPaths, renderPublicContracts } from "../src/public-contracts.js";
import { renderResolverTypes, resolverTypesPath } from "./resolver-types.js";

const root = resolve(import.meta.dirname, "../../..");

async function write(path: string, content: string): Promise<void> {
  const target = resolve(root, path);
  await mkdir(dirname(target), { recursive: true });
  await writeFile(target, content);
  process.stdout.write(`wrote ${path}\n`);
}

// The GraphQL schema is composed from the domains' .graphql files (and, until they are ported, the
// SDL strings of the older modules); the resolver types are generated from what was composed.
const rendered = await renderPublicContracts();
for (const [kind, path] of Object.entries(publicContractPaths))
  await write(path, rendered[kind as keyof typeof rendered]);
await write(resolverTypesPath, await renderResolverTypes(rendered.graphql));
