export * from "./postal-address.js";
