-- Workflow engine (src/platform/workflow/README.md): versioned process definitions, running
-- cases with their history, deadlines as absolute instants, the escalation ladder's progress,
-- and an outbox of notices. High-volume tables lead their key with region_code (the Citus
-- distribution column) and reference each other by (region_code, id).

create table workflow_definition (
  id uuid constraint workflow_definition_pk primary key default gen_random_uuid(),
  process_key text not null constraint workflow_definition_key_ck check (process_key ~ '^[a-z][a-z0-9_.-]*$'),
  -- Scope: a region ('000000000' = national) and, optionally, the organization tree it applies to.
  region_code text not null constraint workflow_definition_region_ck check (region_code ~ '^\d{9}$'),
  organization_id uuid,
  -- Null while a draft; 1, 2, 3 … per (process_key, scope) once published.
  version integer,
  status text not null constraint workflow_definition_status_ck check (status in ('draft', 'published', 'retired')),
  -- json, not jsonb: the author's order of states and actions is kept (it orders buttons and lists).
  body json not null,
  checksum text not null,
  copied_from_id uuid constraint workflow_definition_copied_from_fk references workflow_definition (id),
  created_at timestamptz not null,
  created_by text,
  published_at timestamptz,
  published_by text,
  retired_at timestamptz,
  constraint workflow_definition_version_ck check ((status = 'draft') = (version is null)),
  constraint workflow_definition_version_uq unique nulls not distinct (process_key, region_code, organization_id, version)
);
-- One open draft per process and scope.
create unique index workflow_definition_draft_uq on workflow_definition (process_key, region_code, organization_id)
  nulls not distinct where status = 'draft';
create index workflow_definition_resolve_ix on workflow_definition (process_key, region_code, organization_id, version desc)
  where status = 'published';

-- A published version is immutable: its content can never change; it can only be retired
-- (no new cases start on it; running cases stay on it). Drafts are free to edit or delete.
create function workflow_definition_immutable() returns trigger language plpgsql as $$
begin
  if tg_op = 'DELETE' then
    if old.status <> 'draft' then
      raise exception 'workflow_definition %: a published version cannot be deleted', old.id;
    end if;
    return old;
  end if;
  if old.status <> 'draft' and (new.body::text is distinct from old.body::text or new.checksum is distinct from old.checksum
      or new.process_key is distinct from old.process_key or new.region_code is distinct from old.region_code
      or new.organization_id is distinct from old.organization_id or new.version is distinct from old.version
      or new.published_at is distinct from old.published_at
      or (old.status = 'retired' and new.status <> 'retired')
      or new.status = 'draft') then
    raise exception 'workflow_definition %: a published version is immutable (publish a new version instead)', old.id;
  end if;
  return new;
end $$;
create trigger workflow_definition_immutable before update or delete on workflow_definition
  for each row execute function workflow_definition_immutable();

create table workflow_case (
  region_code text not null,
  id uuid not null default gen_random_uuid(),
  definition_id uuid not null constraint workflow_case_definition_fk references workflow_definition (id),
  process_key text not null,
  definition_version integer not null,
  -- The owning module's record this case drives (e.g. an appeal).
  subject_type text not null,
  subject_id text not null,
  state text not null,
  state_entered_at timestamptz not null,
  -- Optimistic concurrency: every transition bumps it; an action names the version it saw.
  version integer not null default 1,
  organization_id uuid not null,
  assignee_id uuid,
  applicant_account_id uuid,
  received_at timestamptz not null,
  started_at timestamptz not null,
  closed_at timestamptz,
  -- Denormalized from workflow_deadline for lists: the earliest running case deadline, the
  -- current state's deadline, and the least of the two.
  due_at timestamptz,
  state_due_at timestamptz,
  next_due_at timestamptz,
  escalation_level integer not null default 0,
  constraint workflow_case_pk primary key (region_code, id),
  constraint workflow_case_subject_uq unique (region_code, subject_type, subject_id, process_key)
);
create index workflow_case_org_due_ix on workflow_case (region_code, organization_id, next_due_at, id) where closed_at is null;
create index workflow_case_assignee_due_ix on workflow_case (region_code, assignee_id, next_due_at, id)
  where closed_at is null and assignee_id is not null;

