export * from "./fallback-key-value.js";
export * from "./key-value.js";
export * from "./memory-key-value.js";
export * from "./redis-key-value.js";
