export * from "./config.js";
export * from "./events/stock-events.js";
export * from "./service.js";
export * from "./store/stock.store.js";
