export * from "./jwks-authenticator.js";
export * from "./service-tokens.js";
