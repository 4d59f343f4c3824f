import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DefinitionError, effectNames, parseDefinition, validateDefinition, type ProcessDefinition } from './definition.ts';
import { missingEffects } from './hooks.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const example = JSON.parse(fs.readFileSync(path.join(here, 'example.appeal.json'), 'utf8')) as ProcessDefinition;
const clone = (): ProcessDefinition => structuredClone(example);
const t = (en: string) => ({ kk: en, ru: en, en });

function issuesOf(body: unknown) {
  const r = validateDefinition(body);
  if (r.ok) throw new Error('expected the definition to be refused');
  return r.issues;
}

describe('the example definition', () => {
  it('validates', () => {
    expect(validateDefinition(example)).toEqual({ ok: true, definition: example });
  });

  it('is the one README.md shows', () => {
    const readme = fs.readFileSync(path.join(here, 'README.md'), 'utf8');
    const block = /```json\n([\s\S]*?)\n```/.exec(readme)?.[1];
    expect(block && JSON.parse(block)).toEqual(example);
  });

  it('lists the effects the owning module must implement', () => {
    expect(effectNames(example)).toEqual(['forwardToCompetentBody', 'handToHead', 'noticeApplicantExtended', 'noticeApplicantForwarded', 'sendAnswer']);
    expect(missingEffects(example, { effects: { sendAnswer: async () => {}, handToHead: async () => {} } })).toEqual([
      'forwardToCompetentBody',
      'noticeApplicantExtended',
      'noticeApplicantForwarded',
    ]);
  });
});

