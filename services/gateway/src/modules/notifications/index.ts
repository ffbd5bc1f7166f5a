import { defineDomain } from "../../domain.js";
import type { GatewayModule } from "../../module.js";
import { notificationsLiveFeeds } from "./live.js";
import { notificationsOperations } from "./operations.js";
import { notificationsResolvers } from "./resolvers.js";
import { notificationsRoutes } from "./routes.js";
import {
  DeadLetter,
  DeadLetterList,
  Device,
  DeviceList,
  MarkReadResult,
  Notification,
  NotificationPage,
  Preference,
  PreferenceList,
  UnreadCount,
  Unsubscribed,
} from "./schemas.js";

/**
 * The public surface of the notifications service: the caller's inbox (`notifications`,
 * `unreadNotificationCount`, `markNotificationsRead`), preferences, push devices, and the dead
 * letters for admins, in GraphQL and REST under /api/v1/notifications. Its connection uses the
 * PageInfo of the catalog modules. Over WebSocket, `notificationReceived` and `orderStatusChanged`
 * pass the caller's new notifications and order status changes on live (ADR 0039); the latter
 * uses the orders module's OrderStatus.
 */
export function notificationsGatewayModule(serviceName = "notifications"): GatewayModule {
  return defineDomain({
    name: "notifications",
    sdl: [new URL("./notifications.graphql", import.meta.url)],
    operations: (deps) => notificationsOperations(deps, serviceName),
    schemas: [
      Notification,
      NotificationPage,
      UnreadCount,
      MarkReadResult,
      Preference,
      PreferenceList,
      Device,
      DeviceList,
      DeadLetter,
      DeadLetterList,
      Unsubscribed,
    ],
    resolvers: notificationsResolvers,
    routes: notificationsRoutes,
    live: notificationsLiveFeeds,
  });
}
