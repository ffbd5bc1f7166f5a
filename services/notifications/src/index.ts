export * from "./service.js";
export { type NotificationsSeed, seedNotificationsDirectory } from "./store/seed.js";
