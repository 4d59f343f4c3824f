/**
 * The SQL that generates the register: one staging row per appeal with its whole story
 * (receipt, routing, acceptance, answer, feedback, closure) drawn at random and cut at the
 * load instant, then the appeal, workflow case, history, deadline and escalation rows derived
 * from it. Local time is UTC+5 (Kazakhstan's single zone since 1 March 2024), written as a fixed
 * offset so that the server's tzdata version does not matter.
 *
 * Parameters of STAGE_SQL: $1 appeals, $2 the load instant, $3 days of history, $4 citizens,
 * $5 citizens with an account, $6 Russian texts, $7 Kazakh texts.
 */

export const STAGE_SQL = `
create unlogged table bench_stage as
with b0 as (
  select g, gen_random_uuid() as id,
    random() as u_reg, random() as u_pair, random() as u_day, random() as u_tod, random() as u_kind, random() as u_ans,
    random() as u_fb, random() as u_x, random() as u_cit, random() as u_ch, random() as u_ex, random() as u_txt
  from generate_series(1, $1::int) g
), b as (
  -- The case reuses the appeal's UUID and the deadline one derived from it: rows then go in
  -- (region, id) order into every primary key, which keeps the load fast (the app draws its own).
  select b0.*, b0.id as case_id, (left(b0.id::text, 34) || 'a0')::uuid as dl_id from b0
), p as (
  select b.*, r.code as region_code, r.cc_id, r.operator_staff, r.coord_acc, pr.category_id, pr.territory_code, pr.org_id, pr.is_auto,
    pr.lat as plat, pr.lon as plon,
    ($2::timestamptz at time zone 'UTC' + interval '5 hours')::date - floor(b.u_day * $3::int)::int as lday,
    interval '7 hours' + b.u_tod * interval '14 hours' as ltime
  from b
  join bench_region r on b.u_reg >= r.lo and b.u_reg < r.hi
  join bench_pair pr on pr.region_code = r.code and pr.pair_no = floor(b.u_pair * r.npairs)::int
), t as (
  select p.*, least(((p.lday + p.ltime) - interval '5 hours') at time zone 'UTC', $2::timestamptz - interval '1 minute' * (1 + p.u_x * 30)) as received_at,
    n.ord as reg_ord
  from p join bench_next n on n.date = p.lday + (p.ltime >= interval '18 hours')::int
), u as (
  select t.*, w.date as registered_on, wd.ord as due_ord,
    ((wd.date + time '18:00') - interval '5 hours') at time zone 'UTC' as due_at,
    case when t.u_kind < 0.02 then 'anonymous' when t.u_kind < 0.035 then 'forwarded' when t.u_kind < 0.045 then 'withdrawn'
         when t.u_kind < 0.05 then 'merged' else 'normal' end as kind,
    case when t.u_ans > 0.997 then null
         when t.u_ans < 0.85 then 2 + floor(t.u_ans / 0.85 * 13)::int
         when t.u_ans < 0.97 then 15 + floor((t.u_ans - 0.85) / 0.12 * 10)::int
         else 26 + floor((t.u_ans - 0.97) / 0.027 * 15)::int end as ans_wd,
    case when t.u_fb < 0.5 then 'confirmed' when t.u_fb < 0.58 then 'disputed' else 'silent' end as fb
  from t join bench_wd w on w.ord = t.reg_ord join bench_wd wd on wd.ord = t.reg_ord + 15
), v as (
  select u.*,
    case when u.is_auto then u.received_at else u.received_at + (2 + random() * 28) * interval '1 hour' end as route_at,
    ((wa.date + time '09:00' + random() * interval '9 hours') - interval '5 hours') at time zone 'UTC' as answered_raw,
    u.received_at + (1 + random() * 47) * interval '1 hour' as event_at,
    (2 + random() * 20) * interval '1 hour' as accept_after,
    random() as r1, random() as r2, random() as r3
  from u left join bench_wd wa on wa.ord = u.reg_ord + u.ans_wd
), tl as (
  select v.*, v.route_at + v.accept_after as accept_at,
    greatest(v.answered_raw, v.route_at + v.accept_after + interval '30 minutes') as answered_at
  from v
), fbk as (
  select tl.*,
    tl.answered_at + (case when tl.fb = 'disputed' then 5 else 10 end) * tl.r1 * interval '1 day' as verdict_at,
    tl.answered_at + (case when tl.fb = 'disputed' then 5 else 10 end) * tl.r1 * interval '1 day' + (3 + tl.r2 * 10) * interval '1 day' as reanswer_at
  from tl
), fin as (
  select f.*,
    case f.fb
      when 'confirmed' then f.verdict_at
      when 'disputed' then ((((f.reanswer_at at time zone 'UTC' + interval '5 hours')::date + 15) + time '18:00') - interval '5 hours') at time zone 'UTC'
      else ((((f.answered_at at time zone 'UTC' + interval '5 hours')::date + 15) + time '18:00') - interval '5 hours') at time zone 'UTC' end as final_at
  from fbk f
), st as (
  select fin.*,
    (fin.kind = 'anonymous') as h_leave,
    (fin.kind = 'forwarded' and fin.event_at <= $2) as h_forward,
    (fin.kind in ('normal', 'withdrawn', 'merged') and fin.route_at <= $2 and (fin.kind = 'normal' or fin.route_at < fin.event_at)) as h_route,
    (fin.kind = 'normal' and fin.accept_at <= $2) as h_accept,
    (fin.kind = 'normal' and fin.answered_at <= $2) as h_answer,
    (fin.kind in ('withdrawn', 'merged') and fin.event_at <= $2) as h_event
  from fin
), st2 as (
  select st.*,
    (st.h_answer and st.fb = 'disputed' and st.verdict_at <= $2) as h_dispute,
    (st.h_answer and st.fb = 'disputed' and st.reanswer_at <= $2) as h_reanswer,
    (st.h_answer and st.final_at <= $2) as h_final,
    (st.kind = 'normal' and st.h_accept and not st.h_answer and st.r3 < 0.05) as h_reqinfo
  from st
), s as (
  select st2.*,
    case
      when h_leave then 'not_considered'
      when h_forward then 'forwarded'
      when h_event then kind
      when kind <> 'normal' then case when h_route then 'assigned' else 'registered' end
      when h_final then 'closed'
      when h_reanswer then 'answered'
      when h_dispute then 'reopened'
      when h_answer then 'answered'
      when h_reqinfo then 'awaiting_applicant'
      when h_accept then 'in_progress'
      when h_route then 'assigned'
      else 'registered' end as state,
    1 + h_leave::int + h_forward::int + h_route::int + h_accept::int + h_reqinfo::int + h_answer::int + h_dispute::int + h_reanswer::int
      + h_final::int + h_event::int as version
  from st2
)
select s.*,
  case when s.h_leave then s.received_at when s.h_forward or s.h_event then s.event_at when s.h_final then s.final_at end as closed_at,
  case s.state
    when 'not_considered' then s.received_at when 'forwarded' then s.event_at when 'withdrawn' then s.event_at when 'merged' then s.event_at
    when 'closed' then s.final_at when 'answered' then case when s.h_reanswer then s.reanswer_at else s.answered_at end
    when 'reopened' then s.verdict_at when 'awaiting_applicant' then s.accept_at + ($2 - s.accept_at) / 2
    when 'in_progress' then s.accept_at when 'assigned' then s.route_at else s.received_at end as state_entered_at,
  case when s.state in ('registered', 'forwarded', 'not_considered') then s.cc_id else s.org_id end as organization_id,
  case when s.h_accept and not s.h_dispute then e.staff_id end as assignee_id,
  e.staff_id as exec_staff, e.account_id as exec_acc,
  case when s.kind = 'normal' and s.due_at <= $2 and (not s.h_answer or s.answered_at > s.due_at) then s.due_at end as deemed_refusal_at,
  case when s.kind = 'anonymous' then case when s.u_ch < 0.5 then 'operator' else 'open311' end
       when s.u_ch < 0.5 then 'web' when s.u_ch < 0.65 then 'mobile' when s.u_ch < 0.9 then 'operator' else 'open311' end as channel,
  c.person_id, c.account_id as cit_account, c.iin, c.name as cit_name, c.phone, c.email, c.lang as cit_lang
from s
join bench_execn en on en.org_id = s.org_id
join bench_exec e on e.org_id = s.org_id and e.k = floor(s.u_ex * en.n)::int
join bench_cit c on c.idx = floor(s.u_cit * (case when s.u_ch < 0.65 and s.kind <> 'anonymous' then $5::int else $4::int end))::int
order by s.region_code, s.id
`;

