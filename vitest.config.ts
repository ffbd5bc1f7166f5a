import { defineConfig } from "vitest/config";

const include = [
  "packages/*/src/**/*.test.ts",
  "packages/*/test/**/*.test.ts",
  "services/*/test/**/*.test.ts",
  "services/*/src/**/*.test.ts",
  "apps/*/test/**/*.test.ts",
  "tests/**/*.test.ts",
];

// Files that stop, kill or freeze processes and servers (private ones) to measure deadlines and
// outages: one at a time after the rest, with both cores to themselves, so a deadline they assert
// is not missed for want of CPU.
const alone = [
  "tests/e2e/faults.test.ts",
  "tests/e2e/replicas.test.ts",
  "apps/host/test/distributed.test.ts",
  "apps/host/test/launcher.test.ts",
  "**/*outage*.test.ts",
  "packages/testing/test/*-server.test.ts",
];

// Files that start whole hosts or drive a browser and assert no deadline: two at a time after the
// suites (much of their time is spent waiting on processes, pages and sockets, not on the cores).
// The image recipe's test mostly waits on npm installs: it runs with the suites.
const paired = ["tests/e2e/*.test.ts", "apps/web/test/**/*.test.ts", "apps/host/test/!(image).test.ts"];

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
          exclude: ["**/node_modules/**", ...paired, ...alone],
          maxWorkers: 2,
          sequence: { groupOrder: 0 },
        },
      },
      {
        test: {
          ...shared,
          name: "paired",
          include: paired,
          exclude: ["**/node_modules/**", ...alone],
          maxWorkers: 2,
          sequence: { groupOrder: 1 },
        },
      },
      {
        test: {
          ...shared,
          name: "alone",
          include: alone,
          exclude: ["**/node_modules/**"],
          fileParallelism: false,
          sequence: { groupOrder: 2 },
        },
      },
    ],
  },
});
