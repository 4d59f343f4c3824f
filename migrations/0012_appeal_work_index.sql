-- The executor's inbox (appeals.queries.ts listInbox): an organization's appeals in work, most
-- urgent first (due instant, then receipt). appeal_org_ix holds every appeal the organization
-- ever had, newest first: the inbox read all of them (heap rows included) to keep the few in
-- work and sort them. This partial index holds only the appeals in work (a few per cent of the
-- register), in the inbox's order: the first page is the index's first rows, the count a scan
-- of the organization's range. Measured in bench/README.md (issue 6).
create index appeal_work_ix on appeal (region_code, organization_id, due_at, received_at, id)
  where state in ('registered', 'assigned', 'in_progress', 'awaiting_applicant', 'reopened');
