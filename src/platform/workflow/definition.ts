import Schema from 'typebox/schema';
import { Type, type Static } from 'typebox';
import { ROLES, type Role } from '../auth/actor.ts';
import { DomainError } from '../http/errors.ts';

/**
 * A process definition is data: states, actions, deadlines and escalation ladders, stored as
 * JSON (workflow_definition.body) and validated here before it can be published. The engine
 * (engine.ts) interprets it; the owning module implements the named effects. README.md in
 * this folder documents the format with a complete example.
 */

export const STATE_KINDS = ['initial', 'active', 'waiting_on_applicant', 'terminal'] as const;
export type StateKind = (typeof STATE_KINDS)[number];

export const DEADLINE_UNITS = ['working_days', 'working_hours', 'calendar_days'] as const;
export type DeadlineUnit = (typeof DEADLINE_UNITS)[number];

/** Extension limits may also be set in calendar months ("two months at most", APPC). */
export const LIMIT_UNITS = [...DEADLINE_UNITS, 'months'] as const;
export type LimitUnit = (typeof LIMIT_UNITS)[number];

/**
 * Who may perform an action besides staff roles: `applicant` (the citizen account the case
 * was started for), `assignee` (the staff member the case is assigned to), `system` (the
 * owning module acting on its own, e.g. closing on silence; callers pass `asSystem`).
 */
export const PSEUDO_ROLES = ['applicant', 'assignee', 'system'] as const;
export type PseudoRole = (typeof PSEUDO_ROLES)[number];
export type ActionRole = Role | PseudoRole;
export const ACTION_ROLES: readonly ActionRole[] = [...ROLES, ...PSEUDO_ROLES];

/** Escalation notices go to the assignee or to holders of a role in the case's organization. */
export type Recipient = 'assignee' | Role;
export const RECIPIENTS: readonly Recipient[] = ['assignee', ...ROLES];

const NAME = '^[a-z][a-z0-9_]*$';
const KEY = '^[a-z][a-z0-9_.-]*$';

const Localized = Type.Object(
  { kk: Type.String({ minLength: 1 }), ru: Type.String({ minLength: 1 }), en: Type.String({ minLength: 1 }) },
  { additionalProperties: false },
);

const Term = Type.Object(
  { amount: Type.Integer({ minimum: 1 }), unit: Type.Enum([...DEADLINE_UNITS]) },
  { additionalProperties: false },
);

const DeadlineSpecFields = {
  amount: Type.Integer({ minimum: 1 }),
  unit: Type.Enum([...DEADLINE_UNITS]),
  /** The article of law (or internal rule) that sets this term, shown to users and auditors. */
  legalSource: Type.String({ minLength: 1 }),
  /** Name of a ladder in `escalations`. */
  escalation: Type.Optional(Type.String({ pattern: NAME })),
};

export const DeadlineSpecSchema = Type.Object(DeadlineSpecFields, { additionalProperties: false });

