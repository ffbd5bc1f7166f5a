-- A cancelled order puts its sold units back on hand, once per order (ADR 0015, ADR 0017).
ALTER TABLE "inventory"."movements" DROP CONSTRAINT "movements_reason_check";
--> statement-breakpoint
ALTER TABLE "inventory"."movements" ADD CONSTRAINT "movements_reason_check" CHECK ("reason" IN ('replenishment', 'adjustment', 'sale', 'cancellation'));
--> statement-breakpoint
ALTER TABLE "inventory"."movements" ADD COLUMN "order_id" uuid;
--> statement-breakpoint
ALTER TABLE "inventory"."movements" ADD CONSTRAINT "movements_order_check" CHECK (("reason" = 'cancellation') = ("order_id" IS NOT NULL));
--> statement-breakpoint
CREATE UNIQUE INDEX "movements_cancellation_once_idx" ON "inventory"."movements" USING btree ("order_id", "variant_id") WHERE "reason" = 'cancellation';
--> statement-breakpoint
CREATE INDEX "movements_reservation_idx" ON "inventory"."movements" USING btree ("reservation_id", "variant_id") WHERE "reservation_id" IS NOT NULL;
--> statement-breakpoint
CREATE TABLE "inventory"."cancelled_orders" (
	"order_id" uuid PRIMARY KEY NOT NULL,
	"reservation_id" uuid NOT NULL,
	"restocked_at" timestamp with time zone DEFAULT now() NOT NULL
);