create table workflow_history (
  region_code text not null,
  id uuid not null default gen_random_uuid(),
  case_id uuid not null,
  -- The case version this step produced (1 = the start); unique per case, so two concurrent
  -- transitions of one case can never both commit.
  seq integer not null,
  at timestamptz not null,
  action text not null,
  from_state text,
  to_state text not null,
  actor_kind text not null,
  actor_id text,
  comment text,
  input jsonb not null default '{}',
  organization_id uuid not null,
  assignee_id uuid,
  constraint workflow_history_pk primary key (region_code, id),
  constraint workflow_history_seq_uq unique (region_code, case_id, seq),
  constraint workflow_history_case_fk foreign key (region_code, case_id) references workflow_case (region_code, id)
);

create table workflow_deadline (
  region_code text not null,
  id uuid not null default gen_random_uuid(),
  case_id uuid not null,
  scope text not null constraint workflow_deadline_scope_ck check (scope in ('case', 'state')),
  -- The deadline's name in the definition (`deadlines.<key>`), or the state's name.
  deadline_key text not null,
  state text,
  amount integer not null,
  unit text not null constraint workflow_deadline_unit_ck check (unit in ('working_days', 'working_hours', 'calendar_days')),
  legal_source text not null,
  started_at timestamptz not null,
  due_at timestamptz not null,
  original_due_at timestamptz not null,
  status text not null constraint workflow_deadline_status_ck check (status in ('running', 'paused', 'met', 'missed', 'cancelled')),
  paused_at timestamptz,
  ended_at timestamptz,
  -- [{at, actorKind, actorId, action, fromDueAt, toDueAt, reason, kind: 'extension' | 'pause'}]
  changes jsonb not null default '[]',
  -- The escalation ladder's progress: re-armed (generation + 1) when the due instant moves.
  generation integer not null default 1,
  next_step integer not null default 0,
  next_step_at timestamptz,
  level integer not null default 0,
  constraint workflow_deadline_pk primary key (region_code, id),
  constraint workflow_deadline_case_fk foreign key (region_code, case_id) references workflow_case (region_code, id)
);
-- The sweep reads only what is due, in this order, resuming after the last key it saw: it
-- never touches the open cases whose next step lies in the future.
create index workflow_deadline_next_step_ix on workflow_deadline (next_step_at, region_code, id) where next_step_at is not null;
create index workflow_deadline_case_ix on workflow_deadline (region_code, case_id);

create table workflow_escalation (
  region_code text not null,
  id uuid not null default gen_random_uuid(),
  case_id uuid not null,
  deadline_id uuid not null,
  generation integer not null,
  step_index integer not null,
  level integer not null,
  -- When the step was due, and when the sweep applied it.
  due_at timestamptz not null,
  applied_at timestamptz not null,
  notify text[] not null default '{}',
  effects text[] not null default '{}',
  constraint workflow_escalation_pk primary key (region_code, id),
  -- Applying a step twice is a no-op: the second insert finds this key taken.
  constraint workflow_escalation_step_uq unique (region_code, deadline_id, generation, step_index),
  constraint workflow_escalation_deadline_fk foreign key (region_code, deadline_id) references workflow_deadline (region_code, id)
);
create index workflow_escalation_case_ix on workflow_escalation (region_code, case_id);

