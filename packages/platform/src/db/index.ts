export * from "./database.js";
export * from "./migrate.js";
export * from "./transaction-hooks.js";
