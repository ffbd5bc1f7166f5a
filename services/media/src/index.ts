export { Collector } from "./collect.workflow.js";
export { MediaUrls } from "./domain/urls.js";
export * from "./service.js";
export {
  demoImageCount,
  demoMediaId,
  openSeedStore,
  type SeedPicture,
  seedMediaLibrary,
} from "./store/seed.js";
