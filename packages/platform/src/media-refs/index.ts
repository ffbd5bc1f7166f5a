export * from "./media-refs.js";
