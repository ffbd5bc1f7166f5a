-- Who may manage each variant's stock: variants of products (from the products service's events)
-- and the owners of their storefronts (from the sellers service's events). ADR 0015.
CREATE TABLE "inventory"."catalog_variants" (
	"variant_id" uuid PRIMARY KEY NOT NULL,
	"product_id" uuid NOT NULL,
	"storefront_id" uuid NOT NULL,
	"product_version" bigint NOT NULL,
	"removed" boolean DEFAULT false NOT NULL
);
--> statement-breakpoint
CREATE INDEX "catalog_variants_product_idx" ON "inventory"."catalog_variants" USING btree ("product_id");
--> statement-breakpoint
CREATE TABLE "inventory"."storefront_owners" (
	"storefront_id" uuid PRIMARY KEY NOT NULL,
	"owner_id" uuid NOT NULL,
	"version" bigint NOT NULL
);
