export * from "./captured-logs.js";
export * from "./free-port.js";
export * from "./infra.js";
export * from "./media-events.js";
export * from "./nats-server.js";
export * from "./outcome.js";
export * from "./redis-server.js";
export type { PrivateServer, ServerStopOptions } from "./server-process.js";
export * from "./wait-for.js";
