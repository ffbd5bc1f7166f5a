import { type Static, Type } from "typebox";
import { closedObject, DateTime, nullable, page, ref, stringEnum, Uuid } from "../../rest-schema.js";
import type { OrderStatusName } from "../orders/schemas.js";

/** What a notification is about, as REST names it (GraphQL upper-cases it). */
export const categories = ["transactional", "security", "low_stock", "follows", "marketing"] as const;

/** A notification category as REST names it. */
export type CategoryName = (typeof categories)[number];

/** How a notification reaches its recipient, as REST names it (GraphQL upper-cases it). */
export const channels = ["email", "push", "in_app"] as const;

/** A channel as REST names it. */
export type ChannelName = (typeof channels)[number];

/** The kind of device a push token belongs to, as REST names it (GraphQL upper-cases it). */
export const platforms = ["ios", "android", "web"] as const;

/** A device platform as REST names it. */
export type PlatformName = (typeof platforms)[number];

/** One entry of the caller's in-app inbox. */
export const Notification = Type.Object(
  {
    id: Uuid,
    kind: Type.String({ description: "e.g. order.shipped or stock.low" }),
    category: stringEnum(categories),
    title: Type.String({ description: "in the recipient's locale" }),
    body: Type.String({ description: "in the recipient's locale" }),
    data: Type.Record(Type.String(), Type.String(), {
      description: "what it is about: order_id, storefront_id, variant_id, …",
    }),
    createdAt: DateTime,
    readAt: nullable(Type.String({ format: "date-time", description: "null while unread" })),
  },
  { $id: "Notification" },
);

/** What the GraphQL `Notification` resolves from. */
export type NotificationModel = Static<typeof Notification>;

/** A REST page of notifications, newest first. */
export const NotificationPage = page("NotificationPage", Notification);

/** REST query of the inbox: a page, and whether to keep to unread ones. */
export const NotificationQuery = closedObject({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
  cursor: Type.Optional(Type.String({ maxLength: 200, description: "nextCursor of the previous page" })),
  unreadOnly: Type.Optional(Type.Boolean({ description: "only unread notifications" })),
});

/** The query of a one-click unsubscribe link. */
export const UnsubscribeQuery = closedObject({
  token: Type.String({ minLength: 1, maxLength: 500, description: "the token parameter of the link" }),
});

/** What an unsubscribe turned off. */
export const Unsubscribed = Type.Object({ category: stringEnum(categories) }, { $id: "Unsubscribed" });

/** How many of the caller's notifications are unread. */
export const UnreadCount = Type.Object(
  { unread: Type.Integer({ minimum: 0 }) },
  { $id: "UnreadNotificationCount" },
);

/** REST body of marking notifications read: some of them by id, or all. */
export const MarkReadBody = closedObject({
  ids: Type.Optional(
    Type.Array(Uuid, {
      maxItems: 100,
      description: "the caller's notifications; others' and unknown ones are ignored",
    }),
  ),
  all: Type.Optional(
    Type.Boolean({ description: "every notification of the caller (ids must then be absent)" }),
  ),
});

/** How many notifications were marked read and how many are left unread. */
export const MarkReadResult = Type.Object(
  {
    marked: Type.Integer({ minimum: 0, description: "unread before, read now" }),
    unread: Type.Integer({ minimum: 0, description: "unread ones left" }),
  },
  { $id: "MarkNotificationsReadResult" },
);

/** What the GraphQL `MarkNotificationsReadResult` resolves from. */
export type MarkNotificationsReadResultModel = Static<typeof MarkReadResult>;

/** Whether the caller wants one category on one channel. */
export const Preference = Type.Object(
  {
    category: stringEnum(categories),
    channel: stringEnum(channels),
    enabled: Type.Boolean(),
    locked: Type.Boolean({ description: "cannot be turned off (transactional and security e-mail)" }),
  },
  { $id: "NotificationPreference" },
);

/** What the GraphQL `NotificationPreference` resolves from. */
export type NotificationPreferenceModel = Static<typeof Preference>;

/** Every category on every channel. */
export const PreferenceList = Type.Object(
  { preferences: Type.Array(ref(Preference)) },
  { $id: "NotificationPreferences" },
);

/** REST body of a preference change: the settings to change; the others keep their value. */
export const PreferencesBody = closedObject({
  preferences: Type.Array(
    closedObject({
      category: stringEnum(categories),
      channel: stringEnum(channels),
      enabled: Type.Boolean(),
    }),
    { minItems: 1, maxItems: 15 },
  ),
});

/** One setting to change, as REST and GraphQL clients send it (GraphQL lower-cased). */
export type PreferenceChange = Static<typeof PreferencesBody>["preferences"][number];

/** A registered push device as its owner sees it: never the token. */
export const Device = Type.Object(
  {
    id: Uuid,
    platform: stringEnum(platforms),
    label: nullable(Type.String({ description: "a name its owner gave it" })),
    createdAt: DateTime,
    lastSeenAt: DateTime,
  },
  { $id: "Device" },
);

/** What the GraphQL `Device` resolves from. */
export type DeviceModel = Static<typeof Device>;

/** The caller's devices, most recently seen first. */
export const DeviceList = Type.Object({ items: Type.Array(ref(Device)) }, { $id: "DeviceList" });

/** REST body of registering a push token. */
export const DeviceBody = closedObject({
  token: Type.String({
    minLength: 1,
    maxLength: 4096,
    description: "FCM registration token, or a Web Push subscription as JSON; never answered back",
  }),
  platform: stringEnum(platforms),
  label: Type.Optional(Type.String({ maxLength: 100, description: "a name for the device" })),
});

/** A delivery that failed every attempt (admins only). */
export const DeadLetter = Type.Object(
  {
    id: Uuid,
    recipientId: Type.String(),
    channel: stringEnum(channels),
    kind: Type.String(),
    attempts: Type.Integer({ minimum: 0 }),
    error: Type.String({ description: "the last error" }),
    failedAt: DateTime,
  },
  { $id: "NotificationDeadLetter" },
);

/** What the GraphQL `NotificationDeadLetter` resolves from. */
export type NotificationDeadLetterModel = Static<typeof DeadLetter>;

/** The newest dead letters. */
export const DeadLetterList = Type.Object(
  { items: Type.Array(ref(DeadLetter)) },
  { $id: "NotificationDeadLetterList" },
);

/** REST query of the dead letters: how many at most. */
export const DeadLetterQuery = closedObject({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 50 })),
});

/** A status change of one of the caller's orders, as a live update carries it (statuses lower-case). */
export interface OrderStatusUpdateModel {
  orderId: string;
  status: OrderStatusName;
  previousStatus: OrderStatusName | null;
  trackingNumber: string | null;
  carrier: string | null;
  changedAt: string;
}