-- Outbox of notices the owning module delivers (SMS, e-mail, in-app); ids only, no personal data.
create table workflow_notice (
  region_code text not null,
  id uuid not null default gen_random_uuid(),
  case_id uuid not null,
  escalation_id uuid,
  kind text not null,
  level integer not null default 0,
  recipient text not null,
  organization_id uuid not null,
  assignee_id uuid,
  data jsonb not null default '{}',
  created_at timestamptz not null,
  delivered_at timestamptz,
  constraint workflow_notice_pk primary key (region_code, id),
  constraint workflow_notice_case_fk foreign key (region_code, case_id) references workflow_case (region_code, id)
);
create index workflow_notice_pending_ix on workflow_notice (created_at, region_code, id) where delivered_at is null;
create index workflow_notice_case_ix on workflow_notice (region_code, case_id);

-- Job queue schema: pg-boss 10 (schema version 24), exactly as `PgBoss.getConstructionPlans('pgboss')`
-- prints it without its own BEGIN/lock/COMMIT wrapper. Installed by a migration so that every
-- database, test templates included, can take jobs inside a business transaction
-- (src/platform/jobs/jobs.ts `enqueue`) before any worker has started. Later pg-boss versions
-- migrate this schema themselves on start. jobs.test.ts checks the version still matches.
CREATE SCHEMA IF NOT EXISTS pgboss
  ;

    CREATE TYPE pgboss.job_state AS ENUM (
      'created',
      'retry',
      'active',
      'completed',
      'cancelled',
      'failed'
    )
  ;

    CREATE TABLE pgboss.version (
      version int primary key,
      maintained_on timestamp with time zone,
      cron_on timestamp with time zone,
      monitored_on timestamp with time zone
    )
  ;

    CREATE TABLE pgboss.queue (
      name text,
      policy text,
      retry_limit int,
      retry_delay int,
      retry_backoff bool,
      expire_seconds int,
      retention_minutes int,
      dead_letter text REFERENCES pgboss.queue (name),
      partition_name text,
      created_on timestamp with time zone not null default now(),
      updated_on timestamp with time zone not null default now(),
      PRIMARY KEY (name)
    )
  ;

    CREATE TABLE pgboss.schedule (
      name text REFERENCES pgboss.queue ON DELETE CASCADE,
      cron text not null,
      timezone text,
      data jsonb,
      options jsonb,
      created_on timestamp with time zone not null default now(),
      updated_on timestamp with time zone not null default now(),
      PRIMARY KEY (name)
    )
  ;

    CREATE TABLE pgboss.subscription (
      event text not null,
      name text not null REFERENCES pgboss.queue ON DELETE CASCADE,
      created_on timestamp with time zone not null default now(),
      updated_on timestamp with time zone not null default now(),
      PRIMARY KEY(event, name)
    )
  ;

    CREATE TABLE pgboss.job (
      id uuid not null default gen_random_uuid(),
      name text not null,
      priority integer not null default(0),
      data jsonb,
      state pgboss.job_state not null default('created'),
      retry_limit integer not null default(2),
      retry_count integer not null default(0),
      retry_delay integer not null default(0),
      retry_backoff boolean not null default false,
      start_after timestamp with time zone not null default now(),
      started_on timestamp with time zone,
      singleton_key text,
      singleton_on timestamp without time zone,
      expire_in interval not null default interval '15 minutes',
      created_on timestamp with time zone not null default now(),
      completed_on timestamp with time zone,
      keep_until timestamp with time zone NOT NULL default now() + interval '14 days',
      output jsonb,
      dead_letter text,
      policy text
    ) PARTITION BY LIST (name)
  ;