/** The appeal rows. $1 Russian texts, $2 Kazakh texts, $3 Russian answer, $4 Kazakh answer. */
export const APPEAL_SQL = `
insert into appeal (region_code, id, slip_number, slip_year, slip_seq, type_code, category_id, channel, lang, text, territory_code, address, lat, lon,
  extra, is_public, is_anonymous, is_security_report, is_state_service_complaint, applicant_iin, applicant_person_id, applicant_account_id,
  applicant_name, applicant_phone, applicant_email, received_at, registered_on, received_by_kind, received_by_id, received_by_organization_id,
  process_key, case_id, state, organization_id, assignee_id, due_at, closed_at, answer_text, answer_decision, answered_at, answered_by,
  verdict, rating, verdict_at, reopen_count, deemed_refusal_at, forwarded_to, created_at, updated_at, answer_working_days, answered_on_time)
select x.region_code, x.id, rg.slip_prefix || '-' || x.yr || '-' || lpad(x.seq::text, 6, '0'), x.yr, x.seq,
  case when x.channel = 'open311' then 'report' when x.r1 < 0.5 then 'statement' when x.r1 < 0.75 then 'complaint' when x.r1 < 0.83 then 'proposal'
       when x.r1 < 0.93 then 'request' when x.r1 < 0.95 then 'response' else 'report' end,
  x.category_id, x.channel, x.lang,
  case when x.lang = 'kk' then ($2::text[])[1 + floor(x.u_txt * array_length($2::text[], 1))::int] else ($1::text[])[1 + floor(x.u_txt * array_length($1::text[], 1))::int] end
    || ' ' || (1 + floor(x.r2 * 150))::text || '.',
  x.territory_code, case when x.channel = 'web' and x.r3 < 0.5 then 'ул. Абая, д. ' || (1 + floor(x.r2 * 150))::text end,
  case when x.r3 < 0.7 then x.plat + (x.r1 - 0.5) * 0.06 end, case when x.r3 < 0.7 then x.plon + (x.r2 - 0.5) * 0.09 end,
  '{}', (x.kind <> 'anonymous' and x.u_x < 0.4), (x.kind = 'anonymous'), false, false,
  case when x.anon or x.channel = 'open311' then null else x.iin end,
  case when x.anon or x.channel = 'open311' then null else x.person_id end,
  case when x.anon or x.channel = 'open311' then null else x.cit_account end,
  case when x.anon then null else x.cit_name end, case when x.anon then null else x.phone end, case when x.anon then null else x.email end,
  x.received_at, x.registered_on,
  case x.channel when 'web' then 'citizen' when 'mobile' then 'citizen' when 'operator' then 'staff' else 'api_client' end,
  case x.channel when 'web' then x.cit_account::text when 'mobile' then x.cit_account::text when 'operator' then x.operator_staff::text else 'bench-open311-client' end,
  case when x.channel in ('operator', 'open311') then x.cc_id end,
  'appeal', x.case_id, x.state, x.organization_id, x.assignee_id,
  case when x.closed_at is null then o.appeal_due end, x.closed_at,
  case when x.h_answer then case when x.lang = 'kk' then $4 else $3 end end,
  case when x.h_answer then (array['granted', 'partly_granted', 'explained', 'refused'])[1 + floor(x.r3 * 4)::int] end,
  case when x.h_reanswer then x.reanswer_at when x.h_answer then x.answered_at end,
  case when x.h_answer then x.exec_staff::text end,
  case when x.h_final then case when x.fb = 'confirmed' then 'confirmed' else 'silent' end when x.h_dispute then 'disputed' end,
  case when x.fb = 'confirmed' and x.h_final then 3 + floor(x.r1 * 3)::int when x.h_dispute then 1 + floor(x.r2 * 2)::int end,
  case when x.h_final then x.final_at when x.h_dispute then x.verdict_at end,
  x.h_dispute::int,
  case when o.case_id is not null and o.has_answer then o.deemed_at else x.deemed_refusal_at end,
  case when x.h_forward then 'Департамент полиции области' end,
  x.received_at, coalesce(x.closed_at, x.state_entered_at),
  -- The mirrors the core writes with the answer (migration 0010): working days after the receipt
  -- day whose hours (to 18:00) had ended by the answer, as calendar.workingDaysBetween counts them
  -- (working days up to that day minus those up to the receipt day), and on time = no deemed refusal.
  case when x.ans is not null then greatest(0, an.ord - 1 - x.reg_ord) end,
  case when x.ans is not null then (case when o.case_id is not null and o.has_answer then o.deemed_at else x.deemed_refusal_at end) is null end
from (
  select s.*, s.kind = 'anonymous' as anon, case when s.h_reanswer then s.reanswer_at when s.h_answer then s.answered_at end as ans, case when s.kind = 'anonymous' then (case when s.r1 < 0.5 then 'kk' else 'ru' end) else s.cit_lang end as lang,
    extract(year from s.registered_on)::int as yr,
    coalesce(off.base, 0) + row_number() over (partition by s.region_code, extract(year from s.registered_on) order by s.received_at, s.id) as seq
  from bench_stage s left join bench_off off on off.region_code = s.region_code and off.yr = extract(year from s.registered_on)::int
) x
join appeal_region rg on rg.region_code = x.region_code
left join bench_open o on o.case_id = x.case_id
left join bench_next an on an.date = ((x.ans at time zone 'UTC' + interval '5 hours') - interval '18 hours')::date + 1
order by x.region_code, x.id
`;

