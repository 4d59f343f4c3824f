-- The coordination centre's summary and the public statistics read a region's cohort (the
-- appeals registered in the period) and count figures over it. Read live from appeal_report_ix
-- that is one index entry per appeal: ~45,000 per request for the largest region's 30 days at
-- 10 M appeals (bench/README.md, issue 6: p95 198 ms at 16 connections). Every figure but two is
-- a count over the cohort that changes only when an appeal's row changes, so it is kept per
-- (region, organization, receipt day):
--
--   appeal_report_day     the figures folded so far (a few hundred rows per region and month);
--   appeal_report_change  what changed since: one row per statement that wrote appeal rows and
--                         changed a figure, per key, with the differences (+1 for the new row,
--                         -1 for the old). Appended by the triggers below in the writing
--                         transaction, so a figure is never stale and nothing takes a lock
--                         another writer waits on; folded into appeal_report_day every minute
--                         by the reports' compaction job (reports.repository.ts, compactReportChanges).
--
-- The summary reads both (plus the appeals overdue now, live: "overdue" depends on the clock).
-- appeal_report_of_register() computes the same figures from the register: the migration's
-- backfill, the bench loader's (it loads with triggers off) and the tests' consistency check.
-- Merged duplicates are left out, as everywhere in the reports.

create table appeal_report_day (
  region_code text not null,
  organization_id uuid not null,
  registered_on date not null,
  received integer not null default 0,
  closed integer not null default 0,
  escalated integer not null default 0,
  reopened integer not null default 0,
  deemed integer not null default 0,
  answered integer not null default 0,
  on_time integer not null default 0,
  unanswered_deemed integer not null default 0,
  rated integer not null default 0,
  rating_sum integer not null default 0,
  satisfied integer not null default 0,
  answer_days integer not null default 0,
  answer_days_n integer not null default 0,
  primary key (region_code, registered_on, organization_id)
);

create table appeal_report_change (like appeal_report_day including defaults);
create index appeal_report_change_ix on appeal_report_change (region_code, registered_on);

-- The figures of a set of appeal rows, each row counted `s` times (+1 or -1), per key.
create function appeal_report_figures(s integer, a appeal)
  returns table (received integer, closed integer, escalated integer, reopened integer, deemed integer, answered integer,
    on_time integer, unanswered_deemed integer, rated integer, rating_sum integer, satisfied integer, answer_days integer, answer_days_n integer)
  language sql immutable parallel safe as $$
  select s,
    s * (a.closed_at is not null)::int,
    s * (a.escalated_at is not null)::int,
    s * (a.reopen_count > 0)::int,
    s * (a.deemed_refusal_at is not null)::int,
    s * (a.answered_at is not null)::int,
    s * (a.answered_at is not null and coalesce(a.answered_on_time, false))::int,
    s * (a.answered_at is null and a.deemed_refusal_at is not null)::int,
    s * (a.rating is not null)::int,
    s * coalesce(a.rating, 0),
    s * coalesce((a.rating >= 4)::int, 0),
    s * case when a.answered_at is not null then coalesce(a.answer_working_days, 0) else 0 end,
    s * (a.answered_at is not null and a.answer_working_days is not null)::int
$$;

-- Appends the differences of one statement's rows. Keys whose figures did not change (an update
-- of columns no figure reads, e.g. the sweep's updated_at) append nothing.
create function appeal_report_record() returns trigger language plpgsql as $$
begin
  if tg_op = 'INSERT' then
    insert into appeal_report_change
    select n.region_code, n.organization_id, n.registered_on,
      sum(received), sum(closed), sum(escalated), sum(reopened), sum(deemed), sum(answered), sum(on_time),
      sum(unanswered_deemed), sum(rated), sum(rating_sum), sum(satisfied), sum(answer_days), sum(answer_days_n)
    from new_rows n, appeal_report_figures(1, n) f
    where n.state <> 'merged'
    group by 1, 2, 3;
  elsif tg_op = 'DELETE' then
    insert into appeal_report_change
    select o.region_code, o.organization_id, o.registered_on,
      sum(received), sum(closed), sum(escalated), sum(reopened), sum(deemed), sum(answered), sum(on_time),
      sum(unanswered_deemed), sum(rated), sum(rating_sum), sum(satisfied), sum(answer_days), sum(answer_days_n)
    from old_rows o, appeal_report_figures(-1, o) f
    where o.state <> 'merged'
    group by 1, 2, 3;
  else
    insert into appeal_report_change
    select region_code, organization_id, registered_on,
      sum(received), sum(closed), sum(escalated), sum(reopened), sum(deemed), sum(answered), sum(on_time),
      sum(unanswered_deemed), sum(rated), sum(rating_sum), sum(satisfied), sum(answer_days), sum(answer_days_n)
    from (
      select n.region_code, n.organization_id, n.registered_on, f.* from new_rows n, appeal_report_figures(1, n) f where n.state <> 'merged'
      union all
      select o.region_code, o.organization_id, o.registered_on, f.* from old_rows o, appeal_report_figures(-1, o) f where o.state <> 'merged'
    ) d
    group by region_code, organization_id, registered_on
    having sum(received) <> 0 or sum(closed) <> 0 or sum(escalated) <> 0 or sum(reopened) <> 0 or sum(deemed) <> 0
      or sum(answered) <> 0 or sum(on_time) <> 0 or sum(unanswered_deemed) <> 0 or sum(rated) <> 0 or sum(rating_sum) <> 0
      or sum(satisfied) <> 0 or sum(answer_days) <> 0 or sum(answer_days_n) <> 0;
  end if;
  return null;
