import type { Db } from './platform/db/database.ts';
import { seedDirectoryDemo, type DemoAccount } from './modules/directory/demo.ts';
import { seedOpen311Demo } from './modules/appeals/open311/open311.demo.ts';
import { seedAppealsDemo } from './modules/appeals/demo.ts';

export interface DemoSummary {
  accounts: DemoAccount[];
  /** The Open311 demo client: its API key and jurisdiction_id (src/modules/appeals/open311/README.md). */
  open311?: { apiKey: string; jurisdictionId: string };
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
    await seedAppealsDemo(trx);
    const open311 = await seedOpen311Demo(trx);
    return { accounts, open311 };
  });
}
