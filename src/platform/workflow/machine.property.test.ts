import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { initialState, type ProcessDefinition } from './definition.ts';
import { actionsFrom, checkTransition, isTerminal, replay, type HistoryStep } from './machine.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const example = JSON.parse(fs.readFileSync(path.join(here, 'example.appeal.json'), 'utf8')) as ProcessDefinition;
const actionNames = Object.keys(example.actions);

/** Runs a sequence of attempted actions; returns the state after each and the accepted history. */
function drive(def: ProcessDefinition, attempts: string[]) {
  let state = initialState(def);
  const history: HistoryStep[] = [{ action: '$start', fromState: null, toState: state }];
  const states: string[] = [state];
  for (const action of attempts) {
    const t = checkTransition(def, state, action);
    if (t.ok) {
      history.push({ action, fromState: state, toState: t.to });
      state = t.to;
    }
    states.push(state);
  }
  return { state, states, history };
}

describe('the state machine under random action sequences (fast-check)', () => {
  // Names the definition knows, plus names it does not: both must be handled.
  const attempt = fc.oneof(fc.constantFrom(...actionNames), fc.constantFrom('reopen', 'approve', '__proto__', 'constructor', ''));

  it('never leaves a defined state, and refuses what the state does not allow', () => {
    fc.assert(
      fc.property(fc.array(attempt, { maxLength: 60 }), (attempts) => {
        let state = initialState(example);
        for (const action of attempts) {
          const t = checkTransition(example, state, action);
          const allowed = actionsFrom(example, state).includes(action);
          expect(t.ok).toBe(allowed);
          if (isTerminal(example, state)) expect(t.ok).toBe(false);
          if (t.ok) state = t.to;
          expect(Object.hasOwn(example.states, state)).toBe(true);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('replaying the accepted history gives the current state', () => {
    fc.assert(
      fc.property(fc.array(attempt, { maxLength: 60 }), (attempts) => {
        const { state, history } = drive(example, attempts);
        expect(replay(example, history)).toBe(state);
      }),
      { numRuns: 2000 },
    );
  });

  it('replay refuses a history that skips or forges a step', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...actionNames), { minLength: 1, maxLength: 30 }), fc.nat(), (attempts, pick) => {
        const { history } = drive(example, attempts);
        if (history.length < 2) return;
        const i = 1 + (pick % (history.length - 1));
        const forged = history.map((h, j) => (j === i ? { ...h, toState: h.toState === 'answered' ? 'withdrawn' : 'answered' } : h));
        const forgedEnds = forged[i]!.toState;
        // Forging is detectable unless the forged step happens to be a legal one.
        const legal = checkTransition(example, forged[i]!.fromState!, forged[i]!.action);
        if (!(legal.ok && legal.to === forgedEnds)) expect(() => replay(example, forged)).toThrow(/history step/);
      }),
      { numRuns: 500 },
    );
  });
});
