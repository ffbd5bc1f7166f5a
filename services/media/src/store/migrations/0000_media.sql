-- Uploaded media, the object keys their files use, and what shows them (ADR 0040).
CREATE SCHEMA IF NOT EXISTS "media";
--> statement-breakpoint
CREATE TABLE "media"."assets" (
	"id" uuid PRIMARY KEY NOT NULL,
	"owner_id" uuid NOT NULL,
	"purpose" text NOT NULL,
	"status" text NOT NULL,
	"kind" text,
	"declared_type" text NOT NULL,
	"content_type" text,
	"byte_size" bigint NOT NULL,
	"upload_key" text NOT NULL,
	"upload_expires_at" timestamp with time zone NOT NULL,
	"width" integer,
	"height" integer,
	"placeholder" text,
	"dominant_color" text,
	"renditions" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"video" jsonb,
	"progress" integer DEFAULT 0 NOT NULL,
	"failure_reason" text,
	"unreferenced_since" timestamp with time zone,
	"files_deleted_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "assets_purpose_check" CHECK ("media"."assets"."purpose" IN ('product', 'storefront_logo', 'storefront_banner', 'avatar')),
	CONSTRAINT "assets_status_check" CHECK ("media"."assets"."status" IN ('pending_upload', 'processing', 'ready', 'failed', 'deleted')),
	CONSTRAINT "assets_kind_check" CHECK ("media"."assets"."kind" IN ('image', 'video')),
	CONSTRAINT "assets_progress_check" CHECK ("media"."assets"."progress" BETWEEN 0 AND 100)
);
--> statement-breakpoint
CREATE TABLE "media"."objects" (
	"media_id" uuid NOT NULL,
	"key" text NOT NULL,
	CONSTRAINT "objects_media_id_key_pk" PRIMARY KEY("media_id","key")
);
--> statement-breakpoint
CREATE TABLE "media"."references" (
	"media_id" uuid NOT NULL,
	"referrer" text NOT NULL,
	CONSTRAINT "references_media_id_referrer_pk" PRIMARY KEY("media_id","referrer")
);
--> statement-breakpoint
CREATE TABLE "media"."referrers" (
	"referrer" text PRIMARY KEY NOT NULL,
	"version" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "media"."settings" (
	"name" text PRIMARY KEY NOT NULL,
	"value" text NOT NULL
);
--> statement-breakpoint
CREATE INDEX "assets_owner_idx" ON "media"."assets" USING btree ("owner_id","id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "assets_collect_idx" ON "media"."assets" USING btree ("unreferenced_since") WHERE "media"."assets"."unreferenced_since" IS NOT NULL AND "media"."assets"."files_deleted_at" IS NULL;--> statement-breakpoint
CREATE INDEX "assets_pending_idx" ON "media"."assets" USING btree ("upload_expires_at") WHERE "media"."assets"."status" = 'pending_upload';--> statement-breakpoint
CREATE INDEX "objects_key_idx" ON "media"."objects" USING btree ("key");--> statement-breakpoint
CREATE INDEX "references_referrer_idx" ON "media"."references" USING btree ("referrer");