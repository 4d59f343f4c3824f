-- Appeals: the one window (src/modules/appeals/README.md). The rules of the Administrative
-- Procedural Code (APPC) are rows here, each with its legal source; the lifecycle runs on the
-- workflow engine (process definitions built from src/modules/appeals/appeal.process.json and
-- these rules). The high-volume tables (appeal, appeal_attachment) lead their key with
-- region_code, the KATO region, so that Citus can distribute them by region; the small
-- reference tables (rules, types, categories, routing rules) are Citus reference tables.

-- ---------------------------------------------------------------------------------------
-- Rules as data
-- ---------------------------------------------------------------------------------------

-- One row per rule. A term has an amount and a unit; a rule without a term (registration,
-- deemed refusal, anonymous appeals) has neither. Terms are copied into the process
-- definitions when they are published (src/modules/appeals/appeals.rules.ts): changing a row
-- and publishing again gives new appeals the new term; appeals in flight keep theirs.
create table appeal_rule (
  code text constraint appeal_rule_pk primary key constraint appeal_rule_code_ck check (code ~ '^[a-z][a-z0-9_]*$'),
  amount integer constraint appeal_rule_amount_ck check (amount > 0),
  -- percent: a share of a term (the reminder), not a term itself.
  unit text constraint appeal_rule_unit_ck check (unit in ('working_days', 'working_hours', 'calendar_days', 'months', 'percent')),
  legal_source text not null constraint appeal_rule_legal_source_ck check (length(legal_source) between 1 and 1000),
  summary_kk text not null,
  summary_ru text not null,
  summary_en text not null,
  updated_at timestamptz not null default now(),
  constraint appeal_rule_term_ck check ((amount is null) = (unit is null))
);

insert into appeal_rule (code, amount, unit, legal_source, summary_kk, summary_ru, summary_en) values
('registration', null, null,
 'APPC RK (Administrative Procedural Code of 29.06.2020 No. 350-VI, in force since 01.07.2021), art. 64: an appeal is registered on the day it is received; one received after working hours or on a non-working day is registered on the next working day',
 'Өтініш түскен күні тіркеледі; жұмыс уақытынан кейін немесе демалыс күні түссе — келесі жұмыс күні',
 'Обращение регистрируется в день поступления; поступившее после окончания рабочего времени или в нерабочий день — на следующий рабочий день',
 'Registered on the day received; after hours or on a non-working day, on the next working day'),
('answer_standard', 15, 'working_days',
 'APPC RK art. 76: an appeal is considered within fifteen working days of its receipt',
 'Өтініш түскен күнінен бастап 15 жұмыс күні ішінде қаралады',
 'Обращение рассматривается в течение 15 рабочих дней со дня поступления',
 'Answered within 15 working days of receipt'),
('answer_state_service_complaint', 5, 'working_days',
 'Law of RK «On state services» of 15.04.2013 No. 88-V, art. 25: a complaint about the provision of a state service, filed with the head of the service provider, is considered within five working days of its registration',
 'Мемлекеттік қызмет көрсету туралы шағым көрсетушінің басшысында 5 жұмыс күні ішінде қаралады',
 'Жалоба на оказание государственной услуги рассматривается руководителем услугодателя в течение 5 рабочих дней',
 'A complaint about a state service: 5 working days, at the head of the provider'),
('forwarding', 3, 'working_days',
 'APPC RK art. 65: an appeal outside the competence of the body is forwarded to the competent body within three working days of its receipt, and the applicant is told',
 'Құзыретке жатпайтын өтініш 3 жұмыс күні ішінде құзыретті органға жіберіледі, өтініш беруші хабардар етіледі',
 'Обращение не по компетенции направляется по компетенции в течение 3 рабочих дней с уведомлением заявителя',
 'Outside competence: forwarded within 3 working days, applicant told'),
('extension_limit', 2, 'months',
 'APPC RK art. 76: where further study or inspection is needed, the head of the administrative body (or a deputy) may extend the term by a reasoned decision, to two months at most in total',
 'Басшы (орынбасары) дәлелді шешіммен мерзімді барлығы 2 айдан аспайтын мерзімге ұзарта алады',
 'Руководитель (заместитель) мотивированным решением может продлить срок не более чем до двух месяцев',
 'Extension: by the head (or a deputy), with reasons, to two months at most'),
