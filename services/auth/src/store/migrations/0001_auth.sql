create table auth.accounts (
  id uuid primary key,
  roles text[] not null,
  phone text unique,
  email text unique,
  password_hash text,
  email_verified_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint accounts_identity check (phone is not null or email is not null),
  constraint accounts_email_lower check (email = lower(email))
);
--> statement-breakpoint
create table auth.otp_challenges (
  phone text primary key,
  code_hash text not null,
  attempts integer not null default 0,
  expires_at timestamptz not null,
  sent_at timestamptz not null
);
--> statement-breakpoint
create table auth.email_tokens (
  token_hash text primary key,
  account_id uuid not null references auth.accounts (id) on delete cascade,
  purpose text not null check (purpose in ('verify_email', 'reset_password')),
  email text not null,
  expires_at timestamptz not null,
  used_at timestamptz,
  created_at timestamptz not null default now()
);
--> statement-breakpoint
create index email_tokens_account on auth.email_tokens (account_id, purpose);
--> statement-breakpoint
create table auth.sessions (
  id uuid primary key,
  account_id uuid not null references auth.accounts (id) on delete cascade,
  created_at timestamptz not null default now(),
  last_used_at timestamptz not null default now(),
  expires_at timestamptz not null,
  revoked_at timestamptz,
  revoked_reason text,
  ip text not null default '',
  user_agent text not null default ''
);
--> statement-breakpoint
create index sessions_account on auth.sessions (account_id) where revoked_at is null;
--> statement-breakpoint
create table auth.refresh_tokens (
  token_hash text primary key,
  session_id uuid not null references auth.sessions (id) on delete cascade,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  used_at timestamptz
);
--> statement-breakpoint
create index refresh_tokens_session on auth.refresh_tokens (session_id);
--> statement-breakpoint
create table auth.signing_keys (
  kid text primary key,
  private_jwk jsonb not null,
  public_jwk jsonb not null,
  created_at timestamptz not null default now(),
  retired_at timestamptz,
  published_until timestamptz
);
--> statement-breakpoint
create table auth.secrets (
  name text primary key,
  value text not null,
  created_at timestamptz not null default now()
);
--> statement-breakpoint
insert into auth.secrets (name, value)
values ('otp_hash_key', replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', ''));
