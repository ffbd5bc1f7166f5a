-- Stock per variant, its movements ledger and checkout reservations (ADR 0015).
CREATE SCHEMA IF NOT EXISTS "inventory";
--> statement-breakpoint
CREATE TABLE "inventory"."stock_levels" (
	"variant_id" uuid PRIMARY KEY NOT NULL,
	"product_id" uuid NOT NULL,
	"on_hand" bigint DEFAULT 0 NOT NULL,
	"reserved" bigint DEFAULT 0 NOT NULL,
	"low_stock_threshold" bigint,
	"low" boolean DEFAULT false NOT NULL,
	"version" bigint DEFAULT 0 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "stock_levels_on_hand_check" CHECK ("on_hand" >= 0),
	CONSTRAINT "stock_levels_reserved_check" CHECK ("reserved" >= 0 AND "reserved" <= "on_hand"),
	CONSTRAINT "stock_levels_threshold_check" CHECK ("low_stock_threshold" IS NULL OR "low_stock_threshold" >= 0)
);
--> statement-breakpoint
CREATE INDEX "stock_levels_product_idx" ON "inventory"."stock_levels" USING btree ("product_id");
--> statement-breakpoint
CREATE TABLE "inventory"."movements" (
	"id" uuid PRIMARY KEY NOT NULL,
	"variant_id" uuid NOT NULL REFERENCES "inventory"."stock_levels"("variant_id"),
	"quantity" bigint NOT NULL,
	"reason" text NOT NULL,
	"note" text DEFAULT '' NOT NULL,
	"actor_id" text NOT NULL,
	"reservation_id" uuid,
	"on_hand_after" bigint NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "movements_reason_check" CHECK ("reason" IN ('replenishment', 'adjustment', 'sale'))
);
--> statement-breakpoint
CREATE INDEX "movements_variant_idx" ON "inventory"."movements" USING btree ("variant_id", "id" DESC);
--> statement-breakpoint
CREATE TABLE "inventory"."reservations" (
	"id" uuid PRIMARY KEY NOT NULL,
	"status" text NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"settled_at" timestamp with time zone,
	CONSTRAINT "reservations_status_check" CHECK ("status" IN ('held', 'committed', 'released', 'expired'))
);
--> statement-breakpoint
CREATE INDEX "reservations_held_expiry_idx" ON "inventory"."reservations" USING btree ("expires_at") WHERE "status" = 'held';
--> statement-breakpoint
CREATE TABLE "inventory"."reservation_lines" (
	"reservation_id" uuid NOT NULL REFERENCES "inventory"."reservations"("id"),
	"variant_id" uuid NOT NULL REFERENCES "inventory"."stock_levels"("variant_id"),
	"quantity" bigint NOT NULL,
	PRIMARY KEY ("reservation_id", "variant_id"),
	CONSTRAINT "reservation_lines_quantity_check" CHECK ("quantity" > 0)
);
