export { type AuthConfig, authConfigSchema } from "./config.js";
export { authService, jwksPath } from "./service.js";
export { type SeedSellerAccount, seedSellerAccounts } from "./store/seed.js";
