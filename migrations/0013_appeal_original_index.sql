-- The duplicates merged into an appeal follow its answer (appeals.effects.ts, sendAnswer): they
-- are found by original_id, which no index held, so every answer read the region's whole
-- register (pg_stat_statements in the bench, `--pg-stats`: 3.6 ms of PostgreSQL time per
-- lifecycle at 50,000 appeals, growing with the register). Merged duplicates are ~0.5 % of
-- appeals: a partial index of them only.
create index appeal_original_ix on appeal (region_code, original_id) where original_id is not null;
