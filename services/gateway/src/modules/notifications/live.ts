import { fromBinary } from "@bufbuild/protobuf";
import { eventSubjects } from "@mercato/contracts/events";
import { type LiveDelivery, type LiveEvent, type LiveFeed, liveTopic } from "../../live-feed.js";
import { orNull } from "../catalog-common.js";
import type { OrderStatusName } from "../orders/schemas.js";
import { orderStatuses } from "../orders/schemas.js";
import { isoTime } from "../rest.js";
import { notificationJson } from "./operations.js";
import type { OrderStatusUpdateModel } from "./schemas.js";

const statuses = new Set<string>(orderStatuses);
const statusOf = (value: string) => (statuses.has(value) ? (value as OrderStatusName) : undefined);

/** Each new in-app notification goes to its recipient's `notificationReceived`. */
const notificationCreated: LiveFeed = {
  subject: eventSubjects.notifications.notificationCreated.subject,
  route(event: LiveEvent): LiveDelivery[] {
    const { recipientId, notification } = fromBinary(
      eventSubjects.notifications.notificationCreated.schema,
      event.payload,
    );
    if (!recipientId || !notification) return [];
    const model = notificationJson(notification);
    return [
      {
        topic: liveTopic("notificationReceived", recipientId),
        payload: {
          notificationReceived: { ...model, createdAt: model.createdAt ?? event.occurredAt.toISOString() },
        },
      },
    ];
  },
};

/**
 * Each status change of an order goes to its buyer's and its seller's `orderStatusChanged`: only
 * what the status line needs, not the order (clients read that with `order(id)`).
 */
function orderStatusFeed(subject: string, schema: typeof eventSubjects.orders.orderPlaced.schema): LiveFeed {
  return {
    subject,
    route(event: LiveEvent): LiveDelivery[] {
      const change = fromBinary(schema, event.payload);
      const status = statusOf(change.status);
      if (!change.orderId || !status) return [];
      const update: OrderStatusUpdateModel = {
        orderId: change.orderId,
        status,
        previousStatus: statusOf(change.previousStatus) ?? null,
        trackingNumber: orNull(change.trackingNumber),
        carrier: orNull(change.carrier),
        changedAt: isoTime(change.changedAt) ?? event.occurredAt.toISOString(),
      };
      const users = new Set([change.buyerId, change.sellerOwnerId].filter((id) => id !== ""));
      return [...users].map((userId) => ({
        topic: liveTopic("orderStatusChanged", userId),
        payload: { orderStatusChanged: update },
      }));
    },
  };
}

const { orderPlaced, orderAccepted, orderShipped, orderDelivered, orderCompleted, orderCancelled } =
  eventSubjects.orders;

/** What the notifications domain passes on live: new notifications and order status changes. */
export const notificationsLiveFeeds: readonly LiveFeed[] = [
  notificationCreated,
  ...[orderPlaced, orderAccepted, orderShipped, orderDelivered, orderCompleted, orderCancelled].map((event) =>
    orderStatusFeed(event.subject, event.schema),
  ),
];
