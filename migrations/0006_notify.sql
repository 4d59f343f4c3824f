-- Notices (src/platform/notify): a transactional outbox, and uploaded files (src/platform/files).

-- A notice is written in the producer's transaction with one delivery row per channel; a pg-boss
-- job per delivery (enqueued in the same transaction) delivers it at least once. The text is
-- rendered from the catalog at enqueue time, so the inbox shows exactly what was sent.
create table notice (
  region_code text not null,
  id uuid not null,
  account_id uuid constraint notice_account_fk references account (id),
  -- Raw contacts, only when the producer gave them (an applicant without an account). Personal
  -- data: read by the delivery worker only, never logged, never listed.
  email text,
  phone text,
  lang text not null constraint notice_lang_ck check (lang in ('kk', 'ru', 'en')),
  template text not null,
  params jsonb not null default '{}',
  -- What the notice is about (e.g. an appeal), for the inbox link.
  about_type text,
  about_id text,
  title text not null,
  body text not null,
  -- The same key twice in a region gives one notice (idempotent producers).
  dedupe_key text,
  created_at timestamptz not null,
  constraint notice_pk primary key (region_code, id),
  constraint notice_recipient_ck check (account_id is not null or email is not null or phone is not null),
  constraint notice_about_ck check ((about_type is null) = (about_id is null))
);
create unique index notice_dedupe_uq on notice (region_code, dedupe_key) where dedupe_key is not null;

create table notice_delivery (
  region_code text not null,
  notice_id uuid not null,
  channel text not null constraint notice_delivery_channel_ck check (channel in ('inbox', 'email', 'sms')),
  -- pending → delivered | failed | skipped; retrying while attempts remain after a failure.
  status text not null default 'pending'
    constraint notice_delivery_status_ck check (status in ('pending', 'retrying', 'delivered', 'failed', 'skipped')),
  -- The adapter that handled the last attempt: inbox | log | smtp | sms.
  adapter text,
  -- True when the channel's own adapter is not switched on and `log` recorded it instead.
  is_fallback boolean not null default false,
  attempts integer not null default 0,
  last_error text,
  provider_id text,
  delivered_at timestamptz,
  updated_at timestamptz not null,
  constraint notice_delivery_pk primary key (region_code, notice_id, channel),
  constraint notice_delivery_notice_fk foreign key (region_code, notice_id) references notice (region_code, id) on delete cascade
);
create index notice_delivery_open_ix on notice_delivery (updated_at) where status in ('pending', 'retrying');

-- Every attempt, successful or not (errors have the recipient's contacts masked).
create table notice_attempt (
  region_code text not null,
  notice_id uuid not null,
  channel text not null,
  attempt_no integer not null,
  at timestamptz not null,
  adapter text not null,
  is_ok boolean not null,
  is_retryable boolean not null default false,
  error text,
  provider_id text,
  constraint notice_attempt_pk primary key (region_code, notice_id, channel, attempt_no),
  constraint notice_attempt_delivery_fk foreign key (region_code, notice_id, channel)
    references notice_delivery (region_code, notice_id, channel) on delete cascade
);

-- The in-app inbox: one row per notice at most (its key is the notice's), so a notice delivered
-- twice never shows twice.
create table inbox_message (
  region_code text not null,
  notice_id uuid not null,
  account_id uuid not null constraint inbox_message_account_fk references account (id),
  title text not null,
  body text not null,
  about_type text,
  about_id text,
  created_at timestamptz not null,
  delivered_at timestamptz not null,
  read_at timestamptz,
  constraint inbox_message_pk primary key (region_code, notice_id),
  constraint inbox_message_notice_fk foreign key (region_code, notice_id) references notice (region_code, id) on delete cascade
);
create index inbox_message_account_ix on inbox_message (account_id, created_at desc, notice_id);
create index inbox_message_unread_ix on inbox_message (account_id) where read_at is null;

-- Uploaded files. The bytes live under DATA_DIR/files/<sha256[0..2]>/<sha256>, once per content;
-- each upload is its own row (its own name), so several rows may share one blob. Not tied to a
-- region: on Citus the table is distributed by id, like person.
create table stored_file (
  id uuid constraint stored_file_pk primary key,
  sha256 text not null constraint stored_file_sha256_ck check (sha256 ~ '^[0-9a-f]{64}$'),
  mime text not null,
  size bigint not null constraint stored_file_size_ck check (size >= 0),
  original_name text not null,
  -- The image carries EXIF/XMP metadata (location, camera): stripped when shown publicly.
  has_exif boolean not null default false,
  created_at timestamptz not null
);
create index stored_file_sha256_ix on stored_file (sha256);
