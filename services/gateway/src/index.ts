export * from "./app.js";
export * from "./catalog.js";
export * from "./config.js";
export * from "./envelope.js";
export * from "./graphql-schema.js";
export * from "./module.js";
export * from "./public-contracts.js";
export * from "./services.js";
