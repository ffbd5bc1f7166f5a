import { readdir, readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { generate } from "@graphql-codegen/cli";

const gateway = resolve(import.meta.dirname, "..");

/** Where the resolver types generated from the public GraphQL schema are checked in, relative to the repository root. */
export const resolverTypesPath = "services/gateway/src/gen/graphql.ts";

const header = "// Generated from contracts/graphql/schema.graphql by `npm run gen`. Do not edit.\n";

/**
 * Maps each GraphQL type to the model a domain resolves it from: a domain's `schemas.ts` that
 * exports a type or interface `<GraphQLType>Model` (say `StockLevelModel`) makes resolvers of that type receive
 * and return the model (its REST shape) instead of the GraphQL shape.
 */
async function domainMappers(sdl: string): Promise<Record<string, string>> {
  const mappers: Record<string, string> = {};
  const modules = resolve(gateway, "src/modules");
  for (const entry of await readdir(modules, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const source = await readFile(resolve(modules, entry.name, "schemas.ts"), "utf8").catch(() => "");
    for (const [, type] of source.matchAll(/^export (?:type|interface) (\w+)Model\b/gm)) {
      if (type && new RegExp(`^type ${type}\\b`, "m").test(sdl))
        mappers[type] = `../modules/${entry.name}/schemas.js#${type}Model`;
    }
  }
  return mappers;
}

/** Renders the resolver types of the public GraphQL schema `sdl` (GraphQL Code Generator: typescript, typescript-resolvers). */
export async function renderResolverTypes(sdl: string): Promise<string> {
  const [output] = await generate(
    {
      schema: sdl,
      silent: true,
      generates: {
        [resolverTypesPath]: {
          plugins: ["typescript", "typescript-resolvers"],
          config: {
            useTypeImports: true,
            enumsAsTypes: true,
            contextType: "../module.js#GraphqlContext",
            scalars: { SafeInt: { input: "number", output: "number | bigint" } },
            mappers: await domainMappers(sdl),
          },
        },
      },
    },
    false,
  );
  if (!output) throw new Error("GraphQL Code Generator wrote nothing");
  return `${header}${output.content}`;
}
