export * from "./jwks-authenticator.js";
