-- The in-app inbox, preferences, device tokens, deliveries and the projections they need (ADR 0038).
CREATE SCHEMA IF NOT EXISTS "notifications";
--> statement-breakpoint
CREATE TABLE "notifications"."deliveries" (
	"id" uuid PRIMARY KEY NOT NULL,
	"key" text NOT NULL,
	"recipient_id" uuid NOT NULL,
	"channel" text NOT NULL,
	"kind" text NOT NULL,
	"content" jsonb NOT NULL,
	"status" text NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"last_error" text DEFAULT '' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "deliveries_status_check" CHECK ("status" IN ('queued', 'sent', 'failed', 'dropped')),
	CONSTRAINT "deliveries_channel_check" CHECK ("channel" IN ('email', 'push'))
);
--> statement-breakpoint
CREATE TABLE "notifications"."device_tokens" (
	"id" uuid PRIMARY KEY NOT NULL,
	"user_id" uuid NOT NULL,
	"platform" text NOT NULL,
	"token" text NOT NULL,
	"token_hash" text NOT NULL,
	"label" text DEFAULT '' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "device_tokens_platform_check" CHECK ("platform" IN ('ios', 'android', 'web'))
);
--> statement-breakpoint
CREATE TABLE "notifications"."follows" (
	"storefront_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"followed_at" timestamp with time zone NOT NULL,
	CONSTRAINT "follows_storefront_id_user_id_pk" PRIMARY KEY("storefront_id","user_id")
);
--> statement-breakpoint
CREATE TABLE "notifications"."inbox_entries" (
	"id" uuid PRIMARY KEY NOT NULL,
	"recipient_id" uuid NOT NULL,
	"key" text NOT NULL,
	"kind" text NOT NULL,
	"category" text NOT NULL,
	"title" text NOT NULL,
	"body" text NOT NULL,
	"data" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"read_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "notifications"."preferences" (
	"user_id" uuid NOT NULL,
	"category" text NOT NULL,
	"channel" text NOT NULL,
	"enabled" boolean NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "preferences_user_id_category_channel_pk" PRIMARY KEY("user_id","category","channel")
);
--> statement-breakpoint
CREATE TABLE "notifications"."products" (
	"id" uuid PRIMARY KEY NOT NULL,
	"storefront_id" uuid NOT NULL,
	"title" text NOT NULL,
	"version" integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE "notifications"."recipients" (
	"user_id" uuid PRIMARY KEY NOT NULL,
	"email" text DEFAULT '' NOT NULL,
	"display_name" text DEFAULT '' NOT NULL,
	"locale" text DEFAULT 'en' NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "notifications"."storefronts" (
	"id" uuid PRIMARY KEY NOT NULL,
	"owner_id" uuid NOT NULL,
	"name" text NOT NULL,
	"status" text DEFAULT '' NOT NULL,
	"version" integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX "deliveries_key" ON "notifications"."deliveries" USING btree ("key");--> statement-breakpoint
CREATE INDEX "deliveries_status_idx" ON "notifications"."deliveries" USING btree ("status","updated_at");--> statement-breakpoint
CREATE UNIQUE INDEX "device_tokens_token_hash_key" ON "notifications"."device_tokens" USING btree ("token_hash");--> statement-breakpoint
CREATE INDEX "device_tokens_user_idx" ON "notifications"."device_tokens" USING btree ("user_id","last_seen_at");--> statement-breakpoint
CREATE UNIQUE INDEX "inbox_entries_recipient_key" ON "notifications"."inbox_entries" USING btree ("recipient_id","key");--> statement-breakpoint
CREATE INDEX "inbox_entries_recipient_idx" ON "notifications"."inbox_entries" USING btree ("recipient_id","id");--> statement-breakpoint
CREATE INDEX "inbox_entries_unread_idx" ON "notifications"."inbox_entries" USING btree ("recipient_id") WHERE "read_at" IS NULL;