import { defineConfig } from "vitest/config";

const include = [
  "packages/*/src/**/*.test.ts",
  "packages/*/test/**/*.test.ts",
  "services/*/test/**/*.test.ts",
  "services/*/src/**/*.test.ts",
  "apps/*/test/**/*.test.ts",
  "tests/**/*.test.ts",
];

// Files that start whole hosts or drive a browser and assert no deadline: two at a time after the
// suites (much of their time is spent waiting on processes, pages and sockets, not on the cores).
// The image recipe's test mostly waits on npm installs: it runs with the suites.
const paired = ["tests/e2e/*.test.ts", "apps/web/test/**/*.test.ts", "apps/host/test/!(image).test.ts"];

// Files that stop or freeze one private server and assert how fast callers notice: two at a time
// (they mostly wait), after the paired files.
const outages = ["**/*outage*.test.ts", "packages/testing/test/*-server.test.ts"];

// Files that kill processes of whole stacks under load and assert deadlines: one at a time, last,
// with both cores to themselves, so a deadline they assert is not missed for want of CPU.
const alone = [
  "tests/e2e/faults.test.ts",
  "tests/e2e/replicas.test.ts",
  "apps/host/test/distributed.test.ts",
  "apps/host/test/launcher.test.ts",
];

// The files that call between services run again on connect-node's transport and handler
// (RPC_DIRECT=off), the way back when the direct unary path (the default, ADR 0020) misbehaves
// (ADR 0034): the platform client, the gateway and its modules against their services, an upstream
// outage, the cart and inventory across services and checkout end to end. Each runs beside its
// group, not in a pass of its own after everything.
const connectPath: Record<string, string[]> = {
  suites: [
    "packages/platform/test/rpc-client.test.ts",
    "services/gateway/test/gateway.test.ts",
    "services/gateway/test/*-module.test.ts",
    "services/orders/test/cart.test.ts",
    "services/inventory/test/inventory-rpc.test.ts",
  ],
  paired: ["tests/e2e/checkout.test.ts"],
  outages: ["services/gateway/test/relayed-outage.test.ts"],
};

// The suites and the paired files share each worker's loaded modules from one file to the next
// (`isolate: false`, ADR 0055): importing the services, drizzle, the RPC stack and GraphQL anew for
// every file took a third of the suites' time. The outage and alone files keep a fresh process each:
// they stop servers and kill processes, and assert how fast things recover.
const groups = [
  { name: "suites", include, exclude: [...paired, ...outages, ...alone], maxWorkers: 2, isolate: false },
  { name: "paired", include: paired, exclude: [...outages, ...alone], maxWorkers: 2, isolate: false },
  { name: "outages", include: outages, exclude: [], maxWorkers: 2, isolate: true },
  { name: "alone", include: alone, exclude: [], maxWorkers: 1, isolate: true },
];

const shared = { testTimeout: 30_000, hookTimeout: 60_000, pool: "forks" } as const;

export default defineConfig({
  test: {
    reporters: ["default"],
    projects: groups.flatMap((group, groupOrder) => {
      const project = (name: string, files: string[], exclude: string[], env: Record<string, string>) => ({
        test: {
          ...shared,
          name,
          include: files,
          exclude: ["**/node_modules/**", ...exclude],
          maxWorkers: group.maxWorkers,
          isolate: group.isolate,
          sequence: { groupOrder },
          env,
        },
      });
      const twin = connectPath[group.name];
      return [
        project(group.name, group.include, group.exclude, {}),
        ...(twin ? [project(`${group.name}, RPC_DIRECT=off`, twin, [], { RPC_DIRECT: "off" })] : []),
      ];
    }),
  },
});
