-- Directory: territories (KATO), organizations (BIN), people (IIN), staff and their roles.
-- Every other module scopes its records and permissions by these trees. Identity numbers
-- are validated in full by src/modules/directory/identity.ts; the checks here only keep
-- the shape, so that a bad row cannot enter even by hand.

-- KATO territories. A code can be retired and reissued (the 2022 regions), so a row is one
-- code over one validity period; exactly one row per code is current (valid_to is null).
-- parent_code is stored, not computed: KATO is not strictly nested (a town under a district
-- is coded ABCD20100 and its structural parent ABCD20000 does not exist).
create table territory (
  kato_code text not null constraint territory_kato_code_ck check (kato_code ~ '^[0-9]{9}$'),
  valid_from date not null default date '1991-12-16',
  valid_to date,
  level smallint not null constraint territory_level_ck check (level between 0 and 4),
  parent_code text constraint territory_parent_code_ck check (parent_code ~ '^[0-9]{9}$'),
  name_kk text not null constraint territory_name_kk_ck check (length(name_kk) between 1 and 300),
  name_ru text not null constraint territory_name_ru_ck check (length(name_ru) between 1 and 300),
  name_en text not null constraint territory_name_en_ck check (length(name_en) between 1 and 300),
  constraint territory_pk primary key (kato_code, valid_from),
  constraint territory_validity_ck check (valid_to is null or valid_to > valid_from),
  constraint territory_root_ck check ((kato_code = '000000000') = (parent_code is null))
);
create unique index territory_current_uq on territory (kato_code) where valid_to is null;
create index territory_parent_ix on territory (parent_code) where valid_to is null;
-- Name search folds case under ICU's root collation (Kazakh and Russian letters too, whatever
-- the database locale); the indexes carry the same collation so that the planner can use them.
create index territory_name_trgm_ix on territory using gin ((name_kk || ' ' || name_ru || ' ' || name_en) collate "und-x-icu" gin_trgm_ops);

-- Organizations: ministries, akimats, their departments, utilities and providers. parent_id
-- is "accountable to, for Ortak" (a private heating company sits under the housing
-- department that oversees it), not legal subordination. path holds the ids from the root
-- down to the organization itself, so "is X in the subtree of Y" is `path @> array[Y]`.
-- Small and read everywhere: a Citus reference table.
create table organization (
  id uuid constraint organization_pk primary key default gen_random_uuid(),
  -- A structural unit (the coordination centre of an akimat) has no BIN of its own.
  bin text constraint organization_bin_uq unique constraint organization_bin_ck check (bin ~ '^[0-9]{12}$'),
  name_kk text not null constraint organization_name_kk_ck check (length(name_kk) between 1 and 500),
  name_ru text not null constraint organization_name_ru_ck check (length(name_ru) between 1 and 500),
  name_en text not null constraint organization_name_en_ck check (length(name_en) between 1 and 500),
  kind text not null constraint organization_kind_ck check (kind in (
    'ministry', 'regional_akimat', 'district_akimat', 'department', 'coordination_centre',
    'state_enterprise', 'private_provider')),
  parent_id uuid constraint organization_parent_fk references organization (id),
  -- The territory the organization serves (KATO, current row of territory).
  territory_code text not null constraint organization_territory_code_ck check (territory_code ~ '^[0-9]{9}$'),
  -- The KATO region of that territory ('000000000' for national bodies): the Citus key of
  -- every regional table that references the organization.
  region_code text not null constraint organization_region_code_ck check (region_code ~ '^[0-9]{2}0000000$'),
  path uuid[] not null,
  is_active boolean not null default true,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint organization_bin_required_ck check (bin is not null or kind = 'coordination_centre'),
  constraint organization_path_ck check (path[array_length(path, 1)] = id and (parent_id is null) = (array_length(path, 1) = 1)),
  constraint organization_not_own_parent_ck check (parent_id <> id)
);
create index organization_path_ix on organization using gin (path);
create index organization_parent_ix on organization (parent_id);
create index organization_territory_ix on organization (territory_code);
create index organization_region_kind_ix on organization (region_code, kind);
create index organization_name_trgm_ix on organization using gin ((name_kk || ' ' || name_ru || ' ' || name_en) collate "und-x-icu" gin_trgm_ops);

-- People, identified by IIN. Birth date and sex are read from the IIN when the row is written.
-- Citizens have an account (kind 'citizen', login = IIN); staff members link theirs through
-- staff. A person belongs to no single region: on Citus the table is distributed by id.
create table person (
  id uuid constraint person_pk primary key default gen_random_uuid(),
  iin text not null constraint person_iin_uq unique constraint person_iin_ck check (iin ~ '^[0-9]{12}$'),
  last_name text not null constraint person_last_name_ck check (length(last_name) between 1 and 100),
  first_name text not null constraint person_first_name_ck check (length(first_name) between 1 and 100),
  middle_name text constraint person_middle_name_ck check (length(middle_name) between 1 and 100),
  birth_date date not null,
  sex text not null constraint person_sex_ck check (sex in ('male', 'female')),
  -- E.164, +7 and ten digits; searched for exactly.
  phone text constraint person_phone_ck check (phone ~ '^\+7[0-9]{10}$'),
  email text constraint person_email_ck check (email ~ '^[^@\s]+@[^@\s]+$' and length(email) <= 254),
  preferred_language text not null default 'ru' constraint person_preferred_language_ck check (preferred_language in ('kk', 'ru', 'en')),
  account_id uuid constraint person_account_uq unique constraint person_account_fk references account (id),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index person_phone_ix on person (phone) where phone is not null;
create index person_name_trgm_ix on person using gin ((last_name || ' ' || first_name || ' ' || coalesce(middle_name, '')) collate "und-x-icu" gin_trgm_ops);

-- A staff member: one account working in one organization.
create table staff (
  id uuid constraint staff_pk primary key default gen_random_uuid(),
  account_id uuid not null constraint staff_account_uq unique constraint staff_account_fk references account (id),
  organization_id uuid not null constraint staff_organization_fk references organization (id),
  person_id uuid constraint staff_person_fk references person (id),
  region_code text not null constraint staff_region_code_ck check (region_code ~ '^[0-9]{2}0000000$'),
  position_kk text not null constraint staff_position_kk_ck check (length(position_kk) between 1 and 300),
  position_ru text not null constraint staff_position_ru_ck check (length(position_ru) between 1 and 300),
  position_en text not null constraint staff_position_en_ck check (length(position_en) between 1 and 300),
  is_active boolean not null default true,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index staff_organization_ix on staff (organization_id);
create index staff_person_ix on staff (person_id);

-- What a staff member may do, and where: a role in an organization and, when
-- includes_subtree, in every organization below it.
create table role_grant (
  id uuid constraint role_grant_pk primary key default gen_random_uuid(),
  staff_id uuid not null constraint role_grant_staff_fk references staff (id) on delete cascade,
  role text not null constraint role_grant_role_ck check (role in (
    'operator', 'executor', 'head', 'coordinator', 'service_designer', 'digitalization_officer', 'administrator')),
  organization_id uuid not null constraint role_grant_organization_fk references organization (id),
  includes_subtree boolean not null default false,
  region_code text not null constraint role_grant_region_code_ck check (region_code ~ '^[0-9]{2}0000000$'),
  granted_by uuid constraint role_grant_granted_by_fk references account (id),
  granted_at timestamptz not null default now(),
  constraint role_grant_uq unique (staff_id, role, organization_id)
);
create index role_grant_organization_ix on role_grant (organization_id);
