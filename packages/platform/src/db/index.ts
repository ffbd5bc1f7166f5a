export * from "./database.js";
export * from "./kept-secret.js";
export * from "./migrate.js";
export * from "./pg-errors.js";
export * from "./pglite-prepare.js";
export * from "./prepared.js";
export * from "./transaction-hooks.js";
export * from "./type-parsers.js";
