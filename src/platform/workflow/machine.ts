import type { ProcessDefinition } from './definition.ts';

/**
 * The state machine of a definition, without persistence: which actions leave a state and
 * where they lead. The engine asks it before every transition; property tests drive it with
 * random action sequences.
 */

export type TransitionCheck =
  | { ok: true; from: string; to: string }
  | { ok: false; reason: 'unknown_action' | 'unknown_state' | 'not_allowed_in_state' };

export function checkTransition(def: ProcessDefinition, state: string, action: string): TransitionCheck {
  if (!Object.hasOwn(def.states, state)) return { ok: false, reason: 'unknown_state' };
  if (!Object.hasOwn(def.actions, action)) return { ok: false, reason: 'unknown_action' };
  const a = def.actions[action]!;
  if (!a.from.includes(state)) return { ok: false, reason: 'not_allowed_in_state' };
  return { ok: true, from: state, to: a.to };
}

/** Actions whose `from` includes the state, in definition order. */
export function actionsFrom(def: ProcessDefinition, state: string): string[] {
  return Object.entries(def.actions)
    .filter(([, a]) => a.from.includes(state))
    .map(([name]) => name);
}

export function isTerminal(def: ProcessDefinition, state: string): boolean {
  return def.states[state]?.kind === 'terminal';
}

export interface HistoryStep {
  action: string;
  fromState: string | null;
  toState: string;
}

/**
 * Replays a case's history from its first row: each step must leave the state the previous one
 * reached by an action the definition allows there. Returns the state reached, or throws naming
 * the first step that does not fit (a history that was tampered with or a bug).
 */
export function replay(def: ProcessDefinition, history: readonly HistoryStep[]): string {
  let state: string | undefined;
  history.forEach((h, i) => {
    if (i === 0) {
      if (h.fromState !== null || def.states[h.toState]?.kind !== 'initial') throw new Error(`history step 1 must start the case in the initial state, got ${h.toState}`);
      state = h.toState;
      return;
    }
    if (h.fromState !== state) throw new Error(`history step ${i + 1} leaves ${h.fromState} but the case was in ${state}`);
    if (h.action.startsWith('$')) {
      // Engine bookkeeping ($assign): no state change.
      if (h.toState !== state) throw new Error(`history step ${i + 1} (${h.action}) changes the state`);
      return;
    }
    const t = checkTransition(def, state!, h.action);
    if (!t.ok || t.to !== h.toState) throw new Error(`history step ${i + 1}: action ${h.action} cannot lead from ${state} to ${h.toState}`);
    state = t.to;
  });
  if (state === undefined) throw new Error('empty history');
  return state;
}
