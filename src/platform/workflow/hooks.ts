import type { Selectable } from 'kysely';
import type { Actor, Role } from '../auth/actor.ts';
import type { Executor } from '../db/database.ts';
import type { WorkflowCase as CaseTable, WorkflowDeadline as DeadlineTable } from '../db/schema.generated.ts';
import { effectNames, type Recipient, type ProcessDefinition } from './definition.ts';

/**
 * What the engine needs from the outside and what the owning module plugs in. The platform
 * never imports a module: the directory module supplies the role check, the owning module
 * (appeals, services, …) supplies the effects and the notice delivery, keyed by process key.
 */

export type WorkflowCase = Selectable<CaseTable>;
export type WorkflowDeadlineRow = Selectable<DeadlineTable>;

/**
 * Does `actor` hold one of `roles` in `organizationId` (a grant on an ancestor with
 * includesSubtree counts)? With `organizationId` null: in any organization.
 * The directory module's `hasRole` fits behind it.
 */
export type RoleCheck = (actor: Actor, roles: readonly Role[], organizationId: string | null) => Promise<boolean>;

export type EffectTrigger =
  | {
      kind: 'action';
      action: string;
      from: string;
      to: string;
      input: Record<string, unknown>;
      comment: string | null;
    }
  | {
      kind: 'escalation';
      deadlineId: string;
      deadlineKey: string;
      scope: 'case' | 'state';
      stepIndex: number;
      level: number;
      notify: Recipient[];
    };

export interface EffectContext {
  /** The caller's transaction: anything the effect writes commits or rolls back with the step. */
  trx: Executor;
  /** The case after the step. */
  case: WorkflowCase;
  definition: ProcessDefinition;
  /** The acting user; for escalations, the anonymous actor (the sweep). */
  actor: Actor;
  at: Date;
  trigger: EffectTrigger;
  /** In the sweep: the chunk the step is applied in (lookups shared, rows written once per chunk). */
  batch?: SweepBatch;
  /**
   * For a user's action: the subject's row (an appeal) as the action's caller read it in this
   * transaction before the action, when it passed one (`PerformActionInput.subject`); the effect
   * may use it instead of reading it again. Not the case's new state: that is `case`.
   */
  subject?: unknown;
}

/** A named effect of a definition, implemented by the owning module. Must not call the network: enqueue a job instead. */
export type EffectHandler = (ctx: EffectContext) => Promise<void>;

/**
 * The same effect for many escalation steps at once (the sweep's chunk): every context shares
 * one transaction and one `batch`. It must leave each case where `EffectHandler` would (same
 * rows, same notices) and must not change a case's state or owner; an effect that does (an
 * action, a reassignment) has no set-wise form and the sweep applies its steps one by one.
 */
export type BatchEffectHandler = (ctxs: readonly (EffectContext & { batch: SweepBatch })[]) => Promise<void>;

export interface WorkflowNotice {
  regionCode: string;
  id: string;
  caseId: string;
  escalationId: string | null;
  /** 'reminder' (before the breach), 'breach', 'after_breach'. */
  kind: string;
  level: number;
  /** 'assignee' or a role in the case's organization (the owning module resolves the people). */
  recipient: Recipient;
  organizationId: string;
  assigneeId: string | null;
  data: Record<string, unknown>;
  createdAt: Date;
}

/**
 * The sweep applies a lane's due deadlines in chunks, one transaction per chunk and a savepoint
 * per deadline. Hooks and effects get the chunk to share work across its deadlines.
 */
export interface SweepBatch {
  /**
   * A read-only lookup done once per sweep per `key` (e.g. the staff holding a role in an
   * organization: it does not change within a sweep). A failed load is not kept.
   */
  memo<T>(key: string, load: () => Promise<T>): Promise<T>;
  /**
   * An item to write at the end of the chunk, in the chunk's transaction, together with the
   * other items of the same `kind`: `flush` is called once per kind with every item kept. The
   * items of a deadline whose savepoint is rolled back are dropped with it.
   */
  collect<T>(kind: string, item: T, flush: (trx: Executor, items: T[]) => Promise<void>): void;
}

export interface WorkflowHooks {
  /** Implementations of the definition's named effects (`actions.*.effects`, `escalations.*.effects`). */
  effects?: Readonly<Record<string, EffectHandler>>;
  /**
   * Called in the sweep's transaction for every notice it raises, after the notice row is in the
   * `workflow_notice` outbox. Typically enqueues a delivery job; may do nothing and let a worker
   * read the outbox instead. `batch`: the sweep's chunk (see `SweepBatch`).
   */
  onNotice?: (trx: Executor, notice: WorkflowNotice, c: WorkflowCase, batch?: SweepBatch) => Promise<void>;
  /**
   * Set-wise forms for the sweep, which applies a chunk's due steps in a constant number of
   * statements where it can: `onNotices` receives every notice of the chunk at once (instead of
   * `onNotice` one by one); `batchEffects[name]` every step of the chunk that names that effect.
   * A step whose effects lack a set-wise form is applied alone, as before.
   */
  onNotices?: (trx: Executor, notices: readonly { notice: WorkflowNotice; case: WorkflowCase }[], batch: SweepBatch) => Promise<void>;
  batchEffects?: Readonly<Record<string, BatchEffectHandler>>;
}

/** Hooks per process key. */
export type HookRegistry = Readonly<Record<string, WorkflowHooks>>;

export interface WorkflowDeps {
  checkRole: RoleCheck;
  hooks?: HookRegistry;
}

/** Effect names a definition uses that `hooks` does not implement: check at boot, fail fast. */
export function missingEffects(def: ProcessDefinition, hooks: WorkflowHooks | undefined): string[] {
  const have = hooks?.effects ?? {};
  return effectNames(def).filter((e) => !Object.hasOwn(have, e));
}
