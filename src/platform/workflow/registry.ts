import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import type { Actor } from '../auth/actor.ts';
import { actorRef, appendAudit, canonicalJson } from '../audit/audit.ts';
import { NATIONAL_REGION } from '../calendar/calendar.ts';
import type { Executor } from '../db/database.ts';
import { forgetRevisions, ReferenceCache } from '../db/revision.ts';
import { conflict, DomainError, notFound } from '../http/errors.ts';
import { DefinitionError, parseDefinition, validateDefinition, type DefinitionIssue, type ProcessDefinition } from './definition.ts';

/**
 * Stored process definitions: drafts, immutable published versions, copies between regions,
 * and the lookup of the version a new case starts on.
 *
 * Scope: a definition belongs to a region (KATO code; '000000000' is national) and optionally
 * to an organization tree inside it (organization_id = the tree's root). A new case takes the
 * latest published version of the most specific scope: the nearest organization in the chain
 * the caller passes, then the region, then the nation.
 */

export interface DefinitionRecord {
  id: string;
  processKey: string;
  regionCode: string;
  organizationId: string | null;
  /** Null for a draft. */
  version: number | null;
  status: 'draft' | 'published' | 'retired';
  definition: ProcessDefinition;
  checksum: string;
  copiedFromId: string | null;
  createdAt: Date;
  publishedAt: Date | null;
}

// Published and retired versions never change (a trigger enforces it), so they are cached forever.
const cache = new Map<string, DefinitionRecord>();
// Which version a new case starts on changes with every publication or retirement: checked
// against the reference revision (a trigger on workflow_definition bumps it).
const resolved = new ReferenceCache(1_000);

export function checksumOf(body: unknown): string {
  return createHash('sha256').update(canonicalJson(body)).digest('hex');
}

const stamp = (actor: Actor) => {
  const r = actorRef(actor);
  return r.id ? `${r.kind}:${r.id}` : r.kind;
};

type Row = {
  id: string;
  processKey: string;
  regionCode: string;
  organizationId: string | null;
  version: number | null;
  status: string;
  bodyText: string;
  checksum: string;
  copiedFromId: string | null;
  createdAt: Date;
  publishedAt: Date | null;
};

function toRecord(r: Row): DefinitionRecord {
  return {
    id: r.id,
    processKey: r.processKey,
    regionCode: r.regionCode,
    organizationId: r.organizationId,
    version: r.version,
    status: r.status as DefinitionRecord['status'],
    definition: JSON.parse(r.bodyText) as ProcessDefinition,
    checksum: r.checksum,
    copiedFromId: r.copiedFromId,
    createdAt: r.createdAt,
    publishedAt: r.publishedAt,
  };
}

const META = ['id', 'processKey', 'regionCode', 'organizationId', 'version', 'status', 'checksum', 'copiedFromId', 'createdAt', 'publishedAt'] as const;
// The body is read as text: Kysely's CamelCasePlugin would rename keys inside JSON
// (`in_progress` → `inProgress`), and state and action names are snake_case.
const COLUMNS = [...META, sql<string>`body::text`.as('bodyText')] as const;

function keyOf(body: unknown): string {
  const key = body && typeof body === 'object' ? (body as { key?: unknown }).key : undefined;
  if (typeof key !== 'string' || !/^[a-z][a-z0-9_.-]*$/.test(key)) {
    throw new DefinitionError([{ path: 'key', message: 'is required: the process key, lower-case (e.g. "appeal")' }]);
  }
  return key;
}

function checkScope(regionCode: string) {
  if (!/^\d{9}$/.test(regionCode)) throw new DomainError('validation', `region must be a 9-digit KATO code, got ${regionCode}`, { field: 'regionCode' });
}

/** Serializes version numbering of one process in one scope until the transaction ends. */
async function lockScope(trx: Executor, processKey: string, regionCode: string, organizationId: string | null) {
  await sql`select pg_advisory_xact_lock(hashtextextended(${`workflow_definition:${processKey}:${regionCode}:${organizationId ?? ''}`}, 0))`.execute(trx);
}

async function nextVersion(trx: Executor, processKey: string, regionCode: string, organizationId: string | null): Promise<number> {
  const r = await trx
    .selectFrom('workflowDefinition')
    .select((eb) => eb.fn.max('version').as('v'))
    .where('processKey', '=', processKey)
    .where('regionCode', '=', regionCode)
    .where((eb) => (organizationId ? eb('organizationId', '=', organizationId) : eb('organizationId', 'is', null)))
    .executeTakeFirst();
  return Number(r?.v ?? 0) + 1;
}

export interface ScopeInput {
  regionCode: string;
  organizationId?: string | null;
  actor: Actor;
  at: Date;
}