/**
 * The mirror of the first escalation step that reached the coordination centre (migration 0010,
 * written by the sweep's notice hook in the app), once the escalations are in. The loader's case
 * shares its appeal's id.
 */
export const ESCALATED_AT_SQL = `
update appeal a set escalated_at = e.first_at
from (
  select region_code, case_id, min(applied_at) as first_at from workflow_escalation
  where 'coordinator' = any (notify) group by 1, 2
) e
where a.region_code = e.region_code and a.id = e.case_id
`;

/** $1 definition id, $2 its version. */
export const CASE_SQL = `
insert into workflow_case (region_code, id, definition_id, process_key, definition_version, subject_type, subject_id, state, state_entered_at, version,
  organization_id, assignee_id, applicant_account_id, received_at, started_at, closed_at, due_at, state_due_at, next_due_at, escalation_level)
select s.region_code, s.case_id, $1::uuid, 'appeal', $2::int, 'appeal', s.id::text, s.state, s.state_entered_at, s.version,
  s.organization_id, s.assignee_id, case when s.kind = 'anonymous' or s.channel = 'open311' then null else s.cit_account end,
  s.received_at, s.received_at, s.closed_at, o.case_due, o.state_due, least(o.case_due, o.state_due), coalesce(o.level, 0)
from bench_stage s left join bench_open o on o.case_id = s.case_id
order by s.region_code, s.case_id
`;

