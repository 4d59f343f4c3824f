-- Time-ordered ids (UUID version 7, RFC 9562) for the rows written on every intake, action and
-- sweep step whose ids come from a column default: audit entries, workflow history, deadlines,
-- escalations and workflow notices (appeals, cases and notices get theirs from the server,
-- src/platform/db/ids.ts). A random (version 4) id puts each new entry of a primary key, and of
-- every index on such an id, on a random leaf of an index as large as the table: at a million
-- appeals that is a page read and, after each checkpoint, a whole-page image in the WAL per
-- index. A version 7 id starts with the time in milliseconds, so new entries go to the pages
-- where the last ones went. PostgreSQL 18 has uuidv7(); 15 and 17 need this.
create function uuid_v7() returns uuid language sql volatile parallel safe as $$
  -- gen_random_uuid()'s bytes, the first six replaced by the Unix time in milliseconds (the low
  -- 48 bits of a big-endian bigint), the version nibble set to 7 (the variant bits stay 10).
  select encode(set_byte(b, 6, (get_byte(b, 6) & 15) | 112), 'hex')::uuid
  from (select overlay(uuid_send(gen_random_uuid())
          placing substring(int8send(floor(extract(epoch from clock_timestamp()) * 1000)::bigint) from 3 for 6)
          from 1 for 6) as b) as v
$$;

alter table audit_log alter column id set default uuid_v7();
alter table workflow_history alter column id set default uuid_v7();
alter table workflow_deadline alter column id set default uuid_v7();
alter table workflow_escalation alter column id set default uuid_v7();
alter table workflow_notice alter column id set default uuid_v7();