/**
 * Saves (creates or replaces) the draft of a process in a scope. A draft may be incomplete;
 * the issues that would stop its publication come back with it.
 */
export async function saveDraft(
  trx: Executor,
  input: ScopeInput & { body: unknown; copiedFromId?: string | null },
): Promise<{ record: DefinitionRecord; issues: DefinitionIssue[] }> {
  checkScope(input.regionCode);
  const processKey = keyOf(input.body);
  const organizationId = input.organizationId ?? null;
  const v = validateDefinition(input.body);
  const existing = await trx
    .selectFrom('workflowDefinition')
    .select('id')
    .where('processKey', '=', processKey)
    .where('regionCode', '=', input.regionCode)
    .where((eb) => (organizationId ? eb('organizationId', '=', organizationId) : eb('organizationId', 'is', null)))
    .where('status', '=', 'draft')
    .forUpdate()
    .executeTakeFirst();
  const values = {
    body: JSON.stringify(input.body),
    checksum: checksumOf(input.body),
    copiedFromId: input.copiedFromId ?? null,
  };
  const row = existing
    ? await trx.updateTable('workflowDefinition').set(values).where('id', '=', existing.id).returning(COLUMNS).executeTakeFirstOrThrow()
    : await trx
        .insertInto('workflowDefinition')
        .values({
          ...values,
          processKey,
          regionCode: input.regionCode,
          organizationId,
          status: 'draft',
          createdAt: input.at,
          createdBy: stamp(input.actor),
        })
        .returning(COLUMNS)
        .executeTakeFirstOrThrow();
  forgetRevisions(trx);
  return { record: toRecord(row as Row), issues: v.ok ? [] : v.issues };
}

async function auditPublished(trx: Executor, rec: DefinitionRecord, actor: Actor, at: Date) {
  await appendAudit(trx, {
    regionCode: rec.regionCode,
    actor,
    action: 'workflow.definition.published',
    entityType: 'workflow_definition',
    entityId: rec.id,
    organizationId: rec.organizationId,
    data: { processKey: rec.processKey, version: rec.version, checksum: rec.checksum, copiedFromId: rec.copiedFromId },
    at,
  });
}

/** Publishes a draft as the next version of its scope; it is immutable from then on. */
export async function publishDraft(trx: Executor, input: { id: string; actor: Actor; at: Date }): Promise<DefinitionRecord> {
  const draft = await trx.selectFrom('workflowDefinition').select(COLUMNS).where('id', '=', input.id).forUpdate().executeTakeFirst();
  if (!draft) throw notFound('workflow definition', { messageKey: 'workflow:definition_not_found' });
  if (draft.status !== 'draft') throw conflict(`definition ${input.id} is already published`, { messageKey: 'workflow:already_published' });
  parseDefinition(JSON.parse(draft.bodyText));
  await lockScope(trx, draft.processKey, draft.regionCode, draft.organizationId);
  const version = await nextVersion(trx, draft.processKey, draft.regionCode, draft.organizationId);
  const row = await trx
    .updateTable('workflowDefinition')
    .set({ status: 'published', version, publishedAt: input.at, publishedBy: stamp(input.actor) })
    .where('id', '=', input.id)
    .returning(COLUMNS)
    .executeTakeFirstOrThrow();
  forgetRevisions(trx);
  const rec = toRecord(row as Row);
  await auditPublished(trx, rec, input.actor, input.at);
  return rec;
}

/** Validates and publishes a definition body directly as the next version of its scope. */
export async function publishDefinition(
  trx: Executor,
  input: ScopeInput & { body: unknown; copiedFromId?: string | null },
): Promise<DefinitionRecord> {
  checkScope(input.regionCode);
  const def = parseDefinition(input.body);
  const organizationId = input.organizationId ?? null;
  await lockScope(trx, def.key, input.regionCode, organizationId);
  const version = await nextVersion(trx, def.key, input.regionCode, organizationId);
  const row = await trx
    .insertInto('workflowDefinition')
    .values({
      processKey: def.key,
      regionCode: input.regionCode,
      organizationId,
      version,
      status: 'published',
      body: JSON.stringify(def),
      checksum: checksumOf(def),
      copiedFromId: input.copiedFromId ?? null,
      createdAt: input.at,
      createdBy: stamp(input.actor),
      publishedAt: input.at,
      publishedBy: stamp(input.actor),
    })
    .returning(COLUMNS)
    .executeTakeFirstOrThrow();
  forgetRevisions(trx);
  const rec = toRecord(row as Row);
  await auditPublished(trx, rec, input.actor, input.at);
  return rec;
}

/**
 * Copies a definition (any status, any region) into another scope as a draft there: the basis
 * of replicating a working process in another region. The copy remembers its origin.
 */
