export { UnsubscribeTokens } from "./domain/unsubscribe.js";
export * from "./service.js";
export { type NotificationsSeed, seedNotificationsDirectory } from "./store/seed.js";
