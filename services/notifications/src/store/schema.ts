import { sql } from "drizzle-orm";
import {
  boolean,
  check,
  index,
  integer,
  jsonb,
  pgSchema,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";

/**
 * The notifications service's own PostgreSQL schema. The SQL migrations are the source (ADR 0033)
 * and tests/repo/schema-matches-migrations.test.ts checks this file agrees with them; drizzle-kit may
 * draft the next one with
 * `npx drizzle-kit generate --dialect postgresql --schema services/notifications/src/store/schema.ts --out services/notifications/src/store/migrations --name <change>`.
 */
export const notificationsSchema = pgSchema("notifications");

const timestamptz = (name: string) => timestamp(name, { withTimezone: true });

/** Who a user is to a notification: where to write and in which language (from users' profile events). */
export const recipients = notificationsSchema.table("recipients", {
  userId: uuid("user_id").primaryKey(),
  email: text("email").notNull().default(""),
  displayName: text("display_name").notNull().default(""),
  locale: text("locale").notNull().default("en"),
  updatedAt: timestamptz("updated_at").notNull().defaultNow(),
});

/** Each storefront's owner and name (from sellers' storefront events); the highest version wins. */
export const storefronts = notificationsSchema.table("storefronts", {
  id: uuid("id").primaryKey(),
  ownerId: uuid("owner_id").notNull(),
  name: text("name").notNull(),
  status: text("status").notNull().default(""),
  version: integer("version").notNull(),
});

/** Each product's storefront, title and status (from products' events), to tell sellers and followers. */
export const products = notificationsSchema.table("products", {
  id: uuid("id").primaryKey(),
  storefrontId: uuid("storefront_id").notNull(),
  title: text("title").notNull(),
  version: integer("version").notNull(),
  status: text("status").notNull().default(""),
});

/** Newly published products each follower has not been told of yet (marketing, sent in daily batches). */
export const marketingPending = notificationsSchema.table(
  "marketing_pending",
  {
    followerId: uuid("follower_id").notNull(),
    productId: uuid("product_id").notNull(),
    storefrontId: uuid("storefront_id").notNull(),
    title: text("title").notNull(),
    createdAt: timestamptz("created_at").notNull().defaultNow(),
  },
  (table) => [
    primaryKey({ columns: [table.followerId, table.productId] }),
    index("marketing_pending_created_idx").on(table.createdAt),
  ],
);

/** When each follower last heard of each storefront's new products: at most once a day. */
export const marketingSent = notificationsSchema.table(
  "marketing_sent",
  {
    followerId: uuid("follower_id").notNull(),
    storefrontId: uuid("storefront_id").notNull(),
    sentAt: timestamptz("sent_at").notNull(),
  },
  (table) => [primaryKey({ columns: [table.followerId, table.storefrontId] })],
);

/** The service's own settings, such as the key unsubscribe links are signed with. */
export const settings = notificationsSchema.table("settings", {
  name: text("name").primaryKey(),
  value: text("value").notNull(),
});

/** Who follows which storefront (from sellers' follow events). */
export const follows = notificationsSchema.table(
  "follows",
  {
    storefrontId: uuid("storefront_id").notNull(),
    userId: uuid("user_id").notNull(),
    followedAt: timestamptz("followed_at").notNull(),
  },
  (table) => [primaryKey({ columns: [table.storefrontId, table.userId] })],
);

/** A user's choices that differ from the defaults, per category and channel. */
export const preferences = notificationsSchema.table(
  "preferences",
  {
    userId: uuid("user_id").notNull(),
    category: text("category").notNull(),
    channel: text("channel").notNull(),
    enabled: boolean("enabled").notNull(),
    updatedAt: timestamptz("updated_at").notNull().defaultNow(),
  },
  (table) => [primaryKey({ columns: [table.userId, table.category, table.channel] })],
);

/** Push tokens of users' devices; a token belongs to one user at a time. */
export const deviceTokens = notificationsSchema.table(
  "device_tokens",
  {
    id: uuid("id").primaryKey(),
    userId: uuid("user_id").notNull(),
    platform: text("platform").notNull(),
    token: text("token").notNull(),
    /** sha256 of the token, hex: how it is looked up and logged. */
    tokenHash: text("token_hash").notNull(),
    label: text("label").notNull().default(""),
    createdAt: timestamptz("created_at").notNull().defaultNow(),
    lastSeenAt: timestamptz("last_seen_at").notNull().defaultNow(),
  },
  (table) => [
    uniqueIndex("device_tokens_token_hash_key").on(table.tokenHash),
    index("device_tokens_user_idx").on(table.userId, table.lastSeenAt),
    check("device_tokens_platform_check", sql`"platform" IN ('ios', 'android', 'web')`),
  ],
);

/** The in-app inbox (the platform's `inbox` table is the consumers' "seen" list). `key` (event and kind) makes one event give one entry per recipient. */
export const inbox = notificationsSchema.table(
  "inbox_entries",
  {
    id: uuid("id").primaryKey(),
    recipientId: uuid("recipient_id").notNull(),
    key: text("key").notNull(),
    kind: text("kind").notNull(),
    category: text("category").notNull(),
    title: text("title").notNull(),
    body: text("body").notNull(),
    data: jsonb("data").$type<Record<string, string>>().notNull(),
    createdAt: timestamptz("created_at").notNull().defaultNow(),
    readAt: timestamptz("read_at"),
  },
  (table) => [
    uniqueIndex("inbox_entries_recipient_key").on(table.recipientId, table.key),
    index("inbox_entries_recipient_idx").on(table.recipientId, table.id),
    index("inbox_entries_unread_idx").on(table.recipientId).where(sql`"read_at" IS NULL`),
  ],
);

/** What a delivery carries, rendered when it was created. */
export type DeliveryContent =
  | {
      channel: "email";
      to: string;
      subject: string;
      text: string;
      html: string;
      headers?: Record<string, string>;
    }
  | { channel: "push"; deviceId: string; title: string; body: string; data: Record<string, string> };

export type DeliveryStatus = "queued" | "sent" | "failed" | "dropped";

/**
 * One send on one channel to one recipient (and device, for push). `key` (event, kind, recipient,
 * channel, device) is unique: one event never gives two sends to the same place.
 */
export const deliveries = notificationsSchema.table(
  "deliveries",
  {
    id: uuid("id").primaryKey(),
    key: text("key").notNull(),
    recipientId: uuid("recipient_id").notNull(),
    channel: text("channel").notNull(),
    kind: text("kind").notNull(),
    content: jsonb("content").$type<DeliveryContent>().notNull(),
    status: text("status").$type<DeliveryStatus>().notNull(),
    attempts: integer("attempts").notNull().default(0),
    lastError: text("last_error").notNull().default(""),
    createdAt: timestamptz("created_at").notNull().defaultNow(),
    updatedAt: timestamptz("updated_at").notNull().defaultNow(),
  },
  (table) => [
    uniqueIndex("deliveries_key").on(table.key),
    index("deliveries_status_idx").on(table.status, table.updatedAt),
    check("deliveries_status_check", sql`"status" IN ('queued', 'sent', 'failed', 'dropped')`),
    check("deliveries_channel_check", sql`"channel" IN ('email', 'push')`),
  ],
);

export type DeliveryRow = typeof deliveries.$inferSelect;
export type InboxRow = typeof inbox.$inferSelect;
