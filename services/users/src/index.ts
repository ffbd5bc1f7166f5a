export * from "./service.js";
export { type SeedProfile, seedProfiles } from "./store/seed.js";
