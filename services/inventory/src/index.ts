export * from "./config.js";
export * from "./events/catalog.consumers.js";
export * from "./events/stock-events.js";
export * from "./service.js";
export * from "./store/catalog-projection.js";
export * from "./store/stock.store.js";
