-- A cart add under an idempotency key is remembered for a day, so a retry adds nothing (ADR 0029).
CREATE TABLE "orders"."cart_add_keys" (
	"buyer_id" uuid NOT NULL,
	"idempotency_key" text NOT NULL,
	"variant_id" uuid NOT NULL,
	"quantity" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	PRIMARY KEY ("buyer_id", "idempotency_key")
);
--> statement-breakpoint
CREATE INDEX "cart_add_keys_created_idx" ON "orders"."cart_add_keys" USING btree ("created_at");
