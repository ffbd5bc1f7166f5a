CREATE SCHEMA IF NOT EXISTS "products";
--> statement-breakpoint
CREATE TABLE "products"."categories" (
	"id" uuid PRIMARY KEY NOT NULL,
	"parent_id" uuid,
	"name" text NOT NULL,
	"slug" text NOT NULL,
	"position" integer DEFAULT 0 NOT NULL,
	"status" text DEFAULT 'active' NOT NULL,
	"ancestor_ids" uuid[] DEFAULT '{}'::uuid[] NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "products"."products" (
	"id" uuid PRIMARY KEY NOT NULL,
	"storefront_id" uuid NOT NULL,
	"title" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"category_id" uuid NOT NULL,
	"attributes" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"option_names" text[] DEFAULT '{}'::text[] NOT NULL,
	"media_ids" uuid[] DEFAULT '{}'::uuid[] NOT NULL,
	"status" text DEFAULT 'draft' NOT NULL,
	"version" bigint DEFAULT 1 NOT NULL,
	"published_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "products"."storefronts" (
	"id" uuid PRIMARY KEY NOT NULL,
	"owner_id" uuid NOT NULL,
	"name" text NOT NULL,
	"slug" text NOT NULL,
	"status" text NOT NULL,
	"location" geography(Point, 4326) NOT NULL,
	"version" bigint NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "products"."variants" (
	"id" uuid PRIMARY KEY NOT NULL,
	"product_id" uuid NOT NULL,
	"storefront_id" uuid NOT NULL,
	"sku" text NOT NULL,
	"price_minor" bigint NOT NULL,
	"currency" text NOT NULL,
	"compare_at_minor" bigint,
	"options" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"position" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "products"."variants" ADD CONSTRAINT "variants_product_id_products_id_fk" FOREIGN KEY ("product_id") REFERENCES "products"."products"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "categories_slug_idx" ON "products"."categories" USING btree ("slug");--> statement-breakpoint
CREATE INDEX "categories_parent_idx" ON "products"."categories" USING btree ("parent_id","position");--> statement-breakpoint
CREATE INDEX "categories_ancestors_idx" ON "products"."categories" USING gin ("ancestor_ids");--> statement-breakpoint
CREATE INDEX "products_storefront_idx" ON "products"."products" USING btree ("storefront_id","id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "products_category_idx" ON "products"."products" USING btree ("category_id");--> statement-breakpoint
CREATE INDEX "storefronts_owner_idx" ON "products"."storefronts" USING btree ("owner_id");--> statement-breakpoint
CREATE UNIQUE INDEX "variants_storefront_sku_idx" ON "products"."variants" USING btree ("storefront_id","sku");--> statement-breakpoint
CREATE UNIQUE INDEX "variants_product_options_idx" ON "products"."variants" USING btree ("product_id","options");--> statement-breakpoint
CREATE INDEX "variants_product_idx" ON "products"."variants" USING btree ("product_id","position");