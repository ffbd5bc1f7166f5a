export { loadSharp, type ProcessedImage, processImage } from "./image.js";
export { type PublishedRendition, publishImage } from "./publish.js";
