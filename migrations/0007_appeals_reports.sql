-- Appeals reports (src/modules/appeals/reports/README.md): the coordination centre's summary,
-- the "who ignores residents" report and the public statistics aggregate the appeals
-- registered in a period of one region. No rollup table: every figure is read live from the
-- register, so it is never stale and needs nothing from the intake and lifecycle transactions.
-- These indexes make that read an index-only range scan of the region and period.

-- The cohort of a region and period, with every column the figures read (INCLUDE), so that the
-- aggregate never touches the wide heap rows (text, answer, applicant). Costs one more index
-- entry per appeal write; measured in the README.
create index appeal_report_ix on appeal (region_code, registered_on)
  include (organization_id, assignee_id, state, closed_at, due_at, answered_at, deemed_refusal_at, reopen_count, rating, case_id);

-- The public map and list: only appeals whose applicants agreed to publish, never security
-- reports; newest first. The filters (state, status, category, bounding box) and the count
-- read the index alone; only the page's rows are fetched.
create index appeal_public_ix on appeal (region_code, registered_on desc, id)
  include (state, closed_at, category_id, lat, lon)
  where is_public and not is_security_report;

-- "Escalated" = a step of the escalation ladder reached the coordination centre. Those steps are
-- a small share of all escalation rows (reminders are most of them); this partial index lets the
-- report read just them for a region from the period's start on.
create index appeal_report_escalation_ix on workflow_escalation (region_code, applied_at)
  include (case_id)
  where 'coordinator' = any (notify);
