import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import type { Actor } from '../auth/actor.ts';
import type { Executor } from '../db/database.ts';

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
 * Appends one entry to its region's chain. Call inside the transaction that makes the change:
 * the row commits or rolls back with it. Locks only the region's chain head until commit.
 * One round trip: the new hash is computed in SQL from the locked head.
 */
export async function appendAudit(trx: Executor, e: AuditEntry): Promise<void> {
  const ref = actorRef(e.actor);
  const body: AuditBody = {
    at: e.at.toISOString(),
    actorKind: ref.kind,
    actorId: ref.id,
    organizationId: e.organizationId ?? null,
    action: e.action,
    entityType: e.entityType,
    entityId: e.entityId,
    data: JSON.parse(JSON.stringify(e.data ?? {})),
  };
  const canonical = canonicalJson(body);
  const run = () =>
    sql<{ seq: number }>`
      with head as (
        select last_seq, last_hash from audit_chain where region_code = ${e.regionCode} for update
      ), next as (
        select last_seq + 1 as seq, last_hash as prev_hash,
               encode(digest(last_hash || E'\n' || ${canonical}, 'sha256'), 'hex') as hash
        from head
      ), ins as (
        insert into audit_log (region_code, seq, at, actor_kind, actor_id, organization_id, action,
                               entity_type, entity_id, data, prev_hash, hash)
        select ${e.regionCode}, seq, ${body.at}::timestamptz, ${body.actorKind}, ${body.actorId},
               ${body.organizationId}::uuid, ${body.action}, ${body.entityType}, ${body.entityId},
               ${JSON.stringify(body.data)}::jsonb, prev_hash, hash
        from next
        returning seq, hash
      )
      update audit_chain set last_seq = ins.seq, last_hash = ins.hash
      from ins where audit_chain.region_code = ${e.regionCode}
      returning ins.seq`.execute(trx);
  const res = await run();
  if (res.rows.length === 0) {
    // First entry of this region: create its chain head, then append.
    await sql`insert into audit_chain (region_code, last_seq, last_hash)
              values (${e.regionCode}, 0, ${GENESIS_HASH}) on conflict do nothing`.execute(trx);
    const again = await run();
    if (again.rows.length === 0) throw new Error(`audit chain for region ${e.regionCode} could not be extended`);
  }
}

export interface VerifyResult {
  ok: boolean;
  regions: { regionCode: string; rows: number }[];
  firstBroken?: { regionCode: string; seq: number; id: string; reason: string };
}

/**
 * Walks every region's chain in order, recomputing each hash from the row's content and the
 * previous row's hash. Names the first row that does not match. Reads in batches of 5,000.
 */
export async function verifyAudit(db: Executor): Promise<VerifyResult> {
  const heads = await db.selectFrom('auditChain').select(['regionCode', 'lastSeq', 'lastHash']).orderBy('regionCode').execute();
  const regions: VerifyResult['regions'] = [];
  for (const head of heads) {
    let prevHash = GENESIS_HASH;
    let expectedSeq = 1;
    let count = 0;
    for (;;) {
      const rows = await db
        .selectFrom('auditLog')
        .selectAll()
        .where('regionCode', '=', head.regionCode)
        .where('seq', '>=', expectedSeq)
        .orderBy('seq')
        .limit(5000)
        .execute();
      if (rows.length === 0) break;
      for (const r of rows) {
        const broken = (reason: string): VerifyResult => ({
          ok: false,
          regions,
          firstBroken: { regionCode: head.regionCode, seq: Number(r.seq), id: r.id, reason },
        });
        if (Number(r.seq) !== expectedSeq) return { ...broken(`row ${expectedSeq} is missing`), firstBroken: { regionCode: head.regionCode, seq: expectedSeq, id: '', reason: `row ${expectedSeq} is missing (next present is ${r.seq})` } };
        if (r.prevHash !== prevHash) return broken('prev_hash does not match the previous row');
        const body: AuditBody = {
          at: new Date(r.at).toISOString(),
          actorKind: r.actorKind,
          actorId: r.actorId,
          organizationId: r.organizationId,
          action: r.action,
          entityType: r.entityType,
          entityId: r.entityId,
          data: r.data,
        };
        if (rowHash(prevHash, body) !== r.hash) return broken('content does not match its hash');
        prevHash = r.hash;
        expectedSeq++;
        count++;
      }
    }
    if (count !== Number(head.lastSeq) || prevHash !== head.lastHash) {
      return {
        ok: false,
        regions,
        firstBroken: { regionCode: head.regionCode, seq: count + 1, id: '', reason: `chain head says ${head.lastSeq} rows, found ${count}` },
      };
    }
    regions.push({ regionCode: head.regionCode, rows: count });
  }
  return { ok: true, regions };
}