('extension_notice', 3, 'working_days',
 'APPC RK art. 76: the applicant is told of the extension within three working days of the decision',
 'Ұзарту туралы өтініш беруші 3 жұмыс күні ішінде хабардар етіледі',
 'Заявитель уведомляется о продлении в течение 3 рабочих дней',
 'The applicant is told of an extension within 3 working days'),
('deemed_refusal', null, null,
 'APPC RK art. 91: silence of the administrative body past the term counts as a refusal (deemed refusal), which the applicant may challenge',
 'Мерзім өткеннен кейінгі үнсіздік бас тарту деп есептеледі',
 'Молчание административного органа по истечении срока считается отказом',
 'Silence past the term counts as a refusal'),
('anonymous', null, null,
 'APPC RK: an anonymous appeal is not considered, except one reporting a criminal offence being prepared or committed, or a threat to state or public security, which is forwarded at once to the competent state body (article number to be confirmed against the official text, adilet.zan.kz)',
 'Анонимді өтініш қаралмайды; қылмыс немесе қауіпсіздікке қатер туралы хабарлама бірден жіберіледі',
 'Анонимное обращение не рассматривается, кроме сообщений о преступлениях и угрозах безопасности, которые направляются незамедлительно',
 'Anonymous: registered, not considered; crime or security reports forwarded at once'),
('confirmation_window', 15, 'calendar_days',
 'Ortak rule of the coordination centre: after an answer the applicant has fifteen calendar days to confirm or dispute it; silence closes the appeal',
 'Жауаптан кейін өтініш беруші 15 күнтізбелік күн ішінде растайды немесе дауласады',
 'После ответа заявитель в течение 15 календарных дней подтверждает или оспаривает его',
 'After the answer: 15 calendar days to confirm or dispute'),
('reconsideration', 10, 'working_days',
 'Ortak rule of the coordination centre: a disputed answer goes back to the organization and is reconsidered within ten working days, one escalation level higher',
 'Дау айтылған жауап 10 жұмыс күні ішінде қайта қаралады',
 'Оспоренный ответ пересматривается в течение 10 рабочих дней',
 'A disputed answer is reconsidered within 10 working days'),
('coordination_after_breach', 2, 'working_days',
 'Ortak rule of the coordination centre: an appeal still unanswered two working days after its term is escalated to the coordination centre',
 'Мерзімнен кейін 2 жұмыс күні өткенде үйлестіру орталығына жіберіледі',
 'Через 2 рабочих дня после истечения срока — эскалация в координационный центр',
 'Escalated to the coordination centre 2 working days after the breach'),
('reminder_share', 75, 'percent',
 'Ortak rule of the coordination centre: the executor is reminded when 75 % of the term has passed',
 'Мерзімнің 75 %-ы өткенде орындаушыға ескертіледі',
 'Исполнителю напоминается, когда прошло 75 % срока',
 'Reminder to the executor at 75 % of the term');

-- The six kinds of appeal of the APPC, each with the rule that sets its answer term.
create table appeal_type (
  code text constraint appeal_type_pk primary key constraint appeal_type_code_ck check (code ~ '^[a-z][a-z_]*$'),
  name_kk text not null,
  name_ru text not null,
  name_en text not null,
  answer_rule text not null constraint appeal_type_answer_rule_fk references appeal_rule (code),
  legal_source text not null,
  sort smallint not null default 0
);

insert into appeal_type (code, name_kk, name_ru, name_en, answer_rule, legal_source, sort) values
('statement', 'Өтініш', 'Заявление', 'Statement', 'answer_standard', 'APPC RK (kinds of appeals, among the Code''s basic terms); term: art. 76', 1),
('complaint', 'Шағым', 'Жалоба', 'Complaint', 'answer_standard', 'APPC RK (kinds of appeals, among the Code''s basic terms); term: art. 76', 2),
('proposal', 'Ұсыныс', 'Предложение', 'Proposal', 'answer_standard', 'APPC RK (kinds of appeals, among the Code''s basic terms); term: art. 76', 3),
('request', 'Сұрау салу', 'Запрос', 'Request', 'answer_standard', 'APPC RK (kinds of appeals, among the Code''s basic terms); term: art. 76', 4),
('response', 'Ден қою', 'Отклик', 'Response', 'answer_standard', 'APPC RK (kinds of appeals, among the Code''s basic terms); term: art. 76', 5),
('report', 'Хабарлама', 'Сообщение', 'Report', 'answer_standard', 'APPC RK (kinds of appeals, among the Code''s basic terms); term: art. 76', 6);

