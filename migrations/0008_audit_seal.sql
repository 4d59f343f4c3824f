-- Audit log, second shape: business transactions only INSERT (no lock at all); a sealer seals
-- committed rows into each region's SHA-256 chain shortly after (src/platform/audit/audit.ts).
-- Measured before the change (bench/audit.ts, 8 writers): 478 appends/s in one region vs 1,178/s
-- spread over 8 regions — the per-region chain head was held until each writer committed.

create table audit_seal (
  region_code text not null,
  seq bigint not null,
  log_id uuid not null,
  prev_hash text not null,
  hash text not null,
  sealed_at timestamptz not null default now(),
  constraint audit_seal_pk primary key (region_code, seq),
  constraint audit_seal_log_uq unique (region_code, log_id)
);

-- Rows waiting for the sealer: a row is here if and only if it is not sealed yet.
create table audit_pending (
  region_code text not null,
  log_id uuid not null,
  constraint audit_pending_pk primary key (region_code, log_id)
);

-- Carry the chain built so far over to the seal table.
insert into audit_seal (region_code, seq, log_id, prev_hash, hash)
  select region_code, seq, id, prev_hash, hash from audit_log;

alter table audit_log drop constraint audit_log_pk;
alter table audit_log drop column seq, drop column prev_hash, drop column hash;
alter table audit_log add constraint audit_log_pk primary key (region_code, id);
-- Insertion order (a sequence: no lock, may have gaps); the sealer orders by (at, pos).
alter table audit_log add column pos bigint generated always as identity;

create trigger audit_seal_no_update before update or delete on audit_seal
  for each row execute function audit_log_append_only();
