alter table auth.signing_keys add column activates_at timestamptz;
--> statement-breakpoint
update auth.signing_keys set activates_at = created_at;
--> statement-breakpoint
alter table auth.signing_keys alter column activates_at set not null;
