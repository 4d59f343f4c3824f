import { createHash } from 'node:crypto';
import { sql, type RawBuilder } from 'kysely';
import type { Actor } from '../auth/actor.ts';
import type { Db, Executor } from '../db/database.ts';
import { executePrepared } from '../db/prepared.ts';

export interface AuditEntry {
  /** KATO region code the record belongs to (the chain it joins). Use '000000000' for national records. */
  regionCode: string;
  actor: Actor;
  action: string;
  entityType: string;
  entityId: string;
  organizationId?: string | null;
  /** What changed. Must not hold personal data in clear (IIN, phone, address): store ids instead. */
  data?: Record<string, unknown>;
  at: Date;
}

export const GENESIS_HASH = '0'.repeat(64);

export function actorRef(actor: Actor): { kind: string; id: string | null } {
  switch (actor.kind) {
    case 'staff':
    case 'citizen':
      return { kind: actor.kind, id: actor.accountId };
    case 'api_client':
      return { kind: actor.kind, id: actor.apiKeyId };
    default:
      return { kind: actor.kind, id: null };
  }
}

/** JSON with keys sorted at every level, so a jsonb round trip hashes the same. */
export function canonicalJson(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v ?? null);
  if (v instanceof Date) return JSON.stringify(v.toISOString());
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  const o = v as Record<string, unknown>;
  return `{${Object.keys(o)
    .filter((k) => o[k] !== undefined)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`)
    .join(',')}}`;
}

export interface AuditBody {
  at: string;
  actorKind: string;
  actorId: string | null;
  organizationId: string | null;
  action: string;
  entityType: string;
  entityId: string;
  data: unknown;
}

export function rowHash(prevHash: string, body: AuditBody): string {
  return createHash('sha256').update(prevHash).update('\n').update(canonicalJson(body)).digest('hex');
}

/**
 * Records one entry. Call inside the transaction that makes the change: the row commits or
 * rolls back with it. Takes no lock (one INSERT statement): writers never wait on each other.
 * The row joins its region's hash chain when the sealer runs (`sealAudit`, every few seconds
 * in `serve`); until then `verifyAudit` counts it as pending.
 */
export async function appendAudit(trx: Executor, e: AuditEntry): Promise<void> {
  await appendAudits(trx, [e]);
}

/**
 * Several entries of one transaction in one INSERT statement (same guarantees as `appendAudit`),
 * as column arrays: one statement text whatever the number of entries, sent as a named
 * statement (platform/db/prepared.ts) — every action writes audit rows, and planning this
 * statement cost PostgreSQL more than running it.
 */
export async function appendAudits(trx: Executor, entries: readonly AuditEntry[]): Promise<void> {
  if (entries.length === 0) return;
  await executePrepared(trx, sql`with ${auditCtes(entries)} select 1`.compile(trx));
}

/**
 * What `appendAudits` runs, as two data-modifying CTEs (`audit_ins`, `audit_pend`) for a caller
 * that writes the entries within a statement of its own, `with <these>, … <its statement>`: one
 * round trip fewer (the workflow engine's action, `performAction`). The same guarantees: the rows
 * commit or roll back with the caller's transaction and join the chain when the sealer runs.
 * `onlyIf`: a condition over the caller's other CTEs; when false, no entry is written.
 */
export function auditCtes(entries: readonly AuditEntry[], onlyIf?: RawBuilder<boolean>): RawBuilder<unknown> {
  const refs = entries.map((e) => actorRef(e.actor));
  const col = <T>(f: (e: AuditEntry, i: number) => T) => entries.map(f);
  return sql`audit_ins as (
      insert into audit_log (region_code, at, actor_kind, actor_id, organization_id, action, entity_type, entity_id, data)
      select * from unnest(${col((e) => e.regionCode)}::text[], ${col((e) => e.at.toISOString())}::timestamptz[],
                           ${col((_, i) => refs[i]!.kind)}::text[], ${col((_, i) => refs[i]!.id)}::text[],
                           ${col((e) => e.organizationId ?? null)}::uuid[], ${col((e) => e.action)}::text[], ${col((e) => e.entityType)}::text[],
                           ${col((e) => e.entityId)}::text[], ${col((e) => JSON.stringify(e.data ?? {}))}::jsonb[])
      ${onlyIf ? sql`where ${onlyIf}` : sql``}
      returning region_code, id
    ),
    audit_pend as (insert into audit_pending (region_code, log_id) select region_code, id from audit_ins)`;
}

interface LogRow {
  regionCode: string;
  id: string;
  at: Date | string;
  actorKind: string;
  actorId: string | null;
  organizationId: string | null;
  action: string;
  entityType: string;
  entityId: string;
  dataText: string;
}

function bodyOf(r: LogRow): AuditBody {
  return {
    at: new Date(r.at).toISOString(),
    actorKind: r.actorKind,
    actorId: r.actorId,
    organizationId: r.organizationId,
    action: r.action,
    entityType: r.entityType,
    entityId: r.entityId,
    data: JSON.parse(r.dataText),
  };
}

const logColumns = ['auditLog.regionCode', 'auditLog.id', 'auditLog.at', 'auditLog.actorKind', 'auditLog.actorId', 'auditLog.organizationId', 'auditLog.action', 'auditLog.entityType', 'auditLog.entityId'] as const;

/**
 * Seals committed, unsealed rows into their region's chain, in the order (at, insertion), up to
 * `batch` rows per region per call. Regions are sealed independently; a region being sealed by
 * another process is skipped (its chain head is locked with SKIP LOCKED), so any number of
 * processes may run the sealer. Returns the number of rows sealed.
 */
export async function sealAudit(db: Db, opts: { batch?: number } = {}): Promise<number> {
  const batch = opts.batch ?? 5000;
  const regions = await db.selectFrom('auditPending').select('regionCode').distinct().execute();
  let sealed = 0;
  for (const { regionCode } of regions) {
    sealed += await db.transaction().execute(async (trx) => {
      await sql`insert into audit_chain (region_code, last_seq, last_hash) values (${regionCode}, 0, ${GENESIS_HASH})
                on conflict do nothing`.execute(trx);
      const head = await trx.selectFrom('auditChain').select(['lastSeq', 'lastHash']).where('regionCode', '=', regionCode).forUpdate().skipLocked().executeTakeFirst();
      if (!head) return 0;
      // Each pending row's log row by its whole key (a lateral lookup that OFFSET 0 keeps from
      // being flattened into a join): with a plain join and statistics taken while audit_log was
      // small (a fresh database), PostgreSQL scanned the region's whole log once per pending row.
      const rows = await trx
        .selectFrom('auditPending as p')
        .innerJoinLateral(
          (eb) => eb.selectFrom('auditLog as a')
            .select(['a.regionCode', 'a.id', 'a.at', 'a.pos', 'a.actorKind', 'a.actorId', 'a.organizationId', 'a.action', 'a.entityType', 'a.entityId', sql<string>`a.data::text`.as('dataText')])
            .whereRef('a.regionCode', '=', 'p.regionCode')
            .whereRef('a.id', '=', 'p.logId')
            .offset(0)
            .as('l'),
          (join) => join.onTrue(),
        )
        .select(['l.regionCode', 'l.id', 'l.at', 'l.actorKind', 'l.actorId', 'l.organizationId', 'l.action', 'l.entityType', 'l.entityId', 'l.dataText'])
        .where('p.regionCode', '=', regionCode)
        .orderBy('l.at')
        .orderBy('l.pos')
        .limit(batch)
        .execute();
      if (rows.length === 0) return 0;
      let seq = Number(head.lastSeq);
      let prev = head.lastHash;
      const seals = rows.map((r) => {
        const hash = rowHash(prev, bodyOf(r));
        const seal = { regionCode, seq: ++seq, logId: r.id, prevHash: prev, hash };
        prev = hash;
        return seal;
      });
      for (let i = 0; i < seals.length; i += 1000) await trx.insertInto('auditSeal').values(seals.slice(i, i + 1000)).execute();
      await trx.deleteFrom('auditPending').where('regionCode', '=', regionCode).where('logId', 'in', rows.map((r) => r.id)).execute();
      await trx.updateTable('auditChain').set({ lastSeq: seq, lastHash: prev }).where('regionCode', '=', regionCode).execute();
      return rows.length;
    });
  }
  return sealed;
}

/** Seals until nothing is pending (tests, `audit verify`). */
export async function sealAllAudit(db: Db): Promise<number> {
  let total = 0;
  for (;;) {
    const n = await sealAudit(db);
    total += n;
    if (n === 0) return total;
  }
}

export interface VerifyResult {
  ok: boolean;
  regions: { regionCode: string; rows: number }[];
  /** Committed rows not sealed into a chain yet (the sealer runs every few seconds). */
  pending: number;
  firstBroken?: { regionCode: string; seq: number; id: string; reason: string };
}

/**
 * Walks every region's chain in order, recomputing each hash from the audit row's content and
 * the previous hash. Names the first row that does not match, is missing, or was removed.
 * Reads in batches of 5,000.
 */
export async function verifyAudit(db: Executor): Promise<VerifyResult> {
  const heads = await db.selectFrom('auditChain').select(['regionCode', 'lastSeq', 'lastHash']).orderBy('regionCode').execute();
  const pending = Number((await db.selectFrom('auditPending').select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow()).n);
  const regions: VerifyResult['regions'] = [];
  for (const head of heads) {
    let prevHash = GENESIS_HASH;
    let expectedSeq = 1;
    for (;;) {
      const rows = await db
        .selectFrom('auditSeal')
        .leftJoin('auditLog', (j) => j.onRef('auditLog.regionCode', '=', 'auditSeal.regionCode').onRef('auditLog.id', '=', 'auditSeal.logId'))
        .select(['auditSeal.seq', 'auditSeal.logId', 'auditSeal.prevHash', 'auditSeal.hash', ...logColumns, sql<string>`audit_log.data::text`.as('dataText')])
        .where('auditSeal.regionCode', '=', head.regionCode)
        .where('auditSeal.seq', '>=', expectedSeq)
        .orderBy('auditSeal.seq')
        .limit(5000)
        .execute();
      if (rows.length === 0) break;
      for (const r of rows) {
        const broken = (seq: number, reason: string): VerifyResult => ({
          ok: false, regions, pending, firstBroken: { regionCode: head.regionCode, seq, id: r.logId, reason },
        });
        if (Number(r.seq) !== expectedSeq) return broken(expectedSeq, `row ${expectedSeq} is missing (next present is ${r.seq})`);
        if (r.prevHash !== prevHash) return broken(expectedSeq, 'prev_hash does not match the previous row');
        if (!r.id) return broken(expectedSeq, 'the audit row was deleted');
        if (rowHash(prevHash, bodyOf(r as LogRow)) !== r.hash) return broken(expectedSeq, 'content does not match its hash');
        prevHash = r.hash;
        expectedSeq++;
      }
    }
    const count = expectedSeq - 1;
    if (count !== Number(head.lastSeq) || prevHash !== head.lastHash) {
      return { ok: false, regions, pending, firstBroken: { regionCode: head.regionCode, seq: count + 1, id: '', reason: `chain head says ${head.lastSeq} rows, found ${count}` } };
    }
    regions.push({ regionCode: head.regionCode, rows: count });
  }
  return { ok: true, regions, pending };
}
