-- The working-day calendar (src/platform/calendar/README.md): one row per date and region with
-- its kind and the act that set it; the national calendar is region 000000000, a region's rows
-- override it. Small reference tables (on Citus: reference tables, copied to every node).

create table calendar_region (
  region_code text constraint calendar_region_pk primary key
    constraint calendar_region_code_ck check (region_code ~ '^[0-9]{9}$'),
  -- Kazakhstan has been on one time zone, UTC+5, since 1 March 2024.
  time_zone text not null default 'Asia/Almaty',
  work_start text not null default '09:00'
    constraint calendar_region_work_start_ck check (work_start ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$'),
  work_end text not null default '18:00'
    constraint calendar_region_work_end_ck check (work_end ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$'),
  updated_at timestamptz not null default now(),
  constraint calendar_region_hours_ck check (work_start < work_end)
);

create table calendar_day (
  region_code text not null constraint calendar_day_region_ck check (region_code ~ '^[0-9]{9}$'),
  date date not null,
  kind text not null constraint calendar_day_kind_ck
    check (kind in ('working', 'weekend', 'holiday', 'transferred_day_off', 'transferred_working_day')),
  -- Catalog code of the holiday (calendar:holiday.<code>), for translated labels.
  holiday text,
  name text,
  act text not null,
  source text not null default 'seed' constraint calendar_day_source_ck check (source in ('seed', 'import')),
  updated_at timestamptz not null default now(),
  constraint calendar_day_pk primary key (region_code, date),
  -- Only a Saturday or Sunday is a weekend or a working day moved onto it; only a weekday is a
  -- plain working day or a day off moved onto it. A holiday may fall on any day.
  constraint calendar_day_weekday_ck check (
    kind = 'holiday'
    or (kind in ('weekend', 'transferred_working_day') and extract(isodow from date) >= 6)
    or (kind in ('working', 'transferred_day_off') and extract(isodow from date) <= 5))
);

-- One row; every change of the calendar gives it a new value, and each process's in-memory
-- calendar cache compares it before use (so an import elsewhere is never served stale).
create table calendar_revision (
  id boolean constraint calendar_revision_pk primary key default true constraint calendar_revision_one_ck check (id),
  revision uuid not null default gen_random_uuid(),
  changed_at timestamptz not null default now()
);
insert into calendar_revision default values;

insert into calendar_region (region_code) values ('000000000');

-- BEGIN GENERATED SEED (src/platform/calendar/calendar.generate.ts; do not edit by hand)
-- Every date of 2024–2027: Monday–Friday working, Saturday and Sunday off.
insert into calendar_day (region_code, date, kind, act)
select '000000000', d::date,
       case when extract(isodow from d) >= 6 then 'weekend' else 'working' end,
       case when extract(isodow from d) >= 6 then 'Labour Code of RK No. 414-V of 23.11.2015, art. 84 (five-day week: Saturday and Sunday are days off)' else 'Labour Code of RK No. 414-V of 23.11.2015 (five-day working week)' end
from generate_series(date '2024-01-01', date '2027-12-31', interval '1 day') as d;

-- Holidays (date-holidays), weekend transfers, and the corrections files with their acts.
insert into calendar_day (region_code, date, kind, holiday, name, act) values
  ('000000000', '2024-01-01', 'holiday', 'new_year', 'Новый год', 'Law of RK No. 267-II of 13.12.2001 «On holidays in the Republic of Kazakhstan»'),
  ('000000000', '2024-01-02', 'holiday', 'new_year', 'Новый год', 'Law of RK No. 267-II of 13.12.2001 «On holidays in the Republic of Kazakhstan»'),
  ('000000000', '2024-01-07', 'holiday', 'orthodox_christmas', 'Рождество Христово', 'Law of RK No. 267-II «On holidays in RK»; Labour Code of RK art. 84 p. 5 (religious holiday: a day off, not moved when it falls on a weekend)'),
  ('000000000', '2024-03-08', 'holiday', 'womens_day', 'Международный женский день', 'Law of RK No. 267-II of 13.12.2001 «On holidays in the Republic of Kazakhstan»'),
  ('000000000', '2024-03-21', 'holiday', 'nauryz', 'Наурыз мейрамы', 'Law of RK No. 267-II of 13.12.2001 «On holidays in the Republic of Kazakhstan»'),
  ('000000000', '2024-03-22', 'holiday', 'nauryz', 'Наурыз мейрамы', 'Law of RK No. 267-II of 13.12.2001 «On holidays in the Republic of Kazakhstan»'),
  ('000000000', '2024-03-23', 'holiday', 'nauryz', 'Наурыз мейрамы', 'Law of RK No. 267-II of 13.12.2001 «On holidays in the Republic of Kazakhstan»'),
  ('000000000', '2024-03-25', 'transferred_day_off', 'nauryz', 'Наурыз мейрамы (перенесённый выходной)', 'Law of RK No. 267-II «On holidays in RK» art. 5; Labour Code art. 85 (transfer rule: a holiday on a weekend moves the day off to the next working day)'),
  ('000000000', '2024-05-01', 'holiday', 'unity_day', 'День единства народа Казахстана', 'Law of RK No. 267-II of 13.12.2001 «On holidays in the Republic of Kazakhstan»'),
  ('000000000', '2024-05-04', 'transferred_working_day', null, 'Рабочий день (день отдыха перенесён на среду 8 мая)', 'Order of the acting Minister of Labour and Social Protection of the Population of RK of 17.04.2024 No. 109 «О переносе дня отдыха в 2024 году» (Labour Code art. 85 p. 3)'),
  ('000000000', '2024-05-07', 'holiday', 'defender_day', 'День Защитника Отечества', 'Law of RK No. 267-II of 13.12.2001 «On holidays in the Republic of Kazakhstan»'),
  ('000000000', '2024-05-08', 'transferred_day_off', null, 'День отдыха (перенесён с субботы 4 мая)', 'Order of the acting Minister of Labour and Social Protection of the Population of RK of 17.04.2024 No. 109 «О переносе дня отдыха в 2024 году» (Labour Code art. 85 p. 3)'),
  ('000000000', '2024-05-09', 'holiday', 'victory_day', 'День Победы', 'Law of RK No. 267-II of 13.12.2001 «On holidays in the Republic of Kazakhstan»'),
  ('000000000', '2024-06-16', 'holiday', 'kurban_ait', 'Курбан-айт', 'Law of RK No. 267-II «On holidays in RK»; Labour Code of RK art. 84 p. 5 (religious holiday: a day off, not moved when it falls on a weekend)'),
  ('000000000', '2024-07-06', 'holiday', 'capital_day', 'День столицы', 'Law of RK No. 267-II of 13.12.2001 «On holidays in the Republic of Kazakhstan»'),
  ('000000000', '2024-07-08', 'transferred_day_off', 'capital_day', 'День столицы (перенесённый выходной)', 'Law of RK No. 267-II «On holidays in RK» art. 5; Labour Code art. 85 (transfer rule: a holiday on a weekend moves the day off to the next working day)'),
  ('000000000', '2024-08-30', 'holiday', 'constitution_day', 'День Конституции', 'Law of RK No. 267-II of 13.12.2001 «On holidays in the Republic of Kazakhstan»'),
  ('000000000', '2024-10-25', 'holiday', 'republic_day', 'День Республики', 'Law of RK No. 267-II of 13.12.2001 «On holidays in the Republic of Kazakhstan»'),
  ('000000000', '2024-12-16', 'holiday', 'independence_day', 'День независимости', 'Law of RK No. 267-II of 13.12.2001 «On holidays in the Republic of Kazakhstan»'),
  ('000000000', '2025-01-01', 'holiday', 'new_year', 'Новый год', 'Law of RK No. 267-II of 13.12.2001 «On holidays in the Republic of Kazakhstan»'),
  ('000000000', '2025-01-02', 'holiday', 'new_year', 'Новый год', 'Law of RK No. 267-II of 13.12.2001 «On holidays in the Republic of Kazakhstan»'),
  ('000000000', '2025-01-03', 'transferred_day_off', null, 'День отдыха (перенесён с воскресенья 5 января)', 'Order of the Minister of Labour and Social Protection of the Population of RK of November 2024 No. 436 «О переносе дня отдыха в 2025 году» (Labour Code art. 85 p. 3; adilet G24G0000436)'),
  ('000000000', '2025-01-05', 'transferred_working_day', null, 'Рабочий день (день отдыха перенесён на пятницу 3 января)', 'Order of the Minister of Labour and Social Protection of the Population of RK of November 2024 No. 436 «О переносе дня отдыха в 2025 году» (Labour Code art. 85 p. 3; adilet G24G0000436)'),
  ('000000000', '2025-01-07', 'holiday', 'orthodox_christmas', 'Рождество Христово', 'Law of RK No. 267-II «On holidays in RK»; Labour Code of RK art. 84 p. 5 (religious holiday: a day off, not moved when it falls on a weekend)'),
  ('000000000', '2025-03-08', 'holiday', 'womens_day', 'Международный женский день', 'Law of RK No. 267-II of 13.12.2001 «On holidays in the Republic of Kazakhstan»'),
  ('000000000', '2025-03-10', 'transferred_day_off', 'womens_day', 'Международный женский день (перенесённый выходной)', 'Law of RK No. 267-II «On holidays in RK» art. 5; Labour Code art. 85 (transfer rule: a holiday on a weekend moves the day off to the next working day)'),
  ('000000000', '2025-03-21', 'holiday', 'nauryz', 'Наурыз мейрамы', 'Law of RK No. 267-II of 13.12.2001 «On holidays in the Republic of Kazakhstan»'),
  ('000000000', '2025-03-22', 'holiday', 'nauryz', 'Наурыз мейрамы', 'Law of RK No. 267-II of 13.12.2001 «On holidays in the Republic of Kazakhstan»'),
  ('000000000', '2025-03-23', 'holiday', 'nauryz', 'Наурыз мейрамы', 'Law of RK No. 267-II of 13.12.2001 «On holidays in the Republic of Kazakhstan»'),
  ('000000000', '2025-03-24', 'transferred_day_off', 'nauryz', 'Наурыз мейрамы (перенесённый выходной)', 'Law of RK No. 267-II «On holidays in RK» art. 5; Labour Code art. 85 (transfer rule: a holiday on a weekend moves the day off to the next working day)'),
  ('000000000', '2025-03-25', 'transferred_day_off', 'nauryz', 'Наурыз мейрамы (перенесённый выходной)', 'Law of RK No. 267-II «On holidays in RK» art. 5; Labour Code art. 85 (transfer rule: a holiday on a weekend moves the day off to the next working day)'),
  ('000000000', '2025-05-01', 'holiday', 'unity_day', 'День единства народа Казахстана', 'Law of RK No. 267-II of 13.12.2001 «On holidays in the Republic of Kazakhstan»'),
  ('000000000', '2025-05-07', 'holiday', 'defender_day', 'День Защитника Отечества', 'Law of RK No. 267-II of 13.12.2001 «On holidays in the Republic of Kazakhstan»'),
  ('000000000', '2025-05-09', 'holiday', 'victory_day', 'День Победы', 'Law of RK No. 267-II of 13.12.2001 «On holidays in the Republic of Kazakhstan»'),
  ('000000000', '2025-06-06', 'holiday', 'kurban_ait', 'Курбан-айт', 'Law of RK No. 267-II «On holidays in RK»; Labour Code of RK art. 84 p. 5 (religious holiday: a day off, not moved when it falls on a weekend)'),
  ('000000000', '2025-07-06', 'holiday', 'capital_day', 'День столицы', 'Law of RK No. 267-II of 13.12.2001 «On holidays in the Republic of Kazakhstan»'),
  ('000000000', '2025-07-07', 'transferred_day_off', 'capital_day', 'День столицы (перенесённый выходной)', 'Law of RK No. 267-II «On holidays in RK» art. 5; Labour Code art. 85 (transfer rule: a holiday on a weekend moves the day off to the next working day)'),
  ('000000000', '2025-08-30', 'holiday', 'constitution_day', 'День Конституции', 'Law of RK No. 267-II of 13.12.2001 «On holidays in the Republic of Kazakhstan»'),
  ('000000000', '2025-09-01', 'transferred_day_off', 'constitution_day', 'День Конституции (перенесённый выходной)', 'Law of RK No. 267-II «On holidays in RK» art. 5; Labour Code art. 85 (transfer rule: a holiday on a weekend moves the day off to the next working day)'),
  ('000000000', '2025-10-25', 'holiday', 'republic_day', 'День Республики', 'Law of RK No. 267-II of 13.12.2001 «On holidays in the Republic of Kazakhstan»'),
  ('000000000', '2025-10-27', 'transferred_day_off', 'republic_day', 'День Республики (перенесённый выходной)', 'Law of RK No. 267-II «On holidays in RK» art. 5; Labour Code art. 85 (transfer rule: a holiday on a weekend moves the day off to the next working day)'),
  ('000000000', '2025-12-16', 'holiday', 'independence_day', 'День независимости', 'Law of RK No. 267-II of 13.12.2001 «On holidays in the Republic of Kazakhstan»'),
  ('000000000', '2026-01-01', 'holiday', 'new_year', 'Новый год', 'Law of RK No. 267-II of 13.12.2001 «On holidays in the Republic of Kazakhstan»'),
  ('000000000', '2026-01-02', 'holiday', 'new_year', 'Новый год', 'Law of RK No. 267-II of 13.12.2001 «On holidays in the Republic of Kazakhstan»'),
  ('000000000', '2026-01-07', 'holiday', 'orthodox_christmas', 'Рождество Христово', 'Law of RK No. 267-II «On holidays in RK»; Labour Code of RK art. 84 p. 5 (religious holiday: a day off, not moved when it falls on a weekend)'),
  ('000000000', '2026-03-08', 'holiday', 'womens_day', 'Международный женский день', 'Law of RK No. 267-II of 13.12.2001 «On holidays in the Republic of Kazakhstan»'),
  ('000000000', '2026-03-09', 'transferred_day_off', 'womens_day', 'Международный женский день (перенесённый выходной)', 'Law of RK No. 267-II «On holidays in RK» art. 5; Labour Code art. 85 (transfer rule: a holiday on a weekend moves the day off to the next working day)'),
  ('000000000', '2026-03-15', 'weekend', null, 'Республиканский референдум по новой Конституции (День Конституции отмечается с 2027 года)', 'Constitution of RK adopted at the republican referendum of 15.03.2026 (art. 94: Constitution Day is the day of its adoption; first observed in 2027)'),
  ('000000000', '2026-03-16', 'working', null, null, 'Constitution of RK adopted at the republican referendum of 15.03.2026 (Constitution Day first observed in 2027, so no day off is carried to 16.03.2026)'),
  ('000000000', '2026-03-21', 'holiday', 'nauryz', 'Наурыз мейрамы', 'Law of RK No. 267-II of 13.12.2001 «On holidays in the Republic of Kazakhstan»'),
  ('000000000', '2026-03-22', 'holiday', 'nauryz', 'Наурыз мейрамы', 'Law of RK No. 267-II of 13.12.2001 «On holidays in the Republic of Kazakhstan»'),
  ('000000000', '2026-03-23', 'holiday', 'nauryz', 'Наурыз мейрамы', 'Law of RK No. 267-II of 13.12.2001 «On holidays in the Republic of Kazakhstan»'),
  ('000000000', '2026-03-24', 'transferred_day_off', 'nauryz', 'Наурыз мейрамы (выходной перенесён с субботы 21 марта)', 'Law of RK No. 267-II «On holidays in RK» art. 5; Labour Code art. 85 (transfer rule: a holiday on a weekend moves the day off to the next working day)'),
  ('000000000', '2026-03-25', 'transferred_day_off', 'nauryz', 'Наурыз мейрамы (выходной перенесён с воскресенья 22 марта)', 'Law of RK No. 267-II «On holidays in RK» art. 5; Labour Code art. 85 (transfer rule: a holiday on a weekend moves the day off to the next working day)'),
  ('000000000', '2026-05-01', 'holiday', 'unity_day', 'День единства народа Казахстана', 'Law of RK No. 267-II of 13.12.2001 «On holidays in the Republic of Kazakhstan»'),
  ('000000000', '2026-05-07', 'holiday', 'defender_day', 'День Защитника Отечества', 'Law of RK No. 267-II of 13.12.2001 «On holidays in the Republic of Kazakhstan»'),
  ('000000000', '2026-05-09', 'holiday', 'victory_day', 'День Победы', 'Law of RK No. 267-II of 13.12.2001 «On holidays in the Republic of Kazakhstan»'),
  ('000000000', '2026-05-11', 'transferred_day_off', 'victory_day', 'День Победы (перенесённый выходной)', 'Law of RK No. 267-II «On holidays in RK» art. 5; Labour Code art. 85 (transfer rule: a holiday on a weekend moves the day off to the next working day)'),
  ('000000000', '2026-05-27', 'holiday', 'kurban_ait', 'Курбан-айт', 'Law of RK No. 267-II «On holidays in RK»; Labour Code of RK art. 84 p. 5 (religious holiday: a day off, not moved when it falls on a weekend)'),
  ('000000000', '2026-07-06', 'holiday', 'capital_day', 'День столицы', 'Law of RK No. 267-II of 13.12.2001 «On holidays in the Republic of Kazakhstan»'),
  ('000000000', '2026-08-31', 'working', null, null, 'Law of RK No. 267-II «On holidays in RK» as amended after the Constitution of 15.03.2026: 30 August is no longer Constitution Day, so no day off is carried to 31.08.2026 (MLSPP RK, 18.03.2026)'),
  ('000000000', '2026-10-25', 'holiday', 'republic_day', 'День Республики', 'Law of RK No. 267-II of 13.12.2001 «On holidays in the Republic of Kazakhstan»'),
  ('000000000', '2026-10-26', 'transferred_day_off', 'republic_day', 'День Республики (перенесённый выходной)', 'Law of RK No. 267-II «On holidays in RK» art. 5; Labour Code art. 85 (transfer rule: a holiday on a weekend moves the day off to the next working day)'),
  ('000000000', '2026-12-16', 'holiday', 'independence_day', 'День независимости', 'Law of RK No. 267-II of 13.12.2001 «On holidays in the Republic of Kazakhstan»'),
  ('000000000', '2027-01-01', 'holiday', 'new_year', 'Новый год', 'Law of RK No. 267-II of 13.12.2001 «On holidays in the Republic of Kazakhstan»'),
  ('000000000', '2027-01-02', 'holiday', 'new_year', 'Новый год', 'Law of RK No. 267-II of 13.12.2001 «On holidays in the Republic of Kazakhstan»'),
  ('000000000', '2027-01-04', 'transferred_day_off', 'new_year', 'Новый год (перенесённый выходной)', 'Law of RK No. 267-II «On holidays in RK» art. 5; Labour Code art. 85 (transfer rule: a holiday on a weekend moves the day off to the next working day)'),
  ('000000000', '2027-01-07', 'holiday', 'orthodox_christmas', 'Рождество Христово', 'Law of RK No. 267-II «On holidays in RK»; Labour Code of RK art. 84 p. 5 (religious holiday: a day off, not moved when it falls on a weekend)'),
  ('000000000', '2027-03-08', 'holiday', 'womens_day', 'Международный женский день', 'Law of RK No. 267-II of 13.12.2001 «On holidays in the Republic of Kazakhstan»'),
  ('000000000', '2027-03-15', 'holiday', 'constitution_day', 'День Конституции Республики Казахстан', 'Constitution of RK adopted at the republican referendum of 15.03.2026, art. 94; Law of RK No. 267-II «On holidays in RK» as amended in 2026'),
  ('000000000', '2027-03-21', 'holiday', 'nauryz', 'Наурыз мейрамы', 'Law of RK No. 267-II of 13.12.2001 «On holidays in the Republic of Kazakhstan»'),
  ('000000000', '2027-03-22', 'holiday', 'nauryz', 'Наурыз мейрамы', 'Law of RK No. 267-II of 13.12.2001 «On holidays in the Republic of Kazakhstan»'),
  ('000000000', '2027-03-23', 'holiday', 'nauryz', 'Наурыз мейрамы', 'Law of RK No. 267-II of 13.12.2001 «On holidays in the Republic of Kazakhstan»'),
  ('000000000', '2027-03-24', 'transferred_day_off', 'nauryz', 'Наурыз мейрамы (выходной перенесён с воскресенья 21 марта)', 'Law of RK No. 267-II «On holidays in RK» art. 5; Labour Code art. 85 (transfer rule: a holiday on a weekend moves the day off to the next working day)'),
  ('000000000', '2027-05-01', 'holiday', 'unity_day', 'День единства народа Казахстана', 'Law of RK No. 267-II of 13.12.2001 «On holidays in the Republic of Kazakhstan»'),
  ('000000000', '2027-05-03', 'transferred_day_off', 'unity_day', 'День единства народа Казахстана (перенесённый выходной)', 'Law of RK No. 267-II «On holidays in RK» art. 5; Labour Code art. 85 (transfer rule: a holiday on a weekend moves the day off to the next working day)'),
  ('000000000', '2027-05-07', 'holiday', 'defender_day', 'День Защитника Отечества', 'Law of RK No. 267-II of 13.12.2001 «On holidays in the Republic of Kazakhstan»'),
  ('000000000', '2027-05-09', 'holiday', 'victory_day', 'День Победы', 'Law of RK No. 267-II of 13.12.2001 «On holidays in the Republic of Kazakhstan»'),
  ('000000000', '2027-05-10', 'transferred_day_off', 'victory_day', 'День Победы (перенесённый выходной)', 'Law of RK No. 267-II «On holidays in RK» art. 5; Labour Code art. 85 (transfer rule: a holiday on a weekend moves the day off to the next working day)'),
  ('000000000', '2027-05-16', 'holiday', 'kurban_ait', 'Курбан айт, первый день (дата предварительная: её объявляет Духовное управление мусульман Казахстана)', 'Law of RK No. 267-II «On holidays in RK»; Labour Code of RK art. 84 p. 5 (religious holiday: a day off, not moved when it falls on a weekend)'),
  ('000000000', '2027-07-06', 'holiday', 'capital_day', 'День столицы', 'Law of RK No. 267-II of 13.12.2001 «On holidays in the Republic of Kazakhstan»'),
  ('000000000', '2027-10-25', 'holiday', 'republic_day', 'День Республики', 'Law of RK No. 267-II of 13.12.2001 «On holidays in the Republic of Kazakhstan»'),
  ('000000000', '2027-12-16', 'holiday', 'independence_day', 'День независимости', 'Law of RK No. 267-II of 13.12.2001 «On holidays in the Republic of Kazakhstan»')
on conflict on constraint calendar_day_pk do update
  set kind = excluded.kind, holiday = excluded.holiday, name = excluded.name, act = excluded.act;
-- END GENERATED SEED
