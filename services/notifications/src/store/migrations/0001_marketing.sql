-- Marketing: products keep their status, followers their pending news and when they last heard it; the unsubscribe signing key (ADR 0038).
CREATE TABLE "notifications"."marketing_pending" (
	"follower_id" uuid NOT NULL,
	"product_id" uuid NOT NULL,
	"storefront_id" uuid NOT NULL,
	"title" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "marketing_pending_follower_id_product_id_pk" PRIMARY KEY("follower_id","product_id")
);
--> statement-breakpoint
CREATE TABLE "notifications"."marketing_sent" (
	"follower_id" uuid NOT NULL,
	"storefront_id" uuid NOT NULL,
	"sent_at" timestamp with time zone NOT NULL,
	CONSTRAINT "marketing_sent_follower_id_storefront_id_pk" PRIMARY KEY("follower_id","storefront_id")
);
--> statement-breakpoint
CREATE TABLE "notifications"."settings" (
	"name" text PRIMARY KEY NOT NULL,
	"value" text NOT NULL
);
--> statement-breakpoint
ALTER TABLE "notifications"."products" ADD COLUMN "status" text DEFAULT '' NOT NULL;--> statement-breakpoint
CREATE INDEX "marketing_pending_created_idx" ON "notifications"."marketing_pending" USING btree ("created_at");