/**
 * Every step of each story that happened by the load instant. One branch per kind of step,
 * each reading the staging table in (region, case) order, so every index takes its rows in key
 * order; a step's number is 2 + the steps before it (the start is 1).
 */
const STEPS: { flag: string; at: string; action: string; from: string; to: string; actorKind: string; actorId: string; comment: string; org: string; assignee: string }[] = [
  { flag: 'true', at: 's.received_at', action: "'$start'", from: 'null', to: "'registered'",
    actorKind: "case s.channel when 'operator' then 'staff' when 'open311' then 'api_client' else 'citizen' end",
    actorId: "case s.channel when 'web' then s.cit_account::text when 'mobile' then s.cit_account::text end", comment: 'null', org: 's.cc_id', assignee: 'null' },
  { flag: 's.h_leave', at: 's.received_at', action: "'leave_unconsidered'", from: "'registered'", to: "'not_considered'", actorKind: "'anonymous'", actorId: 'null',
    comment: "'APPC RK: an anonymous appeal is not considered'", org: 's.cc_id', assignee: 'null' },
  { flag: 's.h_forward', at: 's.event_at', action: "'forward'", from: "'registered'", to: "'forwarded'", actorKind: "'staff'", actorId: 's.coord_acc::text',
    comment: "'Not within the competence of the akimat'", org: 's.cc_id', assignee: 'null' },
  { flag: 's.h_route', at: 's.route_at', action: "'route'", from: "'registered'", to: "'assigned'", actorKind: "case when s.is_auto then 'citizen' else 'staff' end",
    actorId: 'case when s.is_auto then null else s.coord_acc::text end', comment: "case when s.is_auto then 'routing rule' end", org: 's.org_id', assignee: 'null' },
  { flag: 's.h_accept', at: 's.accept_at', action: "'accept'", from: "'assigned'", to: "'in_progress'", actorKind: "'staff'", actorId: 's.exec_acc::text', comment: 'null', org: 's.org_id', assignee: 's.exec_staff' },
  { flag: 's.h_reqinfo', at: 's.state_entered_at', action: "'request_info'", from: "'in_progress'", to: "'awaiting_applicant'", actorKind: "'staff'", actorId: 's.exec_acc::text',
    comment: "'Уточните, пожалуйста, адрес.'", org: 's.org_id', assignee: 's.exec_staff' },
  { flag: 's.h_answer', at: 's.answered_at', action: "'answer'", from: "'in_progress'", to: "'answered'", actorKind: "'staff'", actorId: 's.exec_acc::text', comment: 'null', org: 's.org_id', assignee: 's.exec_staff' },
  { flag: 's.h_dispute', at: 's.verdict_at', action: "'dispute'", from: "'answered'", to: "'reopened'", actorKind: "'citizen'", actorId: 's.cit_account::text', comment: "'Ничего не изменилось.'", org: 's.org_id', assignee: 's.exec_staff' },
  { flag: 's.h_reanswer', at: 's.reanswer_at', action: "'answer'", from: "'reopened'", to: "'answered'", actorKind: "'staff'", actorId: 's.exec_acc::text', comment: 'null', org: 's.org_id', assignee: 'null' },
  { flag: 's.h_final', at: 's.final_at', action: "case when s.fb = 'confirmed' then 'confirm' else 'close_on_silence' end", from: "'answered'", to: "'closed'",
    actorKind: "case when s.fb = 'confirmed' then 'citizen' else 'anonymous' end", actorId: "case when s.fb = 'confirmed' then s.cit_account::text end", comment: 'null', org: 's.org_id',
    assignee: 'case when s.h_dispute then null else s.exec_staff end' },
  { flag: 's.h_event', at: 's.event_at', action: 's.kind', from: "case when s.h_route then 'assigned' else 'registered' end", to: 's.kind', actorKind: "'staff'", actorId: 's.coord_acc::text',
    comment: 'null', org: 'case when s.h_route then s.org_id else s.cc_id end', assignee: 'null' },
];

