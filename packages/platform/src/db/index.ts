export * from "./database.js";
export * from "./migrate.js";
export * from "./pglite-prepare.js";
export * from "./transaction-hooks.js";
