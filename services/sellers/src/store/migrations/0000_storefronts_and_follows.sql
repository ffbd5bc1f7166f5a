CREATE SCHEMA IF NOT EXISTS "sellers";
--> statement-breakpoint
CREATE TABLE "sellers"."follows" (
	"storefront_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "follows_storefront_id_user_id_pk" PRIMARY KEY("storefront_id","user_id")
);
--> statement-breakpoint
CREATE TABLE "sellers"."storefronts" (
	"id" uuid PRIMARY KEY NOT NULL,
	"owner_id" uuid NOT NULL,
	"name" text NOT NULL,
	"slug" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"logo_media_id" uuid,
	"banner_media_id" uuid,
	"contact_email" text DEFAULT '' NOT NULL,
	"contact_phone" text DEFAULT '' NOT NULL,
	"contact_website" text DEFAULT '' NOT NULL,
	"address_line1" text NOT NULL,
	"address_line2" text DEFAULT '' NOT NULL,
	"city" text NOT NULL,
	"region" text DEFAULT '' NOT NULL,
	"postal_code" text DEFAULT '' NOT NULL,
	"country_code" text NOT NULL,
	"location" geography(Point, 4326) NOT NULL,
	"status" text NOT NULL,
	"status_reason" text DEFAULT '' NOT NULL,
	"follower_count" integer DEFAULT 0 NOT NULL,
	"version" bigint DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "sellers"."follows" ADD CONSTRAINT "follows_storefront_id_storefronts_id_fk" FOREIGN KEY ("storefront_id") REFERENCES "sellers"."storefronts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "follows_user_idx" ON "sellers"."follows" USING btree ("user_id","created_at","storefront_id");--> statement-breakpoint
CREATE UNIQUE INDEX "storefronts_owner_id_idx" ON "sellers"."storefronts" USING btree ("owner_id");--> statement-breakpoint
CREATE UNIQUE INDEX "storefronts_slug_idx" ON "sellers"."storefronts" USING btree ("slug");--> statement-breakpoint
CREATE INDEX "storefronts_location_idx" ON "sellers"."storefronts" USING gist ("location");--> statement-breakpoint
CREATE INDEX "storefronts_newest_idx" ON "sellers"."storefronts" USING btree ("created_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "storefronts_country_idx" ON "sellers"."storefronts" USING btree ("country_code");--> statement-breakpoint
CREATE INDEX "storefronts_name_trgm_idx" ON "sellers"."storefronts" USING gin ("name" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "storefronts_description_trgm_idx" ON "sellers"."storefronts" USING gin ("description" gin_trgm_ops);