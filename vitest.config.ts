import { defineConfig } from "vitest/config";

const include = [
  "packages/*/src/**/*.test.ts",
  "packages/*/test/**/*.test.ts",
  "services/*/test/**/*.test.ts",
  "services/*/src/**/*.test.ts",
  "apps/*/test/**/*.test.ts",
  "tests/**/*.test.ts",
];

// Files that start whole hosts, launch processes or stop and freeze private servers: they measure
// deadlines and outages, so they run one at a time after the rest, with both cores to themselves.
// The image recipe's test mostly waits on npm installs: it runs with the suites.
const alone = [
  "tests/**/*.test.ts",
  "apps/web/test/**/*.test.ts",
  "apps/host/test/!(image).test.ts",
  "**/*outage*.test.ts",
  "packages/testing/test/*-server.test.ts",
];

const shared = { testTimeout: 30_000, hookTimeout: 60_000, pool: "forks" } as const;

export default defineConfig({
  test: {
    reporters: ["default"],
    projects: [
      {
        // Unit, service and contract suites: two files at a time (each has its own databases).
        test: {
          ...shared,
          name: "suites",
          include,
          exclude: ["**/node_modules/**", ...alone],
          maxWorkers: 2,
          sequence: { groupOrder: 0 },
        },
      },
      {
        test: {
          ...shared,
          name: "alone",
          include: alone,
          exclude: ["**/node_modules/**"],
          fileParallelism: false,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