-- The slip number's prefix per KATO region (KRG-2026-000123).
create table appeal_region (
  region_code text constraint appeal_region_pk primary key constraint appeal_region_code_ck check (region_code ~ '^[0-9]{2}0000000$'),
  slip_prefix text not null constraint appeal_region_prefix_uq unique constraint appeal_region_prefix_ck check (slip_prefix ~ '^[A-Z]{2,5}$')
);
insert into appeal_region (region_code, slip_prefix) values
('100000000', 'ABY'), ('110000000', 'AKM'), ('150000000', 'AKT'), ('190000000', 'ALM'), ('230000000', 'ATR'),
('270000000', 'ZKO'), ('310000000', 'ZHM'), ('330000000', 'ZHT'), ('350000000', 'KRG'), ('390000000', 'KST'),
('430000000', 'KZO'), ('470000000', 'MNG'), ('550000000', 'PVL'), ('590000000', 'SKO'), ('610000000', 'TRK'),
('620000000', 'ULT'), ('630000000', 'VKO'), ('710000000', 'AST'), ('750000000', 'ALA'), ('790000000', 'SHY');

-- Slip numbers: one PostgreSQL sequence per region and year, created on first use. nextval
-- takes no row lock and is not rolled back, so intakes in one region never queue behind each
-- other (a counter row would be one hot lock per region, held to commit). The price: a rolled
-- back intake leaves a gap. The APPC asks for a unique number, not a gapless one.
create function appeal_next_slip(p_region text, p_year integer) returns bigint language plpgsql as $$
declare
  seq text;
begin
  if p_region !~ '^[0-9]{9}$' or p_year not between 2000 and 2999 then
    raise exception 'appeal_next_slip: bad region % or year %', p_region, p_year;
  end if;
  seq := format('appeal_slip_%s_%s', p_region, p_year);
  if to_regclass(seq) is null then
    -- Two first intakes of a year at once: the second waits here, then finds the sequence.
    perform pg_advisory_xact_lock(hashtext(seq));
    execute format('create sequence if not exists %I', seq);
  end if;
  return nextval(seq);
end $$;

-- ---------------------------------------------------------------------------------------
-- Categories and routing
-- ---------------------------------------------------------------------------------------

-- A tree of any depth per region (Housing and utilities → Heating → No heating in the flat).
-- `code` is the Open311 service_code. The responsible organization kind, the operational
-- target and the security flag are inherited by descendants that leave them null/false.
create table appeal_category (
  id uuid constraint appeal_category_pk primary key default gen_random_uuid(),
  region_code text not null constraint appeal_category_region_ck check (region_code ~ '^[0-9]{9}$'),
  parent_id uuid constraint appeal_category_parent_fk references appeal_category (id),
  path uuid[] not null,
  code text not null constraint appeal_category_code_ck check (code ~ '^[a-z0-9][a-z0-9_.-]{0,63}$'),
  name_kk text not null constraint appeal_category_name_kk_ck check (length(name_kk) between 1 and 300),
  name_ru text not null constraint appeal_category_name_ru_ck check (length(name_ru) between 1 and 300),
  name_en text not null constraint appeal_category_name_en_ck check (length(name_en) between 1 and 300),
  description_kk text,
  description_ru text,
  description_en text,
  organization_kind text constraint appeal_category_org_kind_ck check (organization_kind in (
    'ministry', 'regional_akimat', 'district_akimat', 'department', 'coordination_centre', 'state_enterprise', 'private_provider')),
  -- Operational target in clock hours for urgent matters (no heating, no water), separate from the legal term.
  target_hours integer constraint appeal_category_target_ck check (target_hours between 1 and 8760),
  is_security_report boolean not null default false,
  keywords text[] not null default '{}',
  -- JSON Schema (type object) of the extra fields the category asks for; json keeps key order.
  extra_fields json,
  sort integer not null default 0,
  is_active boolean not null default true,
  created_at timestamptz not null,
  updated_at timestamptz not null,
  constraint appeal_category_code_uq unique (region_code, code),
  constraint appeal_category_path_ck check (path[array_length(path, 1)] = id)
);
create index appeal_category_parent_ix on appeal_category (parent_id);
create index appeal_category_path_ix on appeal_category using gin (path);

