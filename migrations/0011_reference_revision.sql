-- Reference data read by every appeal intake (appeal types and rules, categories, routing
-- rules, slip prefixes, organizations, territories, published workflow definitions) is kept in
-- each process's memory (src/platform/db/revision.ts). This row is its revision: every change
-- of those tables gives it a new value in the same transaction, so a process compares it once
-- per transaction and never serves data another process (or plain SQL) has changed.
-- Statement-level triggers: one update per writing statement, none per row; writers of
-- reference data serialize on this row until they commit (they are rare: administrators).
create table reference_revision (
  id boolean constraint reference_revision_pk primary key default true constraint reference_revision_one_ck check (id),
  revision uuid not null default gen_random_uuid(),
  changed_at timestamptz not null default now()
);
insert into reference_revision default values;

create function reference_revision_bump() returns trigger language plpgsql as $$
begin
  update reference_revision set revision = gen_random_uuid(), changed_at = now();
  return null;
end $$;

create trigger appeal_type_revision_tg after insert or update or delete or truncate on appeal_type
  for each statement execute function reference_revision_bump();
create trigger appeal_rule_revision_tg after insert or update or delete or truncate on appeal_rule
  for each statement execute function reference_revision_bump();
create trigger appeal_region_revision_tg after insert or update or delete or truncate on appeal_region
  for each statement execute function reference_revision_bump();
create trigger appeal_category_revision_tg after insert or update or delete or truncate on appeal_category
  for each statement execute function reference_revision_bump();
create trigger appeal_routing_rule_revision_tg after insert or update or delete or truncate on appeal_routing_rule
  for each statement execute function reference_revision_bump();
create trigger organization_revision_tg after insert or update or delete or truncate on organization
  for each statement execute function reference_revision_bump();
create trigger territory_revision_tg after insert or update or delete or truncate on territory
  for each statement execute function reference_revision_bump();
create trigger workflow_definition_revision_tg after insert or update or delete or truncate on workflow_definition
  for each statement execute function reference_revision_bump();