/** `closed`: also the history of closed appeals (false: open ones only, a smaller database). */
export function historySql(closed: boolean): string {
  return `
insert into workflow_history (region_code, id, case_id, seq, at, action, from_state, to_state, actor_kind, actor_id, comment, organization_id, assignee_id)
${STEPS.map((h, k) => {
  const seq = k === 0 ? '1' : `2 + ${STEPS.slice(1, k).map((p) => `${p.flag}::int`).join(' + ') || '0'}`;
  return `select s.region_code, (left(s.case_id::text, 34) || '0${k.toString(16)}')::uuid, s.case_id, ${seq}, ${h.at}, ${h.action}, ${h.from}, ${h.to},
  ${h.actorKind}, ${h.actorId}, ${h.comment}::text, ${h.org}, ${h.assignee}::uuid
from bench_stage s where ${h.flag}${closed ? '' : ' and s.closed_at is null'}`;
}).join('\nunion all\n')}
`;
}

/**
 * The answer deadline of every appeal whose legal term no longer runs (answered, or closed):
 * met, or missed with the ladder's steps applied (reminder, breach, coordination centre).
 * Running deadlines of open appeals are computed in JavaScript with the engine's own arithmetic.
 */
export const CLOSED_DEADLINE_SQL = `
insert into workflow_deadline (region_code, id, case_id, scope, deadline_key, amount, unit, legal_source, started_at, due_at, original_due_at,
  status, ended_at, next_step, next_step_at, level)
select s.region_code, s.dl_id, s.case_id, 'case', 'answer', 15, 'working_days', $1, s.received_at, s.due_at, s.due_at,
  case when s.dl_end <= s.due_at then 'met' else 'missed' end, s.dl_end,
  case when s.dl_end <= s.due_at then 0 when s.dl_end <= s.after_breach then 2 else 3 end, null,
  case when s.dl_end <= s.due_at then 0 when s.dl_end <= s.after_breach then 2 else 3 end
from (
  select s.*, coalesce(case when s.h_answer then s.answered_at end, s.closed_at) as dl_end,
    ((w2.date + time '18:00') - interval '5 hours') at time zone 'UTC' as after_breach
  from bench_stage s join bench_wd w2 on w2.ord = s.due_ord + 2
  where s.state not in ('registered', 'assigned', 'in_progress', 'awaiting_applicant')
) s
order by s.region_code, s.dl_id
`;

export const CLOSED_ESCALATION_SQL = `
insert into workflow_escalation (region_code, case_id, deadline_id, generation, step_index, level, due_at, applied_at, notify, effects)
select d.region_code, d.case_id, d.id, 1, k.step, k.level, k.due, k.due + interval '40 seconds', k.notify, k.effects
from workflow_deadline d
join bench_wd w on w.date = ((d.due_at at time zone 'UTC' + interval '5 hours')::date)
join bench_wd w2 on w2.ord = w.ord + 2
join bench_wd w3 on w3.ord = w.ord - 4
cross join lateral (values
  (0, 1, ((w3.date + time '15:45') - interval '5 hours') at time zone 'UTC', array['assignee'], array[]::text[]),
  (1, 2, d.due_at, array['head'], array['recordDeemedRefusal']),
  (2, 3, ((w2.date + time '18:00') - interval '5 hours') at time zone 'UTC', array['coordinator'], array[]::text[])
) as k(step, level, due, notify, effects)
join bench_stage s on s.dl_id = d.id
where d.status = 'missed' and d.scope = 'case' and k.step < d.next_step
on conflict do nothing
`;