describe('bad definitions are refused with clear messages', () => {
  it('a state nobody can reach', () => {
    const d = clone();
    d.states.archived = { kind: 'active', title: t('Archived') };
    d.actions.unarchive = { title: t('Unarchive'), from: ['archived'], to: 'in_progress', roles: ['head'] };
    expect(issuesOf(d)).toEqual([{ path: 'states.archived', message: "state 'archived' is unreachable from the initial state 'registered'" }]);
  });

  it('an action to an unknown state, with a suggestion', () => {
    const d = clone();
    d.actions.answer!.to = 'answerd';
    d.actions.withdraw!.from = ['registered', 'nowhere'];
    expect(issuesOf(d)).toEqual(
      expect.arrayContaining([
        { path: 'actions.answer.to', message: "unknown state 'answerd' (did you mean 'answered'?)" },
        {
          path: 'actions.withdraw.from.1',
          message: "unknown state 'nowhere'; known: registered, in_progress, awaiting_applicant, answered, forwarded, withdrawn",
        },
      ]),
    );
  });

  it('a terminal state with an outgoing action', () => {
    const d = clone();
    d.actions.reopen = { title: t('Reopen'), from: ['answered'], to: 'in_progress', roles: ['head'] };
    expect(issuesOf(d)).toEqual([{ path: 'states.answered', message: "a terminal state cannot have outgoing actions; action 'reopen' leaves it" }]);
  });

  it('a deadline without a unit', () => {
    const d = clone() as unknown as { deadlines: { answer: Record<string, unknown> }; states: { registered: { deadline: Record<string, unknown> } } };
    delete d.deadlines.answer.unit;
    delete d.states.registered.deadline.unit;
    expect(issuesOf(d)).toEqual([
      { path: 'states.registered.deadline.unit', message: 'a deadline needs a unit: one of working_days, working_hours, calendar_days' },
      { path: 'deadlines.answer.unit', message: 'a deadline needs a unit: one of working_days, working_hours, calendar_days' },
    ]);
  });

  it('a deadline with an unknown unit or without its legal source', () => {
    const d = clone() as unknown as { deadlines: { answer: Record<string, unknown> } };
    d.deadlines.answer.unit = 'days';
    delete d.deadlines.answer.legalSource;
    expect(issuesOf(d)).toEqual([
      { path: 'deadlines.answer.legalSource', message: 'is required: name the article of law (or rule) that sets this term' },
      { path: 'deadlines.answer.unit', message: 'must be one of working_days, working_hours, calendar_days; got "days"' },
    ]);
  });

  it('no initial state, or two', () => {
    const none = clone();
    none.states.registered!.kind = 'active';
    expect(issuesOf(none)[0]).toEqual({ path: 'states', message: "exactly one state must have kind 'initial'; there is none" });
    const two = clone();
    two.states.in_progress!.kind = 'initial';
    expect(issuesOf(two)[0]).toEqual({ path: 'states', message: "exactly one state must have kind 'initial'; found registered, in_progress" });
  });

  it('a non-terminal state that no action leaves', () => {
    const d = clone();
    d.actions.provide_documents!.from = ['in_progress'];
    d.actions.extend!.from = ['in_progress'];
    d.actions.withdraw!.from = ['registered', 'in_progress'];
    expect(issuesOf(d)).toEqual([
      { path: 'states.awaiting_applicant', message: "state 'awaiting_applicant' is not terminal but no action leaves it (a case would be stuck there)" },
    ]);
  });

  it('unknown roles, recipients and ladders', () => {
    const d = clone() as unknown as ProcessDefinition & { actions: { answer: { roles: string[] } } };
    d.actions.answer.roles = ['assignee', 'minister'];
    d.deadlines!.answer!.escalation = 'standart';
    expect(issuesOf(d)).toEqual([{ path: 'actions.answer.roles.1', message: expect.stringMatching(/^must be one of operator, executor, head, .*; got "minister"$/) }]);
    delete (d.actions.answer as { roles?: unknown }).roles;
    (d.actions.answer as { roles: string[] }).roles = ['head'];
    expect(issuesOf(d)).toEqual([{ path: 'deadlines.answer.escalation', message: "unknown escalation ladder 'standart' (did you mean 'standard'?)" }]);
  });

  it('ladder steps out of order, with two kinds at once, or with falling levels', () => {
    const d = clone();
    d.escalations!.standard = [
      { at: { breach: true }, level: 2, notify: ['head'] },
      { at: { percent: 75 }, level: 1, notify: ['assignee'] },
      { at: { percent: 90, breach: true }, level: 3, notify: ['head'] },
    ];
    expect(issuesOf(d)).toEqual(
      expect.arrayContaining([
        { path: 'escalations.standard.1.level', message: 'levels must not go down along the ladder (2 then 1)' },
        { path: 'escalations.standard.1.at', message: 'steps must be in time order: percents ascending, then the breach, then after-breach terms' },
        { path: 'escalations.standard.2.at', message: "give exactly one of 'percent', 'breach' or 'afterBreach'" },
      ]),
    );
  });

  it('an extension that names no running deadline or no date field', () => {
    const d = clone();
    d.actions.extend!.extends = { deadline: 'anwser', dueDateField: 'until', legalSource: 'x' };
    expect(issuesOf(d)).toEqual([
      { path: 'actions.extend.extends.deadline', message: "unknown case deadline 'anwser' (did you mean 'answer'?)" },
      { path: 'actions.extend.extends.dueDateField', message: "'until' must be a required property of the action's input schema" },
    ]);
  });

  it('input schemas that are not object schemas', () => {
    const d = clone();
    d.actions.answer!.input = { type: 'obj', properties: { decision: { type: 'strng' } }, required: ['reason'] };
    expect(issuesOf(d)).toEqual([
      { path: 'actions.answer.input', message: "an input schema must have type 'object'" },
      { path: 'actions.answer.input.type', message: 'unknown JSON type "obj"' },
      { path: 'actions.answer.input.properties.decision.type', message: 'unknown JSON type "strng"' },
      { path: 'actions.answer.input.required', message: 'required property "reason" is not declared in properties' },
    ]);
  });

  it('unknown fields, bad names and missing titles', () => {
    const d = clone() as unknown as Record<string, unknown> & { states: Record<string, Record<string, unknown>> };
    d.colour = 'red';
    d.states['In Progress'] = { kind: 'active', title: t('x') };
    delete d.states.answered!.title;
    const issues = issuesOf(d);
    expect(issues).toEqual(
      expect.arrayContaining([
        { path: 'colour', message: 'is not a known field' },
        { path: 'states.answered.title', message: 'is required' },
      ]),
    );
    delete d.colour;
    d.states.answered!.title = t('Answered');
    expect(issuesOf(d)).toEqual(expect.arrayContaining([{ path: 'states.In Progress', message: "state name 'In Progress' must match ^[a-z][a-z0-9_]*$" }]));
  });

  it('not an object at all', () => {
    expect(issuesOf(null)).toEqual([{ path: '(definition)', message: expect.any(String) }]);
    expect(issuesOf({})).toEqual(expect.arrayContaining([{ path: 'key', message: 'is required' }, { path: 'states', message: 'is required' }]));
  });

  it('parseDefinition throws a 400 DomainError naming the first field', () => {
    const d = clone();
    d.actions.answer!.to = 'nowhere';
    try {
      parseDefinition(d);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(DefinitionError);
      const err = e as DefinitionError;
      expect(err.status).toBe(400);
      expect(err.field).toBe('body.actions.answer.to');
      expect(err.messageKey).toBe('workflow:definition_invalid');
      // Renaming the target also leaves 'answered' unreachable: every issue is listed at once.
      expect(err.issues.map((i) => i.path)).toEqual(['actions.answer.to', 'states.answered']);
    }
  });
});
