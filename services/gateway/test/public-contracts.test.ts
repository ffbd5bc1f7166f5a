import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { renderResolverTypes, resolverTypesPath } from "../scripts/resolver-types.js";
import { publicContractPaths, renderPublicContracts } from "../src/public-contracts.js";

const root = resolve(import.meta.dirname, "../../..");

describe("checked-in public contracts", () => {
  it("match what the gateway's code generates (run `npm run gen` after changing routes or schema)", async () => {
    const rendered = await renderPublicContracts();
    expect(await readFile(resolve(root, publicContractPaths.openapi), "utf8")).toBe(rendered.openapi);
    expect(await readFile(resolve(root, publicContractPaths.graphql), "utf8")).toBe(rendered.graphql);
  });

  it("and the resolver types generated from the GraphQL schema are current (run `npm run gen` after changing SDL)", async () => {
    const { graphql } = await renderPublicContracts();
    expect(await readFile(resolve(root, resolverTypesPath), "utf8")).toBe(await renderResolverTypes(graphql));
  });

  it("document the error envelope and the health routes", async () => {
    const { openapi, graphql } = await renderPublicContracts();
    expect(openapi).toContain("ErrorEnvelope:");
    expect(openapi).toContain("/health/services:");
    expect(graphql).toContain("health: GatewayHealth!");
  });
});
