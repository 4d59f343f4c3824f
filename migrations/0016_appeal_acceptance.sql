-- Accepted, not yet registered appeals (appeals.acceptance.ts): a citizen's intake sent with
-- `Prefer: respond-async` is committed here as one row — the request as submitted, who sent it,
-- the instant of receipt — and answered 202 at once; the registrar registers accepted rows
-- behind it through the same `registerAppeal` as the synchronous intake, in batches, and
-- records the slip or the refusal here. Registration stays the same day under APPC art. 64:
-- the receipt instant is `accepted_at`, not the moment the registrar gets to the row.
--
-- A queue, not a register: rows are keyed by their own time-ordered id (the region is known
-- only once the territory is resolved, at registration), read by the one account that sent
-- them and by the registrar's partial index; settled rows are what the citizen's client polls,
-- deleted 30 days after they were settled (the hourly job `appeals.acceptance-purge`).
create table appeal_acceptance (
  id uuid not null,
  account_id uuid not null,
  channel text not null,
  request jsonb not null,
  lang text not null,
  accepted_at timestamptz not null,
  state text not null default 'accepted',
  attempts integer not null default 0,
  region_code text,
  appeal_id uuid,
  slip jsonb,
  -- A refusal: { code, status, field, messageKey, params } of the domain error, shown in the
  -- reader's language when read.
  problem jsonb,
  settled_at timestamptz,
  constraint appeal_acceptance_pk primary key (id),
  constraint appeal_acceptance_state_ck check (state in ('accepted', 'registered', 'refused')),
  constraint appeal_acceptance_channel_ck check (channel in ('web', 'mobile')),
  constraint appeal_acceptance_settled_ck check ((state = 'accepted') = (settled_at is null))
);

-- What the registrar takes next: the waiting rows in order of receipt (a few at any time). The
-- outcome a client polls is read by id (and checked against the account): no other index, so an
-- acceptance writes two index entries here and two for its idempotency key.
create index appeal_acceptance_waiting_ix on appeal_acceptance (accepted_at, id) where state = 'accepted';
