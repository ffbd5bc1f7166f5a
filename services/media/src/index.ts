export { Collector } from "./collect.workflow.js";
export { MediaUrls } from "./domain/urls.js";
export * from "./service.js";
export { demoImageCount, demoMediaId, type SeedPicture, seedMediaLibrary } from "./store/seed.js";
