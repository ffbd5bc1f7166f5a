-- The search projection: one denormalised document per product, kept by the search consumers
-- and by rebuildSearchProjection. pg_trgm serves typo correction; postgis is the catalog's.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
--> statement-breakpoint
CREATE SCHEMA IF NOT EXISTS "products";
--> statement-breakpoint
CREATE TABLE "products"."search_documents" (
	"product_id" uuid PRIMARY KEY NOT NULL,
	"storefront_id" uuid NOT NULL,
	"category_id" uuid NOT NULL,
	"category_path" uuid[] DEFAULT '{}'::uuid[] NOT NULL,
	"category_visible" boolean DEFAULT false NOT NULL,
	"title" text NOT NULL,
	"media_id" uuid,
	"product_status" text NOT NULL,
	"product_version" bigint NOT NULL,
	"published_at" timestamp with time zone NOT NULL,
	"currency" text,
	"min_price_minor" bigint,
	"max_price_minor" bigint,
	"compare_at_minor" bigint,
	"option_pairs" text[] DEFAULT '{}'::text[] NOT NULL,
	"variant_options" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"in_stock" boolean DEFAULT true NOT NULL,
	"core_text" tsvector NOT NULL,
	"storefront_name" text DEFAULT '' NOT NULL,
	"storefront_status" text DEFAULT 'unknown' NOT NULL,
	"storefront_version" bigint DEFAULT 0 NOT NULL,
	"location" geography(Point, 4326),
	"search_text" tsvector GENERATED ALWAYS AS ("core_text" || setweight(to_tsvector('simple'::regconfig, "storefront_name"), 'D')) STORED,
	"visible" boolean GENERATED ALWAYS AS (
		"product_status" = 'active' AND "storefront_status" = 'active'
		AND "location" IS NOT NULL AND "min_price_minor" IS NOT NULL
	) STORED,
	"refreshed_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "search_documents_storefront_idx" ON "products"."search_documents" USING btree ("storefront_id");
--> statement-breakpoint
CREATE INDEX "search_documents_category_path_idx" ON "products"."search_documents" USING gin ("category_path");
--> statement-breakpoint
CREATE INDEX "search_documents_visible_location_idx" ON "products"."search_documents" USING gist ("location") WHERE "visible";
--> statement-breakpoint
CREATE INDEX "search_documents_visible_text_idx" ON "products"."search_documents" USING gin ("search_text") WHERE "visible";
--> statement-breakpoint
CREATE INDEX "search_documents_visible_options_idx" ON "products"."search_documents" USING gin ("option_pairs") WHERE "visible";
--> statement-breakpoint
CREATE INDEX "search_documents_visible_newest_idx" ON "products"."search_documents" USING btree ("published_at" DESC, "product_id" DESC) WHERE "visible";
--> statement-breakpoint
CREATE INDEX "search_documents_visible_price_idx" ON "products"."search_documents" USING btree ("min_price_minor", "product_id") WHERE "visible";
--> statement-breakpoint
CREATE INDEX "search_documents_visible_storefront_idx" ON "products"."search_documents" USING btree ("storefront_id", "published_at" DESC, "product_id" DESC) WHERE "visible";
--> statement-breakpoint
CREATE TABLE "products"."search_storefronts" (
	"id" uuid PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"status" text NOT NULL,
	"location" geography(Point, 4326) NOT NULL,
	"version" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "products"."search_variant_stock" (
	"variant_id" uuid PRIMARY KEY NOT NULL,
	"product_id" uuid,
	"available" bigint NOT NULL,
	"version" bigint NOT NULL
);
--> statement-breakpoint
CREATE INDEX "search_variant_stock_product_idx" ON "products"."search_variant_stock" USING btree ("product_id");
--> statement-breakpoint
CREATE TABLE "products"."search_lexicon" (
	"word" text PRIMARY KEY NOT NULL
);
--> statement-breakpoint
CREATE INDEX "search_lexicon_trgm_idx" ON "products"."search_lexicon" USING gist ("word" gist_trgm_ops);
