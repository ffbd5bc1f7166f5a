-- Seller balances per storefront and currency, their ledger and payouts (ADR 0016).
CREATE TABLE "sellers"."balances" (
	"storefront_id" uuid NOT NULL,
	"currency" text NOT NULL,
	"available_minor" bigint DEFAULT 0 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "balances_storefront_id_currency_pk" PRIMARY KEY("storefront_id","currency"),
	CONSTRAINT "balances_currency_check" CHECK ("currency" ~ '^[A-Z]{3}$'),
	CONSTRAINT "balances_available_check" CHECK ("available_minor" >= 0)
);
--> statement-breakpoint
CREATE TABLE "sellers"."ledger_entries" (
	"id" uuid PRIMARY KEY NOT NULL,
	"storefront_id" uuid NOT NULL,
	"currency" text NOT NULL,
	"kind" text NOT NULL,
	"amount_minor" bigint NOT NULL,
	"balance_after_minor" bigint NOT NULL,
	"order_id" uuid,
	"payout_id" uuid,
	"gross_minor" bigint,
	"commission_minor" bigint,
	"commission_bps" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "ledger_entries_kind_check" CHECK ("kind" in ('order_credit', 'payout_debit', 'payout_reversal')),
	CONSTRAINT "ledger_entries_credit_check" CHECK ("kind" <> 'order_credit' or ("order_id" is not null and "payout_id" is null and "amount_minor" >= 0 and "amount_minor" = "gross_minor" - "commission_minor")),
	CONSTRAINT "ledger_entries_payout_check" CHECK ("kind" = 'order_credit' or ("payout_id" is not null and "order_id" is null and ("kind" = 'payout_debit') = ("amount_minor" < 0))),
	CONSTRAINT "ledger_entries_balance_check" CHECK ("balance_after_minor" >= 0)
);
--> statement-breakpoint
CREATE TABLE "sellers"."payouts" (
	"id" uuid PRIMARY KEY NOT NULL,
	"storefront_id" uuid NOT NULL,
	"currency" text NOT NULL,
	"amount_minor" bigint NOT NULL,
	"status" text NOT NULL,
	"requested_by" uuid NOT NULL,
	"provider" text NOT NULL,
	"provider_reference" text DEFAULT '' NOT NULL,
	"failure_reason" text DEFAULT '' NOT NULL,
	"decided_by" uuid,
	"requested_at" timestamp with time zone DEFAULT now() NOT NULL,
	"decided_at" timestamp with time zone,
	CONSTRAINT "payouts_amount_check" CHECK ("amount_minor" > 0),
	CONSTRAINT "payouts_status_check" CHECK ("status" in ('requested', 'paid', 'failed'))
);
--> statement-breakpoint
ALTER TABLE "sellers"."balances" ADD CONSTRAINT "balances_storefront_id_storefronts_id_fk" FOREIGN KEY ("storefront_id") REFERENCES "sellers"."storefronts"("id") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "sellers"."ledger_entries" ADD CONSTRAINT "ledger_entries_storefront_id_storefronts_id_fk" FOREIGN KEY ("storefront_id") REFERENCES "sellers"."storefronts"("id") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "sellers"."ledger_entries" ADD CONSTRAINT "ledger_entries_payout_id_payouts_id_fk" FOREIGN KEY ("payout_id") REFERENCES "sellers"."payouts"("id") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "sellers"."payouts" ADD CONSTRAINT "payouts_storefront_id_storefronts_id_fk" FOREIGN KEY ("storefront_id") REFERENCES "sellers"."storefronts"("id") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
CREATE UNIQUE INDEX "ledger_entries_order_idx" ON "sellers"."ledger_entries" USING btree ("order_id");
--> statement-breakpoint
CREATE UNIQUE INDEX "ledger_entries_payout_kind_idx" ON "sellers"."ledger_entries" USING btree ("payout_id","kind");
--> statement-breakpoint
CREATE INDEX "ledger_entries_storefront_idx" ON "sellers"."ledger_entries" USING btree ("storefront_id","id" DESC NULLS LAST);
--> statement-breakpoint
CREATE INDEX "payouts_storefront_idx" ON "sellers"."payouts" USING btree ("storefront_id","id" DESC NULLS LAST);
--> statement-breakpoint
CREATE INDEX "payouts_status_idx" ON "sellers"."payouts" USING btree ("status","id" DESC NULLS LAST);