export async function copyDefinition(
  trx: Executor,
  input: ScopeInput & { fromId: string; publish?: boolean },
): Promise<{ record: DefinitionRecord; issues: DefinitionIssue[] }> {
  const from = await getDefinition(trx, input.fromId);
  if (input.publish) {
    const record = await publishDefinition(trx, { ...input, body: from.definition, copiedFromId: from.id });
    return { record, issues: [] };
  }
  return saveDraft(trx, { ...input, body: from.definition, copiedFromId: from.id });
}

/** No new case starts on a retired version; cases already running on it carry on. */
export async function retireDefinition(trx: Executor, input: { id: string; actor: Actor; at: Date }): Promise<void> {
  const r = await trx
    .updateTable('workflowDefinition')
    .set({ status: 'retired', retiredAt: input.at })
    .where('id', '=', input.id)
    .where('status', '=', 'published')
    .returning(['id', 'regionCode', 'organizationId', 'processKey', 'version'])
    .executeTakeFirst();
  if (!r) throw notFound('published workflow definition', { messageKey: 'workflow:definition_not_found' });
  forgetRevisions(trx);
  cache.delete(r.id);
  await appendAudit(trx, {
    regionCode: r.regionCode,
    actor: input.actor,
    action: 'workflow.definition.retired',
    entityType: 'workflow_definition',
    entityId: r.id,
    organizationId: r.organizationId,
    data: { processKey: r.processKey, version: r.version },
    at: input.at,
  });
}

export async function findDefinition(db: Executor, id: string): Promise<DefinitionRecord | undefined> {
  const hit = cache.get(id);
  if (hit) return hit;
  const row = await db.selectFrom('workflowDefinition').select(COLUMNS).where('id', '=', id).executeTakeFirst();
  if (!row) return undefined;
  const rec = toRecord(row as Row);
  if (rec.status === 'published') cache.set(id, rec);
  return rec;
}

export async function getDefinition(db: Executor, id: string): Promise<DefinitionRecord> {
  const rec = await findDefinition(db, id);
  if (!rec) throw notFound('workflow definition', { messageKey: 'workflow:definition_not_found' });
  return rec;
}

/**
 * The version a new case of `processKey` starts on: the latest published version of the most
 * specific scope. `organizationIds` is the chain from the case's organization up to its root
 * (nearest first); the directory module supplies it.
 */
export async function resolveDefinition(
  db: Executor,
  input: { processKey: string; regionCode: string; organizationIds?: readonly string[] },
): Promise<DefinitionRecord> {
  const orgs = [...(input.organizationIds ?? [])];
  const key = `${input.processKey}|${input.regionCode}|${orgs.join(',')}`;
  const rec = await resolved.get(db, key, () => resolveUncached(db, input.processKey, input.regionCode, orgs));
  if (!rec) {
    throw notFound(`published workflow definition ${input.processKey}`, {
      messageKey: 'workflow:definition_not_found',
      params: { key: input.processKey },
    });
  }
  return rec;
}

async function resolveUncached(db: Executor, processKey: string, regionCode: string, orgs: string[]): Promise<DefinitionRecord | undefined> {
  const input = { processKey, regionCode };
  const rows = await db
    .selectFrom('workflowDefinition')
    .select(COLUMNS)
    .where('processKey', '=', input.processKey)
    .where('status', '=', 'published')
    .where((eb) =>
      eb.or([
        eb.and([eb('regionCode', 'in', [input.regionCode, NATIONAL_REGION]), eb('organizationId', 'is', null)]),
        ...(orgs.length ? [eb('organizationId', 'in', orgs)] : []),
      ]),
    )
    .execute();
  const rank = (r: (typeof rows)[number]) =>
    r.organizationId ? orgs.indexOf(r.organizationId) : r.regionCode === input.regionCode ? orgs.length : orgs.length + 1;
  const best = rows.sort((a, b) => rank(a) - rank(b) || (b.version ?? 0) - (a.version ?? 0))[0];
  if (!best) return undefined;
  const rec = toRecord(best as Row);
  cache.set(rec.id, rec);
  return rec;
}

export async function listDefinitions(
  db: Executor,
  filter: { processKey?: string; regionCode?: string; status?: DefinitionRecord['status'] } = {},
): Promise<Omit<DefinitionRecord, 'definition'>[]> {
  let q = db.selectFrom('workflowDefinition').select(META);
  if (filter.processKey) q = q.where('processKey', '=', filter.processKey);
  if (filter.regionCode) q = q.where('regionCode', '=', filter.regionCode);
  if (filter.status) q = q.where('status', '=', filter.status);
  const rows = await q.orderBy('processKey').orderBy('regionCode').orderBy('version', 'desc').execute();
  return rows.map((r) => ({ ...r, status: r.status as DefinitionRecord['status'] }));
}