export const CaseDeadlineSpecSchema = Type.Object(
  {
    ...DeadlineSpecFields,
    /** States that stop this deadline (it is met when one is reached). Default: any terminal state. */
    until: Type.Optional(Type.Array(Type.String({ pattern: NAME }), { minItems: 1 })),
    /** The term is suspended while the case is in a waiting_on_applicant state. Default false. */
    pausesWhileWaiting: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

export const StateSpecSchema = Type.Object(
  {
    kind: Type.Enum([...STATE_KINDS]),
    title: Localized,
    deadline: Type.Optional(DeadlineSpecSchema),
  },
  { additionalProperties: false },
);

export const ExtensionSpecSchema = Type.Object(
  {
    /** Key of a case deadline in `deadlines`. */
    deadline: Type.String({ pattern: NAME }),
    /** Input field holding the new due date (YYYY-MM-DD); the term then ends at the close of that working day. */
    dueDateField: Type.Optional(Type.String({ pattern: '^[a-zA-Z][a-zA-Z0-9_]*$' })),
    /** Or a fixed extension added to the current due instant. */
    by: Type.Optional(Term),
    /** The furthest the deadline may reach, counted from its start. */
    limit: Type.Optional(
      Type.Object({ amount: Type.Integer({ minimum: 1 }), unit: Type.Enum([...LIMIT_UNITS]) }, { additionalProperties: false }),
    ),
    legalSource: Type.String({ minLength: 1 }),
  },
  { additionalProperties: false },
);

export const ActionSpecSchema = Type.Object(
  {
    title: Localized,
    from: Type.Array(Type.String(), { minItems: 1 }),
    to: Type.String(),
    roles: Type.Array(Type.Enum([...ACTION_ROLES]), { minItems: 1 }),
    /** Staff roles must be held in the case's assigned organization (or a grant covering it). Default true. */
    requireAssignedOrganization: Type.Optional(Type.Boolean()),
    /** JSON Schema (type object) of the action's input. */
    input: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
    commentRequired: Type.Optional(Type.Boolean()),
    /** The caller may change the assigned organization / assignee with this action. */
    assigns: Type.Optional(Type.Boolean()),
    /** Effects the owning module implements, run in the same transaction after the transition. */
    effects: Type.Optional(Type.Array(Type.String({ pattern: '^[a-zA-Z][a-zA-Z0-9_.]*$' }))),
    extends: Type.Optional(ExtensionSpecSchema),
  },
  { additionalProperties: false },
);

export const EscalationStepSchema = Type.Object(
  {
    /** Exactly one of: a share of the term elapsed, the breach itself, or a term after the breach. */
    at: Type.Object(
      {
        percent: Type.Optional(Type.Number({ exclusiveMinimum: 0, exclusiveMaximum: 100 })),
        breach: Type.Optional(Type.Literal(true)),
        afterBreach: Type.Optional(Term),
      },
      { additionalProperties: false },
    ),
    level: Type.Integer({ minimum: 1 }),
    notify: Type.Array(Type.Enum([...RECIPIENTS])),
    effects: Type.Optional(Type.Array(Type.String({ pattern: '^[a-zA-Z][a-zA-Z0-9_.]*$' }))),
  },
  { additionalProperties: false },
);

export const ProcessDefinitionSchema = Type.Object(
  {
    key: Type.String({ pattern: KEY, maxLength: 100 }),
    title: Localized,
    description: Type.Optional(Type.String()),
    start: Type.Optional(Type.Object({ roles: Type.Array(Type.Enum([...ACTION_ROLES]), { minItems: 1 }) }, { additionalProperties: false })),
    states: Type.Record(Type.String(), StateSpecSchema),
    actions: Type.Record(Type.String(), ActionSpecSchema),
    deadlines: Type.Optional(Type.Record(Type.String(), CaseDeadlineSpecSchema)),
    escalations: Type.Optional(Type.Record(Type.String(), Type.Array(EscalationStepSchema, { minItems: 1 }))),
  },
  { additionalProperties: false },
);

export type Localized = Static<typeof Localized>;
export type Term = { amount: number; unit: DeadlineUnit };
export type DeadlineSpec = Omit<Static<typeof DeadlineSpecSchema>, 'unit'> & { unit: DeadlineUnit };
export type CaseDeadlineSpec = Omit<Static<typeof CaseDeadlineSpecSchema>, 'unit'> & { unit: DeadlineUnit };
export type StateSpec = Omit<Static<typeof StateSpecSchema>, 'kind' | 'deadline'> & { kind: StateKind; deadline?: DeadlineSpec };
export type ExtensionSpec = Omit<Static<typeof ExtensionSpecSchema>, 'by' | 'limit'> & {
  by?: Term;
  limit?: { amount: number; unit: LimitUnit };
};
export type ActionSpec = Omit<Static<typeof ActionSpecSchema>, 'roles' | 'extends' | 'input'> & {
  roles: ActionRole[];
  input?: Record<string, unknown>;
  extends?: ExtensionSpec;
};
export interface EscalationStep {
  at: { percent?: number; breach?: true; afterBreach?: Term };
  level: number;
  notify: Recipient[];
  effects?: string[];
}
export interface ProcessDefinition {
  key: string;
  title: Localized;
  description?: string;
  start?: { roles: ActionRole[] };
  states: Record<string, StateSpec>;
  actions: Record<string, ActionSpec>;
  deadlines?: Record<string, CaseDeadlineSpec>;
  escalations?: Record<string, EscalationStep[]>;
}

export interface DefinitionIssue {
  /** Dotted path into the definition, e.g. `actions.forward.to`. */
  path: string;
  message: string;
}

export type ValidationResult = { ok: true; definition: ProcessDefinition } | { ok: false; issues: DefinitionIssue[] };

/** Thrown when a definition does not validate; `issues` lists every problem found. */
export class DefinitionError extends DomainError {
  constructor(readonly issues: DefinitionIssue[]) {
    const first = issues[0];
    super('validation', `process definition is invalid: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, {
      field: first ? `body.${first.path}` : 'body',
      messageKey: 'workflow:definition_invalid',
      params: { count: issues.length, issues: issues.map((i) => `${i.path}: ${i.message}`).join('; ') },
    });
  }
}

function dotted(pointer: string): string {
  return pointer.split('/').filter(Boolean).map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~')).join('.');
}

const join = (path: string, key: string) => (path ? `${path}.${key}` : key);

/** Plain-language messages for what the structural schema finds; one per path. */
function structuralIssues(body: unknown): DefinitionIssue[] {
  const [ok, errors] = Schema.Errors(ProcessDefinitionSchema, body);
  if (ok) return [];
  const out: DefinitionIssue[] = [];
  const seen = new Set<string>();
  const add = (path: string, message: string) => {
    const k = `${path}\u0000${message}`;
    if (!seen.has(k)) {
      seen.add(k);
      out.push({ path: path || '(definition)', message });
    }
  };
  for (const e of errors) {
    const path = dotted(e.instancePath);
    const params = e.params as Record<string, unknown>;
    switch (e.keyword) {
      case 'required': {
        for (const prop of (params.requiredProperties as string[] | undefined) ?? []) {
          if (prop === 'unit' && /(^|\.)(deadline|deadlines\.[^.]+|by|afterBreach|limit)$/.test(path)) {
            add(join(path, 'unit'), `a deadline needs a unit: one of ${DEADLINE_UNITS.join(', ')}`);
          } else if (prop === 'legalSource') {
            add(join(path, 'legalSource'), 'is required: name the article of law (or rule) that sets this term');
          } else {
            add(join(path, prop), 'is required');
          }
        }
        break;
      }
      case 'additionalProperties':
        for (const prop of (params.additionalProperties as string[] | undefined) ?? []) add(join(path, prop), 'is not a known field');
        break;
      case 'boolean':
        break; // the `additionalProperties: false` echo of the entry above
      case 'enum':
        add(path, `must be one of ${(params.allowedValues as unknown[]).join(', ')}; got ${JSON.stringify(valueAt(body, e.instancePath))}`);
        break;
      case 'pattern':
        add(path, `${JSON.stringify(valueAt(body, e.instancePath))} must match ${String(params.pattern)} (lower-case letters, digits, _)`);
        break;
      default:
        add(path, e.message);
    }
  }
  return out;
}

function valueAt(root: unknown, pointer: string): unknown {
  let v = root;
  for (const p of pointer.split('/').filter(Boolean)) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[p.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return v;
}

function distance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
  }
  return d[a.length]![b.length]!;
}

function unknownName(kind: string, name: string, known: string[]): string {
  const near = known.filter((k) => distance(k, name) <= 2).sort((x, y) => distance(x, name) - distance(y, name))[0];
  return `unknown ${kind} '${name}'${near ? ` (did you mean '${near}'?)` : ''}${known.length && !near ? `; known: ${known.join(', ')}` : ''}`;
}

const JSON_TYPES = new Set(['object', 'array', 'string', 'number', 'integer', 'boolean', 'null']);

/** A light check of an action's input schema: typed object, known JSON types throughout. */
function inputSchemaIssues(schema: Record<string, unknown>, path: string): DefinitionIssue[] {
  const out: DefinitionIssue[] = [];
  if (schema.type !== 'object') out.push({ path, message: "an input schema must have type 'object'" });
  const walk = (s: unknown, p: string) => {
    if (s === null || typeof s !== 'object') {
      out.push({ path: p, message: 'must be a JSON Schema object' });
      return;
    }
    const o = s as Record<string, unknown>;
    const types = Array.isArray(o.type) ? o.type : o.type === undefined ? [] : [o.type];
    for (const t of types) if (typeof t !== 'string' || !JSON_TYPES.has(t)) out.push({ path: join(p, 'type'), message: `unknown JSON type ${JSON.stringify(t)}` });
    if (o.properties !== undefined) {
      if (o.properties === null || typeof o.properties !== 'object') out.push({ path: join(p, 'properties'), message: 'must be an object' });
      else for (const [k, v] of Object.entries(o.properties)) walk(v, join(join(p, 'properties'), k));
    }
    if (o.required !== undefined) {
      const props = (o.properties ?? {}) as Record<string, unknown>;
      if (!Array.isArray(o.required)) out.push({ path: join(p, 'required'), message: 'must be an array of property names' });
      else for (const r of o.required) if (typeof r !== 'string' || !(r in props)) out.push({ path: join(p, 'required'), message: `required property ${JSON.stringify(r)} is not declared in properties` });
    }
    if (o.items !== undefined) walk(o.items, join(p, 'items'));
  };
  walk(schema, path);
  return out;
}

/** A step's place in time: kind (before breach, breach, after breach) then amount within the kind. */
function stepOrder(step: EscalationStep): [number, number, string] {
  if (step.at.percent !== undefined) return [0, step.at.percent, ''];
  if (step.at.breach) return [1, 0, ''];
  return [2, step.at.afterBreach?.amount ?? 0, step.at.afterBreach?.unit ?? ''];
}

function semanticIssues(def: ProcessDefinition): DefinitionIssue[] {
  const out: DefinitionIssue[] = [];
  const add = (path: string, message: string) => out.push({ path, message });
  const stateNames = Object.keys(def.states);
  const actionNames = Object.keys(def.actions);
  const ladders = def.escalations ?? {};
  const deadlines = def.deadlines ?? {};
  const nameRe = new RegExp(NAME);

  for (const s of stateNames) if (!nameRe.test(s)) add(`states.${s}`, `state name '${s}' must match ${NAME}`);
  for (const a of actionNames) if (!nameRe.test(a)) add(`actions.${a}`, `action name '${a}' must match ${NAME}`);
  for (const d of Object.keys(deadlines)) if (!nameRe.test(d)) add(`deadlines.${d}`, `deadline name '${d}' must match ${NAME}`);
  for (const l of Object.keys(ladders)) if (!nameRe.test(l)) add(`escalations.${l}`, `ladder name '${l}' must match ${NAME}`);

  const initials = stateNames.filter((s) => def.states[s]!.kind === 'initial');
  if (initials.length === 0) add('states', "exactly one state must have kind 'initial'; there is none");
  if (initials.length > 1) add('states', `exactly one state must have kind 'initial'; found ${initials.join(', ')}`);
  if (!stateNames.some((s) => def.states[s]!.kind === 'terminal')) add('states', "at least one state must have kind 'terminal'");

  for (const [name, a] of Object.entries(def.actions)) {
    const p = `actions.${name}`;
    a.from.forEach((f, i) => {
      if (!def.states[f]) add(`${p}.from.${i}`, unknownName('state', f, stateNames));
      else if (def.states[f].kind === 'terminal') add(`states.${f}`, `a terminal state cannot have outgoing actions; action '${name}' leaves it`);
    });
    if (new Set(a.from).size !== a.from.length) add(`${p}.from`, 'lists a state twice');
    if (!def.states[a.to]) add(`${p}.to`, unknownName('state', a.to, stateNames));
    if (a.input) out.push(...inputSchemaIssues(a.input, `${p}.input`));
    if (a.extends) {
      const x = a.extends;
      if (!deadlines[x.deadline]) add(`${p}.extends.deadline`, unknownName('case deadline', x.deadline, Object.keys(deadlines)));
      if ((x.dueDateField === undefined) === (x.by === undefined)) add(`${p}.extends`, "give exactly one of 'dueDateField' (the new date comes with the input) or 'by' (a fixed extension)");
      if (x.dueDateField !== undefined) {
        const props = (a.input?.properties ?? {}) as Record<string, unknown>;
        const required = (a.input?.required ?? []) as unknown[];
        if (!(x.dueDateField in props) || !required.includes(x.dueDateField)) {
          add(`${p}.extends.dueDateField`, `'${x.dueDateField}' must be a required property of the action's input schema`);
        }
      }
    }
  }

  // Reachability from the initial state along actions.
  if (initials.length === 1) {
    const reached = new Set<string>([initials[0]!]);
    const queue = [initials[0]!];
    while (queue.length) {
      const s = queue.shift()!;
      for (const a of Object.values(def.actions)) {
        if (a.from.includes(s) && def.states[a.to] && !reached.has(a.to)) {
          reached.add(a.to);
          queue.push(a.to);
        }
      }
    }
    for (const s of stateNames) if (!reached.has(s)) add(`states.${s}`, `state '${s}' is unreachable from the initial state '${initials[0]}'`);
  }
  for (const s of stateNames) {
    if (def.states[s]!.kind !== 'terminal' && !Object.values(def.actions).some((a) => a.from.includes(s))) {
      add(`states.${s}`, `state '${s}' is not terminal but no action leaves it (a case would be stuck there)`);
    }
  }

  const checkLadderRef = (ref: string | undefined, path: string) => {
    if (ref !== undefined && !ladders[ref]) add(`${path}.escalation`, unknownName('escalation ladder', ref, Object.keys(ladders)));
  };
  for (const [s, spec] of Object.entries(def.states)) {
    if (spec.deadline) {
      checkLadderRef(spec.deadline.escalation, `states.${s}.deadline`);
      if (spec.kind === 'terminal') add(`states.${s}.deadline`, 'a terminal state cannot have a deadline');
    }
  }
  for (const [d, spec] of Object.entries(deadlines)) {
    checkLadderRef(spec.escalation, `deadlines.${d}`);
    spec.until?.forEach((s, i) => {
      if (!def.states[s]) add(`deadlines.${d}.until.${i}`, unknownName('state', s, stateNames));
    });
  }
  for (const [l, steps] of Object.entries(ladders)) {
    steps.forEach((step, i) => {
      const kinds = [step.at.percent !== undefined, step.at.breach === true, step.at.afterBreach !== undefined].filter(Boolean).length;
      if (kinds !== 1) add(`escalations.${l}.${i}.at`, "give exactly one of 'percent', 'breach' or 'afterBreach'");
      if (step.notify.length === 0 && !step.effects?.length) add(`escalations.${l}.${i}`, 'a step must notify someone or run an effect');
      if (i > 0) {
        const prev = steps[i - 1]!;
        if (step.level < prev.level) add(`escalations.${l}.${i}.level`, `levels must not go down along the ladder (${prev.level} then ${step.level})`);
        const [k0, v0, u0] = stepOrder(prev);
        const [k1, v1, u1] = stepOrder(step);
        // After-breach terms in different units cannot be compared without a calendar; same unit must grow.
        if (k1 < k0 || (k1 === k0 && u0 === u1 && v1 <= v0)) {
          add(`escalations.${l}.${i}.at`, 'steps must be in time order: percents ascending, then the breach, then after-breach terms');
        }
      }
    });
  }
  return out;
}

