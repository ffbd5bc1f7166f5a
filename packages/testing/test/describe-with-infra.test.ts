import { execFile } from "node:child_process";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const fixtures = join(dirname(fileURLToPath(import.meta.url)), "fixtures");
const vitestBin = join(dirname(createRequire(import.meta.url).resolve("vitest/package.json")), "vitest.mjs");

interface JsonReport {
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  testResults: { assertionResults: { title: string; status: string; failureMessages: string[] }[] }[];
}

/** Runs the fixture suite in a child vitest with `env` layered over a copy of this process's env without CI or REDIS_URL. */
function runFixture(env: Record<string, string>): Promise<{ exitCode: number; report: JsonReport }> {
  const {
    CI: _ci,
    REDIS_URL: _redis,
    VITEST: _vitest,
    VITEST_POOL_ID: _pool,
    VITEST_WORKER_ID: _worker,
    ...base
  } = process.env;
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [vitestBin, "run", "--root", fixtures, "--config", join(fixtures, "vitest.config.ts")],
      { env: { ...base, ...env }, cwd: fixtures, timeout: 60_000 },
      (error, stdout, stderr) => {
        const exitCode = error ? (typeof error.code === "number" ? error.code : -1) : 0;
        const start = stdout.indexOf("{");
        if (start < 0) {
          reject(new Error(`no JSON report (exit ${exitCode}):\n${stdout}\n${stderr}`));
          return;
        }
        resolve({ exitCode, report: JSON.parse(stdout.slice(start)) as JsonReport });
      },
    );
  });
}

function results(report: JsonReport) {
  return report.testResults.flatMap((file) => file.assertionResults);
}

describe("describeWithInfra", () => {
  it("fails, not skips, under CI when the variable is missing, naming it", async () => {
    const { exitCode, report } = await runFixture({ CI: "true" });

    expect(exitCode).not.toBe(0);
    expect(report.numFailedTests).toBe(1);
    const [failed] = results(report);
    expect(failed?.status).toBe("failed");
    expect(failed?.failureMessages.join("\n")).toMatch(/REDIS_URL is not set but CI=true/);
  });

  it("skips outside CI when the variable is missing", async () => {
    const { exitCode, report } = await runFixture({});

    expect(exitCode).toBe(0);
    expect(report.numFailedTests).toBe(0);
    expect(report.numPassedTests).toBe(0);
    expect(report.numPendingTests).toBe(1);
  });

  it("runs the suite with the URL when the variable is set", async () => {
    const { exitCode, report } = await runFixture({ CI: "true", REDIS_URL: "redis://fixture.invalid:6379" });

    expect(exitCode).toBe(0);
    expect(report.numPassedTests).toBe(1);
    expect(results(report)[0]?.title).toBe("receives the URL");
  });
});
