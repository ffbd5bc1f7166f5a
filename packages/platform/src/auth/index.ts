export * from "./jwks-authenticator.js";
export * from "./service-tokens.js";
export * from "./verified-tokens.js";
