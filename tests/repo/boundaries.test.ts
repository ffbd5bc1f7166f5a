import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

// The import boundaries of .dependency-cruiser.cjs hold for the tree, and each rule does catch the
// import it forbids: a probe file that breaks it is put in place for one run of the checker.

const root = join(import.meta.dirname, "../..");
const run = promisify(execFile);

/** Names of the rules the checker reports broken among `paths` (relative to the repository). */
async function brokenRules(...paths: string[]): Promise<string[]> {
  const bin = join(root, "node_modules/.bin/depcruise");
  const { stdout } = await run(
    bin,
    [...paths, "--config", ".dependency-cruiser.cjs", "--output-type", "json"],
    { cwd: root, maxBuffer: 64 * 1024 * 1024 },
  ).catch((error: { stdout?: string }) => ({ stdout: error.stdout ?? "" }));
  const report = JSON.parse(stdout) as { summary: { violations: { rule: { name: string } }[] } };
  return [...new Set(report.summary.violations.map((v) => v.rule.name))].sort();
}

/** Runs the checker on a probe file at `path` with `source`, and removes it afterwards. */
async function probe(path: string, source: string): Promise<string[]> {
  const file = join(root, path);
  await writeFile(file, source);
  try {
    return await brokenRules(path);
  } finally {
    await rm(file, { force: true });
  }
}

describe("import boundaries", { timeout: 60_000 }, () => {
  const tag = randomBytes(4).toString("hex");

  it("hold for the whole tree", async () => {
    expect(await brokenRules("packages", "services", "apps", "tests")).toEqual([]);
  });

  it("keep one service from importing another", async () => {
    expect(
      await probe(
        `services/orders/src/probe-${tag}.ts`,
        'export { inventoryService } from "../../inventory/src/service.js";\n',
      ),
    ).toContain("services-stay-apart");
  });

  it("keep test helpers out of production code", async () => {
    expect(
      await probe(`services/orders/src/probe-${tag}.ts`, 'export { freePort } from "@mercato/testing";\n'),
    ).toContain("no-test-code-in-production");
  });

  it("keep the gateway free of databases and the bus", async () => {
    expect(
      await probe(
        `services/gateway/src/probe-${tag}.ts`,
        'export { Database } from "@mercato/platform/db";\n',
      ),
    ).toEqual(["gateway-holds-no-state"]);
  });

  it("keep the gateway off the platform's barrel", async () => {
    expect(
      await probe(
        `services/gateway/src/probe-${tag}.ts`,
        'export { DomainError } from "@mercato/platform";\n',
      ),
    ).toEqual(["gateway-takes-platform-parts"]);
  });

  it("keep the platform's parts off its barrel", async () => {
    expect(
      await probe(`packages/platform/src/errors/probe-${tag}.ts`, 'export * from "../index.js";\n'),
    ).toContain("platform-parts-stand-alone");
  });
});
