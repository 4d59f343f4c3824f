import { DomainError } from '../http/errors.ts';
import type { Actor, CitizenActor, StaffActor } from './actor.ts';

export function requireActor(actor: Actor): Exclude<Actor, { kind: 'anonymous' }> {
  if (actor.kind === 'anonymous') throw new DomainError('unauthenticated', 'sign in first');
  return actor;
}

export function requireStaff(actor: Actor): StaffActor {
  const a = requireActor(actor);
  if (a.kind !== 'staff') throw new DomainError('forbidden', 'staff only');
  return a;
}

export function requireCitizen(actor: Actor): CitizenActor {
  const a = requireActor(actor);
  if (a.kind !== 'citizen') throw new DomainError('forbidden', 'citizens only');
  return a;
}

export function requireApiClient(actor: Actor, scope?: string): Extract<Actor, { kind: 'api_client' }> {
  const a = requireActor(actor);
  if (a.kind !== 'api_client') throw new DomainError('forbidden', 'API clients only');
  if (scope && !a.scopes.includes(scope)) throw new DomainError('forbidden', `API key lacks scope ${scope}`);
  return a;
}
