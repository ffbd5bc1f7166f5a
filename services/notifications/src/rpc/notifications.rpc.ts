import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import type { ConnectRouter, HandlerContext } from "@connectrpc/connect";
import {
  CountUnreadResponseSchema,
  GetPreferencesResponseSchema,
  ListDeadLettersResponseSchema,
  ListDeviceTokensResponseSchema,
  ListNotificationsResponseSchema,
  MarkReadResponseSchema,
  NotificationsService,
  RegisterDeviceTokenResponseSchema,
  RequeueDeadLetterResponseSchema,
  UnregisterDeviceTokenResponseSchema,
  UnsubscribeResponseSchema,
  UpdatePreferencesResponseSchema,
} from "@mercato/contracts/mercato/notifications/v1/notifications_pb";
import {
  type Caller,
  FailedPrecondition,
  InvalidArgument,
  PermissionDenied,
  signedInCaller,
} from "@mercato/platform";
import { validate as isUuid } from "uuid";
import type { Dispatcher } from "../delivery.workflow.js";
import type { Preference } from "../domain/preferences.js";
import {
  categoryFromProto,
  categoryToProto,
  channelFromProto,
  channelToProto,
  platformFromProto,
  platformToProto,
} from "../domain/proto-enums.js";
import type { UnsubscribeTokens } from "../domain/unsubscribe.js";
import type { Deliveries } from "../store/deliveries.store.js";
import type { Device, Devices } from "../store/devices.store.js";
import type { Inbox } from "../store/inbox.store.js";
import type { Preferences } from "../store/preferences.store.js";
import type { InboxRow } from "../store/schema.js";

/** Page size of ListNotifications when the request asks for 0. */
export const defaultNotificationPage = 20;

export interface NotificationsDeps {
  inbox: Inbox;
  preferences: Preferences;
  devices: Devices;
  deliveries: Deliveries;
  dispatcher: Dispatcher;
  tokens: UnsubscribeTokens;
}

/** The signed-in user of a call; notifications belong to user accounts, whose ids are UUIDs. */
function requireUser(context: HandlerContext): Caller {
  const caller = signedInCaller(context);
  if (!isUuid(caller.id)) throw new PermissionDenied("only user accounts have notifications");
  return caller;
}

function requireAdmin(context: HandlerContext): Caller {
  const caller = signedInCaller(context);
  if (!caller.roles.includes("admin")) throw new PermissionDenied("only an admin sees dead letters");
  return caller;
}

const notificationToProto = (row: InboxRow) => ({
  id: row.id,
  kind: row.kind,
  category: categoryToProto[row.category as keyof typeof categoryToProto],
  title: row.title,
  body: row.body,
  data: row.data,
  createdAt: timestampFromDate(row.createdAt),
  ...(row.readAt ? { readAt: timestampFromDate(row.readAt) } : {}),
});

const preferenceToProto = (p: Preference) => ({
  category: categoryToProto[p.category],
  channel: channelToProto[p.channel],
  enabled: p.enabled,
  locked: p.locked,
});

const deviceToProto = (device: Device) => ({
  id: device.id,
  platform: platformToProto[device.platform],
  label: device.label,
  createdAt: timestampFromDate(device.createdAt),
  lastSeenAt: timestampFromDate(device.lastSeenAt),
});

