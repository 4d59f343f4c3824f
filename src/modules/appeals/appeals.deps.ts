import type { Db } from '../../platform/db/database.ts';
import type { FileDeps } from '../../platform/files/files.ts';
import type { RoleCheck, WorkflowDeps } from '../../platform/workflow/hooks.ts';
import { hasRole, holdsRoleAnywhere } from '../directory/directory.access.ts';
import { appealHooks } from './appeals.effects.ts';

/** What the appeals use-cases need besides the transaction: the workflow engine's deps and the file store. */
export interface AppealsDeps {
  workflow: WorkflowDeps;
  files: FileDeps;
}

/** The engine's role check, answered by the directory (a grant on an ancestor with subtree counts). */
export function directoryRoleCheck(db: Db): RoleCheck {
  return async (actor, roles, organizationId) => (organizationId === null ? holdsRoleAnywhere(actor, roles) : hasRole(db, actor, roles, organizationId));
}

export function appealsDeps(db: Db, files: FileDeps): AppealsDeps {
  return { workflow: { checkRole: directoryRoleCheck(db), hooks: appealHooks() }, files };
}
