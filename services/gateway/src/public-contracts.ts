import { parseConfig } from "@mercato/platform/config";
import { createLogger } from "@mercato/platform/logging";
import { createGateway } from "./app.js";
import { gatewayModules, upstreamServices } from "./catalog.js";
import { gatewayConfigSchema } from "./config.js";

/** Where the gateway's public contracts are checked in, relative to the repository root. */
export const publicContractPaths = {
  openapi: "contracts/openapi/gateway.v1.yaml",
  graphql: "contracts/graphql/schema.graphql",
} as const;

const header = "# Generated from the gateway's route schemas and modules by `npm run gen`. Do not edit.\n";

/** Renders the public OpenAPI document and GraphQL schema of the gateway as shipped (its catalog's modules). */
export async function renderPublicContracts(): Promise<{ openapi: string; graphql: string }> {
  const gateway = await createGateway({
    config: parseConfig(gatewayConfigSchema, { NODE_ENV: "production" }),
    services: upstreamServices.map((s) => ({ name: s.name, url: `http://127.0.0.1:${s.defaultPort}` })),
    modules: gatewayModules,
    logger: createLogger({ service: "gateway", level: "silent" }),
  });
  try {
    await gateway.app.ready();
    const openapi = gateway.app.swagger({ yaml: true });
    return { openapi: `${header}${openapi}`, graphql: `${header}${gateway.graphqlSchema}\n` };
  } finally {
    await gateway.app.close();
  }
}
