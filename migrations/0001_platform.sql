-- Platform: accounts, sessions, API keys. Directory tables (people, staff, organizations)
-- reference account; the platform never reads theirs.
create extension if not exists pgcrypto;
create extension if not exists pg_trgm;

create table account (
  id uuid constraint account_pk primary key default gen_random_uuid(),
  -- Staff log in with a login name; citizens with their IIN.
  login text not null constraint account_login_uq unique,
  password_hash text not null,
  kind text not null constraint account_kind_ck check (kind in ('staff', 'citizen')),
  locale text not null default 'ru' constraint account_locale_ck check (locale in ('kk', 'ru', 'en')),
  is_active boolean not null default true,
  created_at timestamptz not null default now(),
  last_login_at timestamptz
);

create table session (
  id text constraint session_pk primary key, -- sha256 of the cookie token; the token itself is never stored
  account_id uuid not null constraint session_account_fk references account (id) on delete cascade,
  csrf_token text not null,
  created_at timestamptz not null default now(),
  last_seen_at timestamptz not null default now(),
  expires_at timestamptz not null
);
create index session_account_ix on session (account_id);
create index session_expires_ix on session (expires_at);

create table api_key (
  id uuid constraint api_key_pk primary key default gen_random_uuid(),
  -- Shown once at creation; stored as sha256 (high-entropy random key: no need for a slow hash).
  key_hash text not null constraint api_key_hash_uq unique,
  prefix text not null,
  name text not null,
  organization_id uuid not null,
  region_code text not null,
  scopes text[] not null default '{}',
  created_at timestamptz not null default now(),
  revoked_at timestamptz,
  last_used_at timestamptz
);

-- Tamper-evident audit log: one hash chain per region, so that writers in different regions
-- never wait on each other (the chain head row is the only lock). Keyed by region first
-- (Citus distribution column).
create table audit_chain (
  region_code text constraint audit_chain_pk primary key,
  last_seq bigint not null,
  last_hash text not null
);

create table audit_log (
  region_code text not null,
  seq bigint not null,
  id uuid not null default gen_random_uuid(),
  at timestamptz not null,
  actor_kind text not null,
  actor_id text,
  organization_id uuid,
  action text not null,
  entity_type text not null,
  entity_id text not null,
  data jsonb not null default '{}',
  prev_hash text not null,
  hash text not null,
  constraint audit_log_pk primary key (region_code, seq)
);
create index audit_log_entity_ix on audit_log (entity_type, entity_id);

-- Append-only: updates and deletes are refused for everyone but a superuser who drops the
-- trigger on purpose (and then `ortak audit verify` still shows the break).
create function audit_log_append_only() returns trigger language plpgsql as $$
begin
  raise exception 'audit_log is append-only';
end $$;
create trigger audit_log_no_update before update or delete on audit_log
  for each row execute function audit_log_append_only();
