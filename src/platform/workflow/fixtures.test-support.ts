import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Actor, Role, StaffActor } from '../auth/actor.ts';
import type { ProcessDefinition } from './definition.ts';
import type { RoleCheck } from './hooks.ts';

/** Shared by the workflow tests: the example definition, actors and a role check double. */

const here = path.dirname(fileURLToPath(import.meta.url));
export const exampleDefinition = (): ProcessDefinition =>
  JSON.parse(fs.readFileSync(path.join(here, 'example.appeal.json'), 'utf8')) as ProcessDefinition;

export const REGION = '351010000'; // Karaganda city
export const ORG_A = '00000000-0000-4000-8000-00000000000a';
export const ORG_B = '00000000-0000-4000-8000-00000000000b';
export const COORD = '00000000-0000-4000-8000-0000000000cc';

let n = 0;
const uuid = (prefix: string) => `${prefix}-0000-4000-8000-${String(++n).padStart(12, '0')}`;

export function staff(role: Role, organizationId = ORG_A, extra: Partial<StaffActor> = {}): StaffActor {
  return {
    kind: 'staff',
    accountId: uuid('10000000'),
    staffId: uuid('20000000'),
    personId: null,
    organizationId,
    regionCode: REGION,
    displayName: `${role} of ${organizationId.slice(-1)}`,
    roles: [{ role, organizationId, includesSubtree: false }],
    locale: 'en',
    ...extra,
  };
}

export function citizen(): Extract<Actor, { kind: 'citizen' }> {
  return { kind: 'citizen', accountId: uuid('30000000'), personId: uuid('40000000'), iin: '900515301234', displayName: 'Citizen', locale: 'kk' };
}

/** Like the directory's hasRole, without the organization tree: a grant on the very organization. */
export const checkRole: RoleCheck = async (actor, roles, organizationId) =>
  actor.kind === 'staff' && actor.roles.some((g) => roles.includes(g.role) && (organizationId === null || g.organizationId === organizationId));

/** Local wall time in Almaty (UTC+5) → instant. */
export const almaty = (local: string) => new Date(`${local}+05:00`);
