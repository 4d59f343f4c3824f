import type { Actor } from '../../platform/auth/actor.ts';
import { appendAudit } from '../../platform/audit/audit.ts';
import type { Executor } from '../../platform/db/database.ts';
import { invalid } from '../../platform/http/errors.ts';
import { performAction } from '../../platform/workflow/cases.ts';
import { accessTo } from './appeals.access.ts';
import type { AppealsDeps } from './appeals.deps.ts';
import { copyAnswerToDuplicate, syncAppeal } from './appeals.effects.ts';
import { loadForAction, type AppealRef } from './appeals.lifecycle.ts';
import * as repo from './appeals.repository.ts';

/**
 * Duplicates. On registration, open appeals of the same category near the same place are
 * suggested (within `RADIUS_METRES` when both have a point, else the same KATO territory),
 * ranked by pg_trgm text similarity. Staff merge a duplicate into its original: the duplicate
 * closes as `merged`, its applicant is told, and when the original is answered the answer is
 * copied to every duplicate and each applicant is told (`followAnswer`, `copyAnswerToDuplicate`).
 */

export const RADIUS_METRES = 300;
/** A suggestion needs some textual likeness, or to be practically at the same spot. */
export const MIN_SIMILARITY = 0.15;
export const SAME_SPOT_METRES = 50;

export interface DuplicateSuggestion {
  id: string;
  slipNumber: string;
  state: string;
  receivedAt: Date;
  similarity: number;
  distanceMetres: number | null;
}

/** `alsoExclude`: appeals not to suggest besides `a` itself (those registered after it in the same batch). */
export async function suggestDuplicates(db: Executor, a: Pick<repo.AppealRow, 'id' | 'regionCode' | 'categoryId' | 'territoryCode' | 'lat' | 'lon' | 'text'>, limit = 5, alsoExclude: readonly string[] = []): Promise<DuplicateSuggestion[]> {
  const rows = await repo.duplicateCandidates(db, {
    regionCode: a.regionCode, categoryId: a.categoryId, territoryCode: a.territoryCode, lat: a.lat, lon: a.lon, text: a.text, excludeIds: [a.id, ...alsoExclude], radiusMetres: RADIUS_METRES, limit: limit * 4,
  });
  return rows
    .filter((r) => r.similarity >= MIN_SIMILARITY || (r.distanceMetres !== null && r.distanceMetres <= SAME_SPOT_METRES))
    .slice(0, limit)
    .map((r) => ({ ...r, receivedAt: new Date(r.receivedAt) }));
}

const NOT_AN_ORIGINAL = new Set(['merged', 'withdrawn', 'not_considered', 'forwarded']);

/** Merges `ref` into `originalId`. Staff who see both (coordination centre, or the organization holding both). */
export async function mergeAppeal(trx: Executor, deps: AppealsDeps, ref: AppealRef, input: { originalId: string; expectedVersion?: number; comment?: string | null }, actor: Actor, now: Date): Promise<void> {
  const dup = await loadForAction(trx, ref, actor, ['coordination', 'organization']);
  if (input.originalId === dup.id) throw invalid('originalId', 'an appeal cannot be merged into itself', 'appeals:errors.merge_self');
  const original = await repo.findAppeal(trx, dup.regionCode, input.originalId);
  if (!original || original.originalId !== null || NOT_AN_ORIGINAL.has(original.state)) {
    throw invalid('originalId', 'not an appeal this one can be merged into', 'appeals:errors.merge_target');
  }
  const seen = await accessTo(trx, actor, original);
  if (seen !== 'coordination' && seen !== 'organization') throw invalid('originalId', 'not an appeal this one can be merged into', 'appeals:errors.merge_target');
  await performAction(trx, deps.workflow, {
    regionCode: dup.regionCode, caseId: dup.caseId!, action: 'merge', input: { originalId: original.id }, comment: input.comment ?? null,
    ...(input.expectedVersion !== undefined ? { expectedVersion: input.expectedVersion } : {}), actor, at: now, asSystem: true,
  });
  await repo.updateAppeal(trx, dup.regionCode, dup.id, { originalId: original.id, mergedAt: now, updatedAt: now });
  if (original.answerText) {
    // The original was answered already: the duplicate follows at once.
    await copyAnswerToDuplicate(trx, original, dup.id, original, now, `answered_original:${original.id}`);
  }
  await syncAppeal(trx, dup.regionCode, dup.id, dup.caseId!, now);
  await appendAudit(trx, { regionCode: dup.regionCode, actor, action: 'appeal.merged', entityType: 'appeal', entityId: dup.id, organizationId: dup.organizationId, data: { originalId: original.id }, at: now });
}