ALTER TABLE pgboss.job ADD PRIMARY KEY (name, id);
CREATE TABLE pgboss.archive (LIKE pgboss.job);
ALTER TABLE pgboss.archive ADD PRIMARY KEY (name, id);
ALTER TABLE pgboss.archive ADD archived_on timestamptz NOT NULL DEFAULT now();
CREATE INDEX archive_i1 ON pgboss.archive(archived_on);

    CREATE FUNCTION pgboss.create_queue(queue_name text, options json)
    RETURNS VOID AS
    $$
    DECLARE
      table_name varchar := 'j' || encode(sha224(queue_name::bytea), 'hex');
      queue_created_on timestamptz;
    BEGIN

      WITH q as (
      INSERT INTO pgboss.queue (
        name,
        policy,
        retry_limit,
        retry_delay,
        retry_backoff,
        expire_seconds,
        retention_minutes,
        dead_letter,
        partition_name
      )
      VALUES (
        queue_name,
        options->>'policy',
        (options->>'retryLimit')::int,
        (options->>'retryDelay')::int,
        (options->>'retryBackoff')::bool,
        (options->>'expireInSeconds')::int,
        (options->>'retentionMinutes')::int,
        options->>'deadLetter',
        table_name
      )
      ON CONFLICT DO NOTHING
      RETURNING created_on
      )
      SELECT created_on into queue_created_on from q;

      IF queue_created_on IS NULL THEN
        RETURN;
      END IF;

      EXECUTE format('CREATE TABLE pgboss.%I (LIKE pgboss.job INCLUDING DEFAULTS)', table_name);

      EXECUTE format('ALTER TABLE pgboss.%1$I ADD PRIMARY KEY (name, id)', table_name);
      EXECUTE format('ALTER TABLE pgboss.%1$I ADD CONSTRAINT q_fkey FOREIGN KEY (name) REFERENCES pgboss.queue (name) ON DELETE RESTRICT DEFERRABLE INITIALLY DEFERRED', table_name);
      EXECUTE format('ALTER TABLE pgboss.%1$I ADD CONSTRAINT dlq_fkey FOREIGN KEY (dead_letter) REFERENCES pgboss.queue (name) ON DELETE RESTRICT DEFERRABLE INITIALLY DEFERRED', table_name);
      EXECUTE format('CREATE UNIQUE INDEX %1$s_i1 ON pgboss.%1$I (name, COALESCE(singleton_key, '''')) WHERE state = ''created'' AND policy = ''short''', table_name);
      EXECUTE format('CREATE UNIQUE INDEX %1$s_i2 ON pgboss.%1$I (name, COALESCE(singleton_key, '''')) WHERE state = ''active'' AND policy = ''singleton''', table_name);
      EXECUTE format('CREATE UNIQUE INDEX %1$s_i3 ON pgboss.%1$I (name, state, COALESCE(singleton_key, '''')) WHERE state <= ''active'' AND policy = ''stately''', table_name);
      EXECUTE format('CREATE UNIQUE INDEX %1$s_i4 ON pgboss.%1$I (name, singleton_on, COALESCE(singleton_key, '''')) WHERE state <> ''cancelled'' AND singleton_on IS NOT NULL', table_name);
      EXECUTE format('CREATE INDEX %1$s_i5 ON pgboss.%1$I (name, start_after) INCLUDE (priority, created_on, id) WHERE state < ''active''', table_name);

      EXECUTE format('ALTER TABLE pgboss.%I ADD CONSTRAINT cjc CHECK (name=%L)', table_name, queue_name);
      EXECUTE format('ALTER TABLE pgboss.job ATTACH PARTITION pgboss.%I FOR VALUES IN (%L)', table_name, queue_name);
    END;
    $$
    LANGUAGE plpgsql;
  ;

    CREATE FUNCTION pgboss.delete_queue(queue_name text)
    RETURNS VOID AS
    $$
    DECLARE
      table_name varchar;
    BEGIN
      WITH deleted as (
        DELETE FROM pgboss.queue
        WHERE name = queue_name
        RETURNING partition_name
      )
      SELECT partition_name from deleted INTO table_name;

      EXECUTE format('DROP TABLE IF EXISTS pgboss.%I', table_name);
    END;
    $$
    LANGUAGE plpgsql;
  ;
INSERT INTO pgboss.version(version) VALUES ('24');
