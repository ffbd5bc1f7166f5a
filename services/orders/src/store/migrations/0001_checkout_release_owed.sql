-- A checkout given up keeps its key until inventory confirms its reservation is released (ADR 0026).
ALTER TABLE "orders"."checkouts" DROP CONSTRAINT "checkouts_status_check";
--> statement-breakpoint
ALTER TABLE "orders"."checkouts" ADD CONSTRAINT "checkouts_status_check" CHECK ("status" IN ('pending', 'completed', 'failed', 'abandoned'));
--> statement-breakpoint
ALTER TABLE "orders"."checkouts" ADD COLUMN "release_owed" boolean DEFAULT false NOT NULL;
--> statement-breakpoint
ALTER TABLE "orders"."checkouts" ADD CONSTRAINT "checkouts_abandoned_owes_check" CHECK ("status" <> 'abandoned' OR "release_owed");
--> statement-breakpoint
CREATE INDEX "checkouts_release_owed_idx" ON "orders"."checkouts" USING btree ("lease_until") WHERE "release_owed";
