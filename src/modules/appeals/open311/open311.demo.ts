import { createApiKey } from '../../../platform/auth/auth.service.ts';
import type { Executor } from '../../../platform/db/database.ts';
import { findCoordinationOrganization } from '../appeals.access.ts';

/**
 * The demo region's Open311 client: a fixed, documented API key (scope `open311`) of the
 * Karaganda region's coordination centre, so that any Open311 client can be pointed at a
 * fresh demo install without signing in. Only the demo seed creates it; a real install issues
 * keys through POST /api/organizations/{id}/api-keys and never has this one.
 */
export const DEMO_OPEN311_KEY = 'ortak_demo0311_karaganda_open311_demo_key';
export const DEMO_JURISDICTION = '350000000';

export interface Open311Demo {
  apiKey: string;
  jurisdictionId: string;
}

/** In the demo seed's transaction, after the directory (the coordination centre must exist). */
export async function seedOpen311Demo(trx: Executor, now = new Date()): Promise<Open311Demo> {
  const cc = await findCoordinationOrganization(trx, DEMO_JURISDICTION);
  if (!cc) throw new Error(`the demo region ${DEMO_JURISDICTION} has no coordination centre`);
  await createApiKey(trx, { name: 'Open311 demo client', organizationId: cc.id, regionCode: DEMO_JURISDICTION, scopes: ['open311'], key: DEMO_OPEN311_KEY }, now);
  return { apiKey: DEMO_OPEN311_KEY, jurisdictionId: DEMO_JURISDICTION };
}
