export * from "./free-port.js";
export * from "./infra.js";
export * from "./nats-server.js";
export * from "./wait-for.js";
