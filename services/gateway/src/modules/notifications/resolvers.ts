import { graphqlPage, resolveWith } from "../../domain.js";
import type {
  DevicePlatform,
  NotificationCategory,
  NotificationChannel,
  OrderStatus,
  Resolvers,
} from "../../gen/graphql.js";
import { subscribeLive } from "../../live.js";
import { clientField, connection, pageSize } from "../catalog-common.js";
import { pairs } from "../catalog-json.js";
import type { NotificationsOperations } from "./operations.js";
import type {
  CategoryName,
  ChannelName,
  NotificationModel,
  OrderStatusUpdateModel,
  PlatformName,
} from "./schemas.js";

const lower = <S extends string>(value: S) => value.toLowerCase() as Lowercase<S>;
const upper = <S extends string>(value: S) => value.toUpperCase() as Uppercase<S>;

/** GraphQL arguments as the client named them: camelCase, with no renames (`limit` stays `limit`). */
const args = clientField(null);

/** GraphQL of the notifications domain: each field calls its operation; enums go upper-case. */
export function notificationsResolvers(ops: NotificationsOperations): Resolvers {
  return {
    Notification: {
      category: (n) => upper(n.category) as NotificationCategory,
      data: (n) => pairs(n.data),
    },
    NotificationPreference: {
      category: (p) => upper(p.category) as NotificationCategory,
      channel: (p) => upper(p.channel) as NotificationChannel,
    },
    Device: { platform: (d) => upper(d.platform) as DevicePlatform },
    NotificationDeadLetter: { channel: (d) => upper(d.channel) as NotificationChannel },
    OrderStatusUpdate: {
      status: (u) => upper(u.status) as OrderStatus,
      previousStatus: (u) => (u.previousStatus ? (upper(u.previousStatus) as OrderStatus) : null),
    },
    // The caller's own updates only: the topic is its user id, taken from the connection's token.
    Subscription: {
      notificationReceived: {
        subscribe: (_root, _args, context) =>
          subscribeLive<{ notificationReceived: NotificationModel }>(context, "notificationReceived"),
      },
      orderStatusChanged: {
        subscribe: (_root, _args, context) =>
          subscribeLive<{ orderStatusChanged: OrderStatusUpdateModel }>(context, "orderStatusChanged"),
      },
    },
    Query: {
      notifications: resolveWith(
        ops.list,
        (a) => ({ ...graphqlPage(a), unreadOnly: a.unreadOnly === true }),
        { answer: (page) => connection(page.items, page.nextCursor) },
      ),
      unreadNotificationCount: resolveWith(ops.unreadCount, () => ({}), { answer: (count) => count.unread }),
      notificationPreferences: resolveWith(ops.preferences, () => ({})),
      deviceTokens: resolveWith(ops.devices, () => ({})),
      notificationDeadLetters: resolveWith(
        ops.deadLetters,
        // Null asks for the service's default (50); anything else must be 1 to 100.
        (a) => ({ limit: a.limit === null || a.limit === undefined ? 0 : pageSize(a.limit, "limit") }),
        { names: args },
      ),
    },
    Mutation: {
      markNotificationsRead: resolveWith(ops.markRead, (a) => ({ ids: a.ids, all: a.all }), { names: args }),
      updateNotificationPreferences: resolveWith(
        ops.updatePreferences,
        (a) => ({
          preferences: a.preferences.map((p) => ({
            category: lower(p.category) as CategoryName,
            channel: lower(p.channel) as ChannelName,
            enabled: p.enabled,
          })),
        }),
        { names: args },
      ),
      registerDeviceToken: resolveWith(
        ops.registerDevice,
        (a) => ({ token: a.token, platform: lower(a.platform) as PlatformName, label: a.label }),
        { names: args },
      ),
      unregisterDeviceToken: resolveWith(ops.unregisterDevice, (a) => ({ id: a.id, token: a.token }), {
        names: args,
      }),
      requeueNotificationDeadLetter: resolveWith(ops.requeueDeadLetter, (a) => ({ id: a.id }), {
        names: args,
      }),
      unsubscribeNotifications: resolveWith(ops.unsubscribe, (a) => ({ token: a.token }), {
        names: args,
        answer: (result) => upper(result.category) as NotificationCategory,
      }),
    },
  };
}
