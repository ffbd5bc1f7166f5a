export * from "./create-object-store.js";
export * from "./local-object-store.js";
export * from "./object-store.js";
export * from "./s3-object-store.js";
