import type { Executor } from '../db/database.ts';
import type { SweepBatch } from './hooks.ts';

type Collected = { kind: string; item: unknown; flush: (trx: Executor, items: unknown[]) => Promise<void> };

/**
 * A `SweepBatch`: the chunk a sweep lane applies in one transaction, or the registrar's batch of
 * registrations (appeals.intake.ts `writeRegistrations`). Lookups shared through `memo` (the
 * cache may outlive the batch: the sweep keeps one per sweep), items collected per kind and
 * written by one `flush` each at the end.
 */
export class CollectingBatch implements SweepBatch {
  constructor(private readonly cache: Map<string, Promise<unknown>>) {}
  private kept: Collected[] = [];
  private pending: Collected[] = [];

  memo<T>(key: string, load: () => Promise<T>): Promise<T> {
    let p = this.cache.get(key) as Promise<T> | undefined;
    if (!p) {
      p = load();
      this.cache.set(key, p);
      p.catch(() => this.cache.delete(key));
    }
    return p;
  }

  collect<T>(kind: string, item: T, flush: (trx: Executor, items: T[]) => Promise<void>): void {
    this.pending.push({ kind, item, flush: flush as Collected['flush'] });
  }

  /** The current deadline succeeded: keep what it collected. */
  keep(): void {
    this.kept.push(...this.pending);
    this.pending = [];
  }

  /** The current deadline was rolled back: drop what it collected. */
  drop(): void {
    this.pending = [];
  }

  /** Writes the kept items, one `flush` per kind. */
  async flush(trx: Executor): Promise<void> {
    const byKind = new Map<string, Collected[]>();
    for (const c of this.kept) {
      const list = byKind.get(c.kind);
      if (list) list.push(c);
      else byKind.set(c.kind, [c]);
    }
    for (const items of byKind.values()) await items[0]!.flush(trx, items.map((c) => c.item));
    this.kept = [];
  }
}
