export * from "./config.js";
export * from "./events/storefront-events.js";
export * from "./service.js";
export { statusToProto, storefrontToProto } from "./store/mappers.js";
export type { StorefrontRow } from "./store/schema.js";
export { type SeedStorefront, seedStorefronts } from "./store/seed.js";
