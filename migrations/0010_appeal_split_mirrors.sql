-- Appeals (src/modules/appeals/README.md): a part outside competence split into a new appeal
-- (APPC art. 65), and three more mirrors of the workflow on the appeal row so that reports
-- read the register alone.

-- The appeal this one was split from (same applicant, receipt instant and registration day).
alter table appeal add column split_from_id uuid;
create index appeal_split_from_ix on appeal (region_code, split_from_id) where split_from_id is not null;

-- The first escalation step that reached the coordination centre (a `workflow_escalation` row
-- whose `notify` holds `coordinator`): written by the sweep's notice hook in the step's transaction.
alter table appeal add column escalated_at timestamptz;
-- Working days from the receipt day to the latest answer (calendar.workingDaysBetween), and
-- whether it came with no deemed refusal recorded; written with the answer (and set to false by
-- a later deemed refusal), in the same transaction. Null for merged duplicates.
alter table appeal add column answer_working_days integer constraint appeal_answer_working_days_ck check (answer_working_days >= 0);
alter table appeal add column answered_on_time boolean;

-- Reports read the cohort from this index alone: add the new figures to its INCLUDE list.
drop index appeal_report_ix;
create index appeal_report_ix on appeal (region_code, registered_on)
  include (organization_id, assignee_id, state, closed_at, due_at, answered_at, deemed_refusal_at, reopen_count, rating, case_id,
    escalated_at, answer_working_days, answered_on_time);

-- Reports no longer read workflow_escalation for "escalated": its partial index (0007) goes.
drop index appeal_report_escalation_ix;

-- Backfill of rows written before this migration.
update appeal a set escalated_at = e.first_at
from (
  select region_code, case_id, min(applied_at) as first_at
  from workflow_escalation
  where 'coordinator' = any (notify)
  group by region_code, case_id
) e
where e.region_code = a.region_code and e.case_id = a.case_id;

-- Working days after the registration day whose working hours had ended by the answer, on the
-- region's calendar (a region's row overrides the national one; outside the seeded years,
-- Monday to Friday), exactly as calendar.workingDaysBetween counts.
update appeal a set
  answered_on_time = a.deemed_refusal_at is null,
  answer_working_days = (
    select count(*)::int
    from calendar_region z,
      generate_series(a.registered_on + 1, (a.answered_at at time zone z.time_zone)::date, interval '1 day') g (d)
    where z.region_code = coalesce((select region_code from calendar_region where region_code = a.region_code), '000000000')
      and (g.d::date + z.work_end::time) at time zone z.time_zone <= a.answered_at
      and coalesce(
        (select cd.kind in ('working', 'transferred_working_day') from calendar_day cd
          where cd.region_code in (a.region_code, '000000000') and cd.date = g.d::date
          order by cd.region_code = '000000000' limit 1),
        extract(isodow from g.d) < 6)
  )
-- Merged duplicates only copy their original's answer: no mirrors (reports leave them out).
where a.answered_at is not null and a.original_id is null;
