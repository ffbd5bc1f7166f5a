export * from "./circuit-breaker.js";
export * from "./client.js";
export * from "./cursor.js";
export * from "./endpoints.js";
export * from "./failures.js";
export * from "./listen.js";
export * from "./metadata.js";
export * from "./server.js";
