import type { Db } from './platform/db/database.ts';
import { seedDirectoryDemo, type DemoAccount } from './modules/directory/demo.ts';

export interface DemoSummary {
  accounts: DemoAccount[];
}

/** True when the database holds no organizations yet (a fresh install). */
export async function isEmpty(db: Db): Promise<boolean> {
  const row = await db.selectFrom('organization').select('id').limit(1).executeTakeFirst();
  return !row;
}

/** Loads the demo region in one transaction: all of it or nothing. */
export async function seedDemo(db: Db): Promise<DemoSummary> {
  return db.transaction().execute(async (trx) => {
    const accounts = await seedDirectoryDemo(trx);
    return { accounts };
  });
}
