export * from "./setup.js";
export * from "./traced-queue.js";
export * from "./tracing.js";
