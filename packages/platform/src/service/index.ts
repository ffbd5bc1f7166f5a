export * from "./service.js";
export * from "./standalone.js";