/** Registers the NotificationsService handlers: each acts for the signed-in caller only. */
export function notificationsRoutes(router: ConnectRouter, deps: NotificationsDeps): void {
  const { inbox, preferences, devices, deliveries, dispatcher, tokens } = deps;
  router.service(NotificationsService, {
    async listNotifications(req, context) {
      const caller = requireUser(context);
      const page = await inbox.list(caller.id, {
        limit: req.limit || defaultNotificationPage,
        ...(req.cursor ? { cursor: req.cursor } : {}),
        unreadOnly: req.unreadOnly,
      });
      return create(ListNotificationsResponseSchema, {
        notifications: page.entries.map(notificationToProto),
        nextCursor: page.nextCursor,
      });
    },

    async countUnread(_req, context) {
      const caller = requireUser(context);
      return create(CountUnreadResponseSchema, { unread: await inbox.unread(caller.id) });
    },

    async markRead(req, context) {
      const caller = requireUser(context);
      if (req.all && req.ids.length > 0) throw InvalidArgument.field("ids", "must be empty when all is set");
      if (!req.all && req.ids.length === 0)
        throw InvalidArgument.field("ids", "name at least one, or set all");
      // An id that is no UUID this service makes (any hex passes the contract's rule) names nothing.
      const ids = req.ids.map((id) => id.toLowerCase()).filter((id) => isUuid(id));
      const result = await inbox.markRead(caller.id, req.all ? "all" : ids);
      return create(MarkReadResponseSchema, result);
    },

    async getPreferences(_req, context) {
      const caller = requireUser(context);
      return create(GetPreferencesResponseSchema, {
        preferences: (await preferences.of(caller.id)).map(preferenceToProto),
      });
    },

    async updatePreferences(req, context) {
      const caller = requireUser(context);
      const changes = req.preferences.map((p, i) => {
        const category = categoryFromProto.get(p.category);
        const channel = channelFromProto.get(p.channel);
        if (!category) throw InvalidArgument.field(`preferences[${i}].category`, "is not a category");
        if (!channel) throw InvalidArgument.field(`preferences[${i}].channel`, "is not a channel");
        return { category, channel, enabled: p.enabled };
      });
      return create(UpdatePreferencesResponseSchema, {
        preferences: (await preferences.update(caller.id, changes)).map(preferenceToProto),
      });
    },

    async registerDeviceToken(req, context) {
      const caller = requireUser(context);
      const platform = platformFromProto.get(req.platform);
      if (!platform) throw InvalidArgument.field("platform", "must be ios, android or web");
      const device = await devices.register(caller.id, {
        token: req.token,
        platform,
        label: req.label.trim(),
      });
      return create(RegisterDeviceTokenResponseSchema, { device: deviceToProto(device) });
    },

    async unregisterDeviceToken(req, context) {
      const caller = requireUser(context);
      const removed = await devices.unregister(caller.id, {
        ...(req.id ? { id: req.id.toLowerCase() } : {}),
        ...(req.token ? { token: req.token } : {}),
      });
      return create(UnregisterDeviceTokenResponseSchema, { removed });
    },

    async listDeviceTokens(_req, context) {
      const caller = requireUser(context);
      return create(ListDeviceTokensResponseSchema, {
        devices: (await devices.list(caller.id)).map(deviceToProto),
      });
    },

    async unsubscribe(req) {
      const named = tokens.verify(req.token);
      if (!named) throw InvalidArgument.field("token", "is not an unsubscribe link of this marketplace");
      await preferences.update(named.userId, [
        { category: named.category, channel: "email", enabled: false },
      ]);
      return create(UnsubscribeResponseSchema, { category: categoryToProto[named.category] });
    },

    async listDeadLetters(req, context) {
      requireAdmin(context);
      const rows = await deliveries.failed(req.limit || 50);
      return create(ListDeadLettersResponseSchema, {
        deadLetters: rows.map((row) => ({
          id: row.id,
          recipientId: row.recipientId,
          channel: channelToProto[row.channel as "email" | "push"],
          kind: row.kind,
          attempts: row.attempts,
          error: row.lastError,
          failedAt: timestampFromDate(row.updatedAt),
        })),
      });
    },

    async requeueDeadLetter(req, context) {
      requireAdmin(context);
      if (!(await dispatcher.requeue(req.id.toLowerCase())))
        throw new FailedPrecondition(`delivery ${req.id} is not a dead letter`);
      return create(RequeueDeadLetterResponseSchema, {});
    },
  });
}
