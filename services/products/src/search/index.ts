export { searchConsumers } from "./consumers.js";
export { searchMigrations } from "./migrations.js";
export { type RebuildOptions, rebuildSearchProjection } from "./rebuild.js";
export { searchProducts } from "./search.js";
