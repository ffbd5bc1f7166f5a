import {
  Category,
  Channel,
  type DeadLetter,
  type Device,
  DevicePlatform,
  type Notification,
  NotificationsService,
  type Preference,
} from "@mercato/contracts/mercato/notifications/v1/notifications_pb";
import { InvalidArgument } from "@mercato/platform/errors";
import type { GatewayDeps } from "../../module.js";
import { anyone, operation, signedIn, withRole } from "../../operation.js";
import type { PageRequest } from "../../rest-schema.js";
import { orNull } from "../catalog-common.js";
import { enumName, enumValue } from "../catalog-json.js";
import { isoTime } from "../rest.js";
import type {
  CategoryName,
  ChannelName,
  DeviceModel,
  MarkNotificationsReadResultModel,
  NotificationDeadLetterModel,
  NotificationModel,
  NotificationPreferenceModel,
  PlatformName,
  PreferenceChange,
} from "./schemas.js";

/** Dead letters are deliveries of anyone's notifications: admins only. */
const admins = withRole(["admin"], "dead letters are for admins");

/** A notification as clients see it: category lower-case, times ISO 8601, readAt null while unread. */
export function notificationJson(notification: Notification): NotificationModel {
  return {
    id: notification.id,
    kind: notification.kind,
    category: enumName(Category, notification.category) as CategoryName,
    title: notification.title,
    body: notification.body,
    data: { ...notification.data },
    createdAt: isoTime(notification.createdAt),
    readAt: isoTime(notification.readAt),
  };
}

function preferenceJson(preference: Preference): NotificationPreferenceModel {
  return {
    category: enumName(Category, preference.category) as CategoryName,
    channel: enumName(Channel, preference.channel) as ChannelName,
    enabled: preference.enabled,
    locked: preference.locked,
  };
}

/** A device as its owner sees it; the contract never carries the token back. */
function deviceJson(device: Device | undefined): DeviceModel {
  if (!device) throw new Error("the notifications service answered without a device");
  return {
    id: device.id,
    platform: enumName(DevicePlatform, device.platform) as PlatformName,
    label: orNull(device.label),
    createdAt: isoTime(device.createdAt),
    lastSeenAt: isoTime(device.lastSeenAt),
  };
}

function deadLetterJson(letter: DeadLetter): NotificationDeadLetterModel {
  return {
    id: letter.id,
    recipientId: letter.recipientId,
    channel: enumName(Channel, letter.channel) as ChannelName,
    kind: letter.kind,
    attempts: letter.attempts,
    error: letter.error,
    failedAt: isoTime(letter.failedAt),
  };
}

/** Which notifications to mark read: some by id, or all (absent or null is neither). */
export interface MarkReadInput {
  ids?: readonly string[] | null | undefined;
  all?: boolean | null | undefined;
}

/** A device named by its id or by its token: exactly one of them. */
export interface DeviceRef {
  id?: string | null | undefined;
  token?: string | null | undefined;
}

/**
 * The notifications domain's use cases on the notifications service `serviceName`: the inbox,
 * preferences and push devices are the signed-in caller's own (the service answers for the caller
 * of the token, so one user never reaches another's), the dead letters are for admins. Field names
 * in refusals are the service's; the adapters rename them.
 */
export function notificationsOperations({ services }: GatewayDeps, serviceName = "notifications") {
  const notifications = () => services.client(serviceName, NotificationsService);
  const preferenceList = (list: Preference[]) => list.map(preferenceJson);
  return {
    /** One page of the caller's in-app notifications, newest first. */
    list: operation(
      signedIn,
      async (_ctx, input: PageRequest & { unreadOnly?: boolean | null | undefined }) => {
        const page = await notifications().listNotifications({
          limit: input.limit,
          cursor: input.cursor,
          unreadOnly: input.unreadOnly === true,
        });
        return { items: page.notifications.map(notificationJson), nextCursor: page.nextCursor };
      },
    ),

    /** How many of the caller's notifications are unread. */
    unreadCount: operation(signedIn, async (_ctx, _input: object) => ({
      unread: (await notifications().countUnread({})).unread,
    })),

    /** Marks the named notifications of the caller read, or all of them. */
    markRead: operation(
      signedIn,
      async (_ctx, input: MarkReadInput): Promise<MarkNotificationsReadResultModel> => {
        const { marked, unread } = await notifications().markRead({
          ids: [...(input.ids ?? [])],
          all: input.all === true,
        });
        return { marked, unread };
      },
    ),

    /** Every category on every channel, as the caller chose or by default. */
    preferences: operation(signedIn, async (_ctx, _input: object) =>
      preferenceList((await notifications().getPreferences({})).preferences),
    ),

    /** Changes the given settings; transactional and security e-mail cannot be turned off. */
    updatePreferences: operation(
      signedIn,
      async (_ctx, input: { preferences: readonly PreferenceChange[] }) =>
        preferenceList(
          (
            await notifications().updatePreferences({
              preferences: input.preferences.map((p) => ({
                category: enumValue(Category, p.category),
                channel: enumValue(Channel, p.channel),
                enabled: p.enabled,
              })),
            })
          ).preferences,
        ),
    ),

    /** Records a push token of the caller's device (again: refreshes it); answers the device, never the token. */
    registerDevice: operation(
      signedIn,
      async (_ctx, input: { token: string; platform: PlatformName; label?: string | null | undefined }) =>
        deviceJson(
          (
            await notifications().registerDeviceToken({
              token: input.token,
              platform: enumValue(DevicePlatform, input.platform),
              label: input.label ?? "",
            })
          ).device,
        ),
    ),

    /** Forgets one of the caller's devices, by id or by token; false when the caller has no such device. */
    unregisterDevice: operation(signedIn, async (_ctx, input: DeviceRef) => {
      const id = input.id ?? "";
      const token = input.token ?? "";
      if ((id === "") === (token === ""))
        throw InvalidArgument.field("id", "name the device by id or by token");
      return (await notifications().unregisterDeviceToken({ id, token })).removed;
    }),

    /** The caller's devices, most recently seen first. */
    devices: operation(signedIn, async (_ctx, _input: object) =>
      (await notifications().listDeviceTokens({})).devices.map(deviceJson),
    ),

    /** Deliveries that failed every attempt, newest first (0 asks for the service's default, 50). */
    deadLetters: operation(admins, async (_ctx, input: { limit: number }) =>
      (await notifications().listDeadLetters({ limit: input.limit })).deadLetters.map(deadLetterJson),
    ),

    /**
     * Turns one category's e-mail off for the user an unsubscribe link names (RFC 8058 one-click);
     * the link's signed token is the only credential.
     */
    unsubscribe: operation(anyone, async (_ctx, input: { token: string }) => {
      const { category } = await notifications().unsubscribe({ token: input.token });
      return { category: enumName(Category, category) as CategoryName };
    }),

    /** Sends a dead-lettered delivery again with fresh attempts. */
    requeueDeadLetter: operation(admins, async (_ctx, input: { id: string }) => {
      await notifications().requeueDeadLetter({ id: input.id });
      return true;
    }),
  };
}

/** The notifications domain's operations. */
export type NotificationsOperations = ReturnType<typeof notificationsOperations>;
