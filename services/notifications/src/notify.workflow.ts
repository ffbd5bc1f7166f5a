import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { eventSubjects } from "@mercato/contracts/events";
import { afterCommit, type Outbox, type Tx } from "@mercato/platform";
import { type Category, isLocked } from "./domain/preferences.js";
import { categoryToProto } from "./domain/proto-enums.js";
import { categoryOf, languageOf, type Message, render } from "./domain/templates.js";
import type { Deliveries } from "./store/deliveries.store.js";
import type { Devices } from "./store/devices.store.js";
import { directory } from "./store/directory.store.js";
import type { Inbox } from "./store/inbox.store.js";
import type { Preferences } from "./store/preferences.store.js";

/** Where a delivery's job goes once the transaction that recorded it commits. */
export type Enqueue = (deliveryId: string, channel: "email" | "push") => void;

/**
 * Turns what happened into notifications, in the transaction of the event that said so (so the
 * inbox's "seen" mark and the notifications commit together): for each recipient, in their locale
 * and on the channels they chose, an in-app entry (announced as NotificationCreated for live
 * clients), an e-mail and a push per device. Each is keyed by event, kind, recipient, channel (and
 * device), so one event never gives two of the same; sends are queued once the transaction commits.
 */
export class Notifier {
  constructor(
    private readonly deps: {
      inbox: Inbox;
      preferences: Preferences;
      devices: Devices;
      deliveries: Deliveries;
      outbox: Outbox;
      enqueue: Enqueue;
      /** The one-click link that turns a category's e-mail off for a user (marketing e-mail carries it). */
      unsubscribeUrl: (userId: string, category: Category) => string;
    },
  ) {}

  /**
   * Notifies `recipientId` of `message`; `emailTo` sends its e-mail elsewhere than the profile's
   * address (the old address, when the address itself changed).
   */
  async notify(
    tx: Tx,
    eventId: string,
    recipientId: string,
    message: Message,
    options: { emailTo?: string } = {},
  ): Promise<void> {
    const { inbox, preferences, devices, deliveries, outbox } = this.deps;
    const recipient = await directory.recipient(tx, recipientId);
    const category = categoryOf[message.kind];
    const unsubscribe = isLocked(category, "email")
      ? undefined
      : this.deps.unsubscribeUrl(recipientId, category);
    const rendered = render(message, languageOf(recipient.locale), recipient.displayName, unsubscribe);
    const channels = await preferences.channels(tx, recipientId, rendered.category);
    const key = `${eventId}/${message.kind}/${recipientId}`;
    const queued: [string, "email" | "push"][] = [];

    if (channels.has("in_app")) {
      const entry = await inbox.add(tx, {
        recipientId,
        key,
        kind: message.kind,
        category: rendered.category,
        title: rendered.title,
        body: rendered.body,
        data: rendered.data,
      });
      if (entry) {
        await outbox.add(tx, eventSubjects.notifications.notificationCreated, {
          recipientId,
          notification: {
            id: entry.id,
            kind: entry.kind,
            category: categoryToProto[rendered.category],
            title: entry.title,
            body: entry.body,
            data: entry.data,
            createdAt: timestampFromDate(entry.createdAt),
          },
        });
      }
    }
    const emailTo = options.emailTo ?? recipient.email;
    if (channels.has("email") && emailTo) {
      const id = await deliveries.add(tx, {
        key: `${key}/email`,
        recipientId,
        kind: message.kind,
        content: {
          channel: "email",
          to: emailTo,
          subject: rendered.subject,
          text: rendered.text,
          html: rendered.html,
          // RFC 8058 one-click unsubscribe, for every category the user may turn off.
          ...(unsubscribe
            ? {
                headers: {
                  "List-Unsubscribe": `<${unsubscribe}>`,
                  "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
                },
              }
            : {}),
        },
      });
      if (id) queued.push([id, "email"]);
    }
    if (channels.has("push")) {
      for (const device of await devices.ofUser(tx, recipientId)) {
        const id = await deliveries.add(tx, {
          key: `${key}/push/${device.id}`,
          recipientId,
          kind: message.kind,
          content: {
            channel: "push",
            deviceId: device.id,
            title: rendered.title,
            body: rendered.body,
            data: rendered.data,
          },
        });
        if (id) queued.push([id, "push"]);
      }
    }
    if (queued.length > 0)
      afterCommit(tx, () => {
        for (const [id, channel] of queued) this.deps.enqueue(id, channel);
      });
  }
}