-- Category × territory (a KATO prefix) → organization. The most specific rule wins: the
-- longest territory prefix, then the deepest category (appeals.routing.ts).
create table appeal_routing_rule (
  id uuid constraint appeal_routing_rule_pk primary key default gen_random_uuid(),
  region_code text not null constraint appeal_routing_rule_region_ck check (region_code ~ '^[0-9]{9}$'),
  category_id uuid not null constraint appeal_routing_rule_category_fk references appeal_category (id),
  territory_prefix text not null constraint appeal_routing_rule_prefix_ck check (territory_prefix ~ '^[0-9]{1,9}$'),
  organization_id uuid not null,
  note text constraint appeal_routing_rule_note_ck check (length(note) <= 1000),
  is_active boolean not null default true,
  created_at timestamptz not null,
  created_by text,
  updated_at timestamptz not null
);
create unique index appeal_routing_rule_uq on appeal_routing_rule (category_id, territory_prefix) where is_active;
create index appeal_routing_rule_region_ix on appeal_routing_rule (region_code, category_id) where is_active;

-- ---------------------------------------------------------------------------------------
-- The register
-- ---------------------------------------------------------------------------------------

create table appeal (
  region_code text not null constraint appeal_region_ck check (region_code ~ '^[0-9]{2}0000000$'),
  id uuid not null,
  slip_number text not null,
  slip_year smallint not null,
  slip_seq bigint not null,
  type_code text not null constraint appeal_type_fk references appeal_type (code),
  category_id uuid not null constraint appeal_category_fk references appeal_category (id),
  channel text not null constraint appeal_channel_ck check (channel in ('web', 'mobile', 'operator', 'open311')),
  lang text not null constraint appeal_lang_ck check (lang in ('kk', 'ru', 'en')),
  text text not null constraint appeal_text_ck check (length(text) between 1 and 10000),
  territory_code text not null constraint appeal_territory_ck check (territory_code ~ '^[0-9]{9}$'),
  address text constraint appeal_address_ck check (length(address) <= 500),
  lat double precision constraint appeal_lat_ck check (lat between -90 and 90),
  lon double precision constraint appeal_lon_ck check (lon between -180 and 180),
  extra json not null default '{}',
  -- The applicant agreed to show the appeal publicly (without personal data).
  is_public boolean not null default false,
  is_anonymous boolean not null default false,
  is_security_report boolean not null default false,
  is_state_service_complaint boolean not null default false,
  service_provider_id uuid,
  -- Personal data: shown only to the coordination centre, the assigned organization and the applicant.
  -- As received: the APPC asks an appeal to carry the applicant's IIN (where they have one).
  applicant_iin text constraint appeal_applicant_iin_ck check (applicant_iin ~ '^[0-9]{12}$'),
  applicant_person_id uuid,
  applicant_account_id uuid,
  applicant_name text constraint appeal_applicant_name_ck check (length(applicant_name) <= 300),
  applicant_phone text constraint appeal_applicant_phone_ck check (applicant_phone ~ '^\+[0-9]{7,15}$'),
  applicant_email text constraint appeal_applicant_email_ck check (length(applicant_email) <= 254),
  received_at timestamptz not null,
  -- The registration (receipt) day of APPC art. 64, in the region's calendar.
  registered_on date not null,
  received_by_kind text not null constraint appeal_received_by_kind_ck check (received_by_kind in ('citizen', 'staff', 'api_client')),
  received_by_id text,
  received_by_organization_id uuid,
  process_key text not null,
  case_id uuid,
  -- Mirrors of the workflow case, refreshed by every change the module makes (lists, reports, Open311).
  state text not null,
  organization_id uuid not null,
  assignee_id uuid,
  due_at timestamptz,
  closed_at timestamptz,
  -- Merged into another appeal (duplicates follow the original's answer).
  original_id uuid,
  merged_at timestamptz,
  answer_text text constraint appeal_answer_text_ck check (length(answer_text) between 1 and 20000),
  answer_decision text constraint appeal_answer_decision_ck check (answer_decision in ('granted', 'partly_granted', 'refused', 'explained')),
  answered_at timestamptz,
  answered_by text,
  verdict text constraint appeal_verdict_ck check (verdict in ('confirmed', 'disputed', 'silent')),
  rating smallint constraint appeal_rating_ck check (rating between 1 and 5),
  verdict_at timestamptz,
  reopen_count integer not null default 0,
  return_count integer not null default 0,
  extension_count integer not null default 0,
  deemed_refusal_at timestamptz,
  forwarded_to text constraint appeal_forwarded_to_ck check (length(forwarded_to) <= 500),
  created_at timestamptz not null,
  updated_at timestamptz not null,
  constraint appeal_pk primary key (region_code, id),
  constraint appeal_slip_uq unique (region_code, slip_number),
  constraint appeal_anonymous_ck check (not is_anonymous or (applicant_person_id is null and applicant_account_id is null and applicant_iin is null)),
  constraint appeal_point_ck check ((lat is null) = (lon is null))
);
-- Pages address an appeal by id alone (on Citus: a fan-out read; writes always carry the region).
create index appeal_id_ix on appeal (id);
create index appeal_applicant_ix on appeal (region_code, applicant_person_id, received_at desc) where applicant_person_id is not null;
create index appeal_account_ix on appeal (applicant_account_id, received_at desc) where applicant_account_id is not null;
create index appeal_phone_ix on appeal (applicant_phone, received_at desc) where applicant_phone is not null;
create index appeal_org_ix on appeal (region_code, organization_id, received_at desc);
create index appeal_received_ix on appeal (region_code, received_at desc);
-- Duplicate candidates: open appeals of one category, found by place, then ranked by text.
create index appeal_open_category_ix on appeal (region_code, category_id, lat) where closed_at is null and original_id is null;
create index appeal_case_ix on appeal (region_code, case_id);

-- Text similarity (pg_trgm) of Kazakh and Russian text: under a C ctype pg_trgm finds no
-- trigrams in Cyrillic at all, so texts are compared folded to lower case (ICU) and
-- transliterated letter by letter to Latin first. Same answer under any database locale.
create function appeal_text_key(t text) returns text language sql immutable parallel safe as $$
  select translate(lower(t collate "und-x-icu"),
    'абвгдеёжзийклмнопрстуфхцчшщыэюяәғқңөұүһіъь',
    'abvgdeejziiklmnoprstufhcqwwyeuaagknouuhi')
$$;

create table appeal_attachment (
  region_code text not null,
  id uuid not null default gen_random_uuid(),
  appeal_id uuid not null,
  file_id uuid not null,
  -- intake: with the appeal; info: provided on request; answer: with the answer.
  stage text not null constraint appeal_attachment_stage_ck check (stage in ('intake', 'info', 'answer')),
  original_name text not null,
  mime text not null,
  size integer not null,
  sha256 text not null,
  uploaded_by_kind text not null,
  uploaded_by_id text,
  created_at timestamptz not null,
  constraint appeal_attachment_pk primary key (region_code, id),
  constraint appeal_attachment_appeal_fk foreign key (region_code, appeal_id) references appeal (region_code, id)
);
create index appeal_attachment_appeal_ix on appeal_attachment (region_code, appeal_id);

-- ---------------------------------------------------------------------------------------
-- Idempotency of POSTs (src/platform/http/idempotency.ts): a retried request with the same
-- Idempotency-Key gets the first response; the same key with another body is a 409. Region
-- agnostic: `scope` names the caller and the operation (on Citus: distributed by scope).
-- ---------------------------------------------------------------------------------------
create table idempotency_key (
  scope text not null constraint idempotency_key_scope_ck check (length(scope) between 1 and 300),
  key text not null constraint idempotency_key_key_ck check (length(key) between 1 and 255),
  request_hash text not null,
  status_code smallint not null,
  response text not null,
  created_at timestamptz not null,
  expires_at timestamptz not null,
  constraint idempotency_key_pk primary key (scope, key)
);
create index idempotency_key_expires_ix on idempotency_key (expires_at);
