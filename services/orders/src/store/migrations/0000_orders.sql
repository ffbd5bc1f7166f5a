-- Carts, checkouts and orders with their frozen snapshots (ADR 0018).
CREATE SCHEMA IF NOT EXISTS "orders";
--> statement-breakpoint
CREATE TABLE "orders"."cart_lines" (
	"buyer_id" uuid NOT NULL,
	"variant_id" uuid NOT NULL,
	"quantity" integer NOT NULL,
	"price_when_added_minor" bigint NOT NULL,
	"currency_when_added" char(3) NOT NULL,
	"added_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	PRIMARY KEY ("buyer_id", "variant_id"),
	CONSTRAINT "cart_lines_quantity_check" CHECK ("quantity" > 0 AND "quantity" <= 1000)
);
--> statement-breakpoint
CREATE TABLE "orders"."checkouts" (
	"id" uuid PRIMARY KEY NOT NULL,
	"buyer_id" uuid NOT NULL,
	"idempotency_key" text NOT NULL,
	"request_hash" text NOT NULL,
	"status" text NOT NULL,
	"lines" jsonb NOT NULL,
	"from_cart" boolean NOT NULL,
	"error" jsonb,
	"lease_until" timestamp with time zone NOT NULL,
	"lease_token" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "checkouts_status_check" CHECK ("status" IN ('pending', 'completed', 'failed'))
);
--> statement-breakpoint
CREATE UNIQUE INDEX "checkouts_buyer_key_idx" ON "orders"."checkouts" USING btree ("buyer_id", "idempotency_key");
--> statement-breakpoint
CREATE INDEX "checkouts_pending_idx" ON "orders"."checkouts" USING btree ("lease_until") WHERE "status" = 'pending';
--> statement-breakpoint
CREATE TABLE "orders"."orders" (
	"id" uuid PRIMARY KEY NOT NULL,
	"checkout_id" uuid NOT NULL REFERENCES "orders"."checkouts"("id"),
	"buyer_id" uuid NOT NULL,
	"storefront_id" uuid NOT NULL,
	"seller_owner_id" text NOT NULL,
	"status" text NOT NULL,
	"currency" char(3) NOT NULL,
	"total_minor" bigint NOT NULL,
	"snapshot" jsonb NOT NULL,
	"carrier" text DEFAULT '' NOT NULL,
	"tracking_number" text DEFAULT '' NOT NULL,
	"version" bigint DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "orders_status_check" CHECK ("status" IN ('pending', 'placed', 'accepted', 'shipped', 'delivered', 'completed', 'cancelled')),
	CONSTRAINT "orders_total_check" CHECK ("total_minor" >= 0)
);
--> statement-breakpoint
CREATE UNIQUE INDEX "orders_checkout_storefront_idx" ON "orders"."orders" USING btree ("checkout_id", "storefront_id");
--> statement-breakpoint
CREATE INDEX "orders_buyer_idx" ON "orders"."orders" USING btree ("buyer_id", "id" DESC);
--> statement-breakpoint
CREATE INDEX "orders_seller_idx" ON "orders"."orders" USING btree ("seller_owner_id", "id" DESC);
--> statement-breakpoint
CREATE INDEX "orders_storefront_idx" ON "orders"."orders" USING btree ("storefront_id", "id" DESC);
--> statement-breakpoint
CREATE INDEX "orders_delivered_idx" ON "orders"."orders" USING btree ("updated_at") WHERE "status" = 'delivered';
--> statement-breakpoint
CREATE TABLE "orders"."order_history" (
	"order_id" uuid NOT NULL REFERENCES "orders"."orders"("id"),
	"seq" integer NOT NULL,
	"status" text NOT NULL,
	"actor_id" text NOT NULL,
	"reason" text DEFAULT '' NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	PRIMARY KEY ("order_id", "seq")
);
--> statement-breakpoint
-- The snapshot is written once at checkout; later changes (status, tracking) never touch it.
CREATE FUNCTION "orders"."snapshot_is_frozen"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF NEW.snapshot IS DISTINCT FROM OLD.snapshot THEN
		RAISE EXCEPTION 'order % snapshot is immutable', OLD.id USING ERRCODE = 'check_violation';
	END IF;
	RETURN NEW;
END $$;
--> statement-breakpoint
CREATE TRIGGER "orders_snapshot_frozen" BEFORE UPDATE ON "orders"."orders" FOR EACH ROW EXECUTE FUNCTION "orders"."snapshot_is_frozen"();
