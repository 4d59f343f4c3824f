import { randomUUID } from 'node:crypto';
import autocannon from 'autocannon';
import { sql } from 'kysely';
import type { Db } from '../src/platform/db/database.ts';
import { BENCH_PASSWORD, REGIONS, TEXTS_KK, TEXTS_RU } from './data.ts';
import { Client, type Session } from './http.ts';

/**
 * The HTTP scenarios: each runs for a fixed duration at fixed concurrency against the server
 * under test, after a short warm-up that is not counted. Single requests go through autocannon;
 * the lifecycle (a chain of four requests by two people) through a keep-alive client loop.
 * Every simulated user signs in once through /api/auth/login and reuses its cookie and CSRF token.
 */

export interface ScenarioResult {
  rps: number;
  p50_ms: number;
  p95_ms: number;
  p99_ms: number;
  errors: number;
  /** Successful requests (lifecycles for `lifecycle`, deadlines handled for `sweep`). */
  count: number;
  seconds: number;
  first_error?: string;
  [extra: string]: unknown;
}

export interface RunSettings {
  baseUrl: string;
  connections: number;
  duration: number;
  warmup: number;
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

export function summarize(latencies: number[], ok: number, errors: number, seconds: number, firstError?: string): ScenarioResult {
  const sorted = [...latencies].sort((a, b) => a - b);
  const r2 = (x: number) => Math.round(x * 100) / 100;
  return {
    rps: r2(ok / seconds),
    p50_ms: r2(percentile(sorted, 50)),
    p95_ms: r2(percentile(sorted, 95)),
    p99_ms: r2(percentile(sorted, 99)),
    errors,
    count: ok,
    seconds: r2(seconds),
    ...(firstError ? { first_error: firstError } : {}),
  };
}

interface Req {
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: string;
}

/** autocannon for `seconds` at `connections`; `next` draws each request. Latency of every answer; rps of the 2xx ones. */
export async function cannon(s: RunSettings, seconds: number, next: () => Req): Promise<ScenarioResult> {
  const latencies: number[] = [];
  let ok = 0;
  let errors = 0;
  let firstError: string | undefined;
  const inst = autocannon({
    url: s.baseUrl,
    connections: s.connections,
    duration: seconds,
    timeout: 60,
    requests: [{
      setupRequest: (req) => {
        const r = next();
        return { ...req, method: r.method, path: r.path, headers: { ...(r.body ? { 'content-type': 'application/json' } : {}), ...r.headers }, ...(r.body ? { body: r.body } : {}) };
      },
      onResponse: (status, body) => {
        if ((status < 200 || status >= 300) && !firstError) firstError = `HTTP ${status} ${String(body).slice(0, 300)}`;
      },
    }],
  });
  inst.on('response', (_client: unknown, status: number, _bytes: number, ms: number) => {
    latencies.push(ms);
    if (status >= 200 && status < 300) ok++;
    else errors++;
  });
  inst.on('reqError', (e: Error) => {
    errors++;
    firstError ??= String(e);
  });
  const res = await inst;
  return summarize(latencies, ok, errors + res.timeouts, res.duration || seconds, firstError);
}

const pick = <T>(xs: readonly T[]): T => xs[Math.floor(Math.random() * xs.length)]!;

export interface Combo {
  regionCode: string;
  categoryId: string;
  territoryCode: string;
  lat: number;
  lon: number;
  organizationId: string | null;
}

export interface Fixtures {
  citizens: Session[];
  executors: Session[];
  coordinators: Map<string, Session>;
  combos: Combo[];
  /** One (citizen, executor, combo routed to the executor's organization) per lifecycle worker. */
  workers: { citizen: Session; executor: Session; combo: Combo }[];
}

/** Signs in the simulated users and finds what they file about (the routing rules decide where it goes). */
export async function prepareFixtures(db: Db, client: Client, connections: number, log: (s: string) => void): Promise<Fixtures> {
  // The (category, territory) pairs the loader drew appeals from, routed by the real rules.
  const combos = (await sql<Combo>`
    select distinct region_code as "regionCode", category_id as "categoryId", territory_code as "territoryCode", lat, lon, route_org as "organizationId"
    from bench_pair order by 1, 2, 3`.execute(db.withoutPlugins())).rows;
  const execRows = await sql<{ login: string; organizationId: string }>`
    select a.login, s.organization_id as "organizationId" from account a join staff s on s.account_id = a.id
    join role_grant g on g.staff_id = s.id and g.role = 'executor' and not exists (select 1 from role_grant h where h.staff_id = s.id and h.role = 'head')
    where a.login like 'b.%' order by a.login`.execute(db.withoutPlugins());
  const byOrg = new Map<string, string[]>();
  for (const e of execRows.rows) byOrg.set(e.organizationId, [...(byOrg.get(e.organizationId) ?? []), e.login]);
  const routed = combos.filter((c) => c.organizationId && byOrg.has(c.organizationId));
  if (routed.length === 0) throw new Error('no category routes to an organization with bench executors: was the data loaded?');

  const nCitizens = Math.max(2 * connections, 8);
  const citizenLogins = (await sql<{ login: string }>`
    select login from account where kind = 'citizen'
      and password_hash = (select password_hash from account where login like 'b.%' limit 1)
    order by md5(login) limit ${nCitizens}`.execute(db.withoutPlugins())).rows.map((r) => r.login);
  const t0 = performance.now();
  const citizens = await signIn(client, citizenLogins);
  // Lifecycle workers spread over the regions, each with an executor of the organization its appeals go to.
  const byRegion = REGIONS.map((r) => routed.filter((c) => c.regionCode === r.code)).filter((x) => x.length);
  const workerPlan = Array.from({ length: connections }, (_, i) => {
    const regionCombos = byRegion[i % byRegion.length]!;
    const combo = regionCombos[Math.floor(i / byRegion.length) % regionCombos.length]!;
    const logins = byOrg.get(combo.organizationId!)!;
    return { combo, executorLogin: logins[Math.floor(i / byRegion.length) % logins.length]! };
  });
  const inboxLogins = [...new Set([...execRows.rows].sort(() => Math.random() - 0.5).slice(0, Math.max(2 * connections, 20)).map((e) => e.login))];
  const executorsNeeded = [...new Set([...workerPlan.map((w) => w.executorLogin), ...inboxLogins])];
  const execSessions = new Map((await signIn(client, executorsNeeded)).map((s) => [s.login, s]));
  const coordinators = new Map<string, Session>();
  const coordSessions = await signIn(client, REGIONS.map((r) => `b.${r.prefix.toLowerCase()}.cc.c0`));
  REGIONS.forEach((r, i) => coordinators.set(r.code, coordSessions[i]!));
  log(`  ${citizens.length + execSessions.size + coordinators.size} users signed in through /api/auth/login in ${Math.round(performance.now() - t0)} ms; ${combos.length} (category, territory) pairs, ${routed.length} routed to an organization`);
  return {
    citizens,
    executors: inboxLogins.map((l) => execSessions.get(l)!),
    coordinators,
    combos,
    workers: workerPlan.map((w, i) => ({ citizen: citizens[i % citizens.length]!, executor: execSessions.get(w.executorLogin)!, combo: w.combo })),
  };
}

async function signIn(client: Client, logins: string[]): Promise<Session[]> {
  const out: Session[] = [];
  // A few at a time: argon2 verification is deliberately slow.
  for (let i = 0; i < logins.length; i += 4) out.push(...(await Promise.all(logins.slice(i, i + 4).map((l) => client.login(l, BENCH_PASSWORD)))));
  return out;
}

function intakeBody(c: Combo): Record<string, unknown> {
  const kk = Math.random() < 0.4;
  const text = `${pick(kk ? TEXTS_KK : TEXTS_RU)} ${1 + Math.floor(Math.random() * 150)}. Бенчмарк ${randomUUID().slice(0, 8)}.`;
  return {
    type: pick(['statement', 'statement', 'complaint', 'request']),
    categoryId: c.categoryId,
    text,
    territoryCode: c.territoryCode,
    location: Math.random() < 0.7 ? { lat: c.lat + (Math.random() - 0.5) * 0.06, lon: c.lon + (Math.random() - 0.5) * 0.09 } : null,
    lang: kk ? 'kk' : 'ru',
    isPublic: Math.random() < 0.4,
  };
}

const auth = (s: Session) => ({ cookie: s.cookie, 'x-csrf-token': s.csrf });

/** A date `daysAgo` days before today, YYYY-MM-DD (UTC+5). */
function localDate(daysAgo: number): string {
  return new Date(Date.now() + 5 * 3_600_000 - daysAgo * 86_400_000).toISOString().slice(0, 10);
}

export type HttpScenario = 'intake' | 'intake_async' | 'inbox' | 'coordinator_summary' | 'public_stats' | 'open311_list';

/** The single-request scenarios: what one request of each looks like. */
export function requestOf(name: HttpScenario, f: Fixtures): () => Req {
  switch (name) {
    case 'intake':
      // A citizen files a new appeal (JSON) with a fresh Idempotency-Key.
      return () => {
        const s = pick(f.citizens);
        return { method: 'POST', path: '/api/appeals', headers: { ...auth(s), 'idempotency-key': randomUUID() }, body: JSON.stringify(intakeBody(pick(f.combos))) };
      };
    case 'intake_async':
      // The same, with `Prefer: respond-async`: accepted (202) and registered behind by the
      // server's registrar (src/modules/appeals/appeals.acceptance.ts); see drainAcceptances.
      return () => {
        const s = pick(f.citizens);
        return { method: 'POST', path: '/api/appeals', headers: { ...auth(s), 'idempotency-key': randomUUID(), prefer: 'respond-async' }, body: JSON.stringify(intakeBody(pick(f.combos))) };
      };
    case 'inbox':
      // The first page of the executor's organization's work list, most urgent first.
      return () => ({ method: 'GET', path: '/api/appeals/inbox', headers: auth(pick(f.executors)) });
    case 'coordinator_summary':
      // The coordination centre's dashboard figures for its region (default period: the last 30 days).
      return () => {
        const r = pick(REGIONS).code;
        return { method: 'GET', path: `/api/appeals/reports/summary?regionCode=${r}`, headers: auth(f.coordinators.get(r)!) };
      };
    case 'public_stats':
      // Anonymous public statistics of a region (default period: the last 30 days).
      return () => ({ method: 'GET', path: `/api/appeals/public/stats?regionCode=${pick(REGIONS).code}` });
    case 'open311_list':
      // Open311 GET requests.json for a region and a 7-day window ending within the last 60 days.
      return () => {
        const end = Math.floor(Math.random() * 60);
        const q = new URLSearchParams({ jurisdiction_id: pick(REGIONS).code, start_date: `${localDate(end + 7)}T00:00:00+05:00`, end_date: `${localDate(end)}T00:00:00+05:00` });
        return { method: 'GET', path: `/open311/v2/requests.json?${q.toString()}` };
      };
  }
}

/** One request of the scenario, checked, before any load: a broken scenario fails fast and says why. */
export async function probe(client: Client, name: HttpScenario, f: Fixtures): Promise<void> {
  const r = requestOf(name, f)();
  const res = await client.request(r.method, r.path, { headers: { ...r.headers, ...(r.body ? { 'content-type': 'application/json' } : {}) }, ...(r.body ? { body: JSON.parse(r.body) as unknown } : {}) });
  if (res.status < 200 || res.status >= 300) throw new Error(`${name}: ${r.method} ${r.path} answered ${res.status}: ${JSON.stringify(res.body).slice(0, 500)}`);
}

/** `measured` is called between the warm-up and the measured run (counters are read there). */
export async function runHttpScenario(s: RunSettings, name: HttpScenario, f: Fixtures, measured: () => Promise<void> = async () => {}): Promise<ScenarioResult> {
  const next = requestOf(name, f);
  if (s.warmup > 0) await cannon(s, s.warmup, next);
  await measured();
  return cannon(s, s.duration, next);
}

/**
 * register → assign → answer → rate → close, as fast as possible: the citizen files (the routing
 * rule assigns it to the organization at once), the executor accepts and answers, the citizen
 * confirms with a rating (closed). `connections` workers in parallel; a lifecycle counts when
 * all four requests succeeded; latency is the whole chain.
 */
export async function runLifecycle(s: RunSettings, client: Client, f: Fixtures, measured: () => Promise<void> = async () => {}, times?: number): Promise<ScenarioResult> {
  const once = async (w: Fixtures['workers'][number]): Promise<string | undefined> => {
    const filed = await client.request<{ appealId: string; state: string }>('POST', '/api/appeals', {
      session: w.citizen, headers: { 'idempotency-key': randomUUID() }, body: intakeBody(w.combo),
    });
    if (filed.status !== 201) return `intake HTTP ${filed.status} ${JSON.stringify(filed.body).slice(0, 300)}`;
    const id = filed.body.appealId;
    if (filed.body.state !== 'assigned') return `intake: state ${filed.body.state}, expected assigned`;
    const steps: [string, Session, unknown][] = [
      ['accept', w.executor, {}],
      ['answer', w.executor, { text: 'Проведена проверка, недостатки устранены. Спасибо за обращение.', decision: 'granted' }],
      ['feedback', w.citizen, { verdict: 'confirmed', rating: 5 }],
    ];
    for (const [action, who, body] of steps) {
      const r = await client.request<{ state: string }>('POST', `/api/appeals/${id}/${action}`, { session: who, body });
      if (r.status !== 200) return `${action} HTTP ${r.status} ${JSON.stringify(r.body).slice(0, 300)}`;
    }
    return undefined;
  };
  const run = async (seconds: number) => {
    const latencies: number[] = [];
    let ok = 0;
    let errors = 0;
    let firstError: string | undefined;
    const started = performance.now();
    const until = started + seconds * 1000;
    await Promise.all(f.workers.map(async (w) => {
      for (let n = 0; times === undefined ? performance.now() < until : n < times; n++) {
        const t = performance.now();
        const err = await once(w).catch((e: unknown) => String(e));
        if (err) {
          errors++;
          firstError ??= err;
        } else {
          ok++;
          latencies.push(performance.now() - t);
        }
      }
    }));
    return summarize(latencies, ok, errors, (performance.now() - started) / 1000, firstError);
  };
  if (s.warmup > 0) await run(s.warmup);
  await measured();
  return run(s.duration);
}
