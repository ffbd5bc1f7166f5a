import type { CodegenConfig } from "@graphql-codegen/cli";

// Types for every operation written with `graphql(...)` under src/, from the gateway's published
// schema. `npm run gen` runs it; contracts:check fails when src/gql is stale.
const config: CodegenConfig = {
  schema: "../../contracts/graphql/schema.graphql",
  documents: ["src/**/*.{ts,tsx}", "!src/gql/**"],
  ignoreNoDocuments: true,
  generates: {
    "src/gql/": {
      preset: "client",
      config: {
        enumsAsTypes: true,
        useTypeImports: true,
        scalars: { ID: "string", SafeInt: "number" },
        defaultScalarType: "unknown",
        avoidOptionals: false,
      },
      presetConfig: { fragmentMasking: false },
    },
  },
};

export default config;