/** Validates a definition body (parsed JSON). Never throws; lists every issue found. */
export function validateDefinition(body: unknown): ValidationResult {
  const structural = structuralIssues(body);
  if (structural.length) return { ok: false, issues: structural };
  const def = body as ProcessDefinition;
  const issues = semanticIssues(def);
  return issues.length ? { ok: false, issues } : { ok: true, definition: def };
}

/** Like validateDefinition, but throws DefinitionError (a 400 `validation` DomainError). */
export function parseDefinition(body: unknown): ProcessDefinition {
  const r = validateDefinition(body);
  if (!r.ok) throw new DefinitionError(r.issues);
  return r.definition;
}

export function initialState(def: ProcessDefinition): string {
  const s = Object.entries(def.states).find(([, v]) => v.kind === 'initial');
  if (!s) throw new Error(`definition ${def.key} has no initial state`);
  return s[0];
}

/** Every effect name a definition uses, so that the owning module can check it implements them at boot. */
export function effectNames(def: ProcessDefinition): string[] {
  const names = new Set<string>();
  for (const a of Object.values(def.actions)) for (const e of a.effects ?? []) names.add(e);
  for (const steps of Object.values(def.escalations ?? {})) for (const s of steps) for (const e of s.effects ?? []) names.add(e);
  return [...names].sort();
}