end $$;

create trigger appeal_report_ins after insert on appeal referencing new table as new_rows
  for each statement execute function appeal_report_record();
create trigger appeal_report_upd after update on appeal referencing old table as old_rows new table as new_rows
  for each statement execute function appeal_report_record();
create trigger appeal_report_del after delete on appeal referencing old table as old_rows
  for each statement execute function appeal_report_record();

-- The figures computed from the register itself.
create function appeal_report_of_register() returns setof appeal_report_day language sql stable as $$
  select a.region_code, a.organization_id, a.registered_on,
    sum(f.received)::int, sum(f.closed)::int, sum(f.escalated)::int, sum(f.reopened)::int, sum(f.deemed)::int, sum(f.answered)::int,
    sum(f.on_time)::int, sum(f.unanswered_deemed)::int, sum(f.rated)::int, sum(f.rating_sum)::int, sum(f.satisfied)::int,
    sum(f.answer_days)::int, sum(f.answer_days_n)::int
  from appeal a, appeal_report_figures(1, a) f
  where a.state <> 'merged'
  group by 1, 2, 3
$$;

-- Replaces the rollup with the register's figures (the backfill; the bench loader after a load).
create function appeal_report_rebuild() returns void language sql as $$
  lock table appeal_report_day, appeal_report_change in exclusive mode;
  delete from appeal_report_change;
  delete from appeal_report_day;
  insert into appeal_report_day select * from appeal_report_of_register();
$$;

select appeal_report_rebuild();

-- Folds the changes into the rollup: the rows deleted and the sums added in one statement, so a
-- reader sees them in one place or the other, never both. One fold at a time (advisory lock);
-- the keys are written in order. Returns the number of change rows folded.
create function appeal_report_compact() returns integer language plpgsql as $$
declare n integer;
begin
  perform pg_advisory_xact_lock(hashtext('appeal_report_compact'));
  with moved as (
    delete from appeal_report_change returning *
  ), folded as (
    insert into appeal_report_day as r
    select region_code, organization_id, registered_on,
      sum(received), sum(closed), sum(escalated), sum(reopened), sum(deemed), sum(answered), sum(on_time),
      sum(unanswered_deemed), sum(rated), sum(rating_sum), sum(satisfied), sum(answer_days), sum(answer_days_n)
    from moved
    group by region_code, registered_on, organization_id
    order by region_code, registered_on, organization_id
    on conflict (region_code, registered_on, organization_id) do update set
      received = r.received + excluded.received, closed = r.closed + excluded.closed,
      escalated = r.escalated + excluded.escalated, reopened = r.reopened + excluded.reopened,
      deemed = r.deemed + excluded.deemed, answered = r.answered + excluded.answered,
      on_time = r.on_time + excluded.on_time, unanswered_deemed = r.unanswered_deemed + excluded.unanswered_deemed,
      rated = r.rated + excluded.rated, rating_sum = r.rating_sum + excluded.rating_sum,
      satisfied = r.satisfied + excluded.satisfied, answer_days = r.answer_days + excluded.answer_days,
      answer_days_n = r.answer_days_n + excluded.answer_days_n
  )
  select count(*) into n from moved;
  return n;
end $$;

-- "Overdue" (in work, past its due instant) is counted live: the appeals overdue now are few
-- (~5 % of those in work in the bench's register), found by due instant in this partial index.
create index appeal_overdue_ix on appeal (region_code, due_at)
  include (registered_on, organization_id, answered_at, deemed_refusal_at)
  where state in ('registered', 'assigned', 'in_progress', 'awaiting_applicant', 'reopened');
