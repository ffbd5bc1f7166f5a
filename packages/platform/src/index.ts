export * from "./config/index.js";
export * from "./context/index.js";
export * from "./db/index.js";
export * from "./errors/index.js";
export * from "./events/index.js";
export * from "./kv/index.js";
export * from "./logging/index.js";
