export { type RebuildOptions, rebuildSearchProjection } from "./search/index.js";
export * from "./service.js";
export type { ProductView, VariantChange } from "./store/catalog.store.js";
export {
  type SeedCatalogInput,
  type SeedCategory,
  type SeedProduct,
  type SeedStorefrontProjection,
  type SeedVariant,
  seedCatalog,
} from "./store/seed.js";
