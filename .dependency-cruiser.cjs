/**
 * Import boundaries (issue 17), checked by `npm run lint:deps` as part of `npm run check`.
 * @type {import("dependency-cruiser").IConfiguration}
 */
module.exports = {
  forbidden: [
    {
      name: "services-stay-apart",
      comment:
        "A service never imports another; services share only packages/contracts and packages/platform.",
      severity: "error",
      from: { path: "^services/([^/]+)/src/" },
      to: { path: "^services/([^/]+)/", pathNot: "^services/$1/" },
    },
    {
      name: "no-test-code-in-production",
      comment: "Production code never loads test helpers, fixtures or contract suites.",
      severity: "error",
      from: {
        path: "^(services|packages|apps)/[^/]+/src/",
        pathNot: ["[.]test[.]ts$", "[.]contract[.]ts$", "/test-[^/]+[.]ts$", "^packages/testing/"],
      },
      to: { path: ["^packages/testing/", "[.]test[.]ts$", "[.]contract[.]ts$", "/test-[^/]+[.]ts$"] },
    },
    {
      name: "gateway-holds-no-state",
      comment: "The gateway is stateless: no database, event bus, outbox or mail of its own.",
      severity: "error",
      from: { path: "^services/gateway/src/" },
      to: { path: "^packages/platform/src/(db|events|messaging)/" },
    },
    {
      name: "gateway-takes-platform-parts",
      comment:
        "The gateway imports the platform's parts (@mercato/platform/errors, /rpc, ...), never the barrel that loads PGlite, pg, NATS and nodemailer.",
      severity: "error",
      from: { path: "^services/gateway/src/" },
      to: { path: "^packages/platform/src/index[.]ts$" },
    },
    {
      name: "platform-parts-stand-alone",
      comment: "Inside the platform a part imports another part's index or files, never the barrel.",
      severity: "error",
      from: { path: "^packages/platform/src/[^/]+/" },
      to: { path: "^packages/platform/src/index[.]ts$" },
    },
    {
      name: "no-circular",
      comment: "Modules that load each other at run time; a cycle of type imports only is harmless.",
      severity: "error",
      from: {},
      to: { circular: true, viaOnly: { dependencyTypesNot: ["type-only"] } },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "(^|/)(node_modules|gen|dist)/" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "require", "node", "default"],
      extensions: [".ts", ".js", ".json"],
    },
  },
};
