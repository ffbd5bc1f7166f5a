export * from "./consumer.js";
export * from "./envelope.js";
export * from "./event-bus.js";
export * from "./memory-event-bus.js";
export * from "./nats-event-bus.js";
export * from "./outbox.js";
export * from "./permanent-failure.js";
