export * from "./als.js";
export * from "./context.js";
