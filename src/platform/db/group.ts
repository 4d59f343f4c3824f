/**
 * Group commit: requests that arrive while a write is under way are written together by the
 * next one, in one transaction, instead of one transaction each. Up to `writers` groups are
 * written at once (each on its own connection); a request arriving when fewer are under way is
 * written at once, alone — so a request never waits for others to come, and a lone one costs
 * what it always did. `write` answers each item of a group (a value or an error, in order); if
 * it throws, every item of the group gets that error.
 */

export type Outcome<O> = { ok: true; value: O } | { ok: false; error: unknown };

interface Waiting<I, O> {
  item: I;
  resolve: (o: O) => void;
  reject: (e: unknown) => void;
}

export class GroupWriter<I, O> {
  private readonly waiting: Waiting<I, O>[] = [];
  private active = 0;

  constructor(
    private readonly write: (items: I[]) => Promise<Outcome<O>[]>,
    private readonly opts: { writers: number; max: number; onGroup?: (size: number) => void },
  ) {
    if (opts.writers < 1 || opts.max < 1) throw new Error('GroupWriter: writers and max must be at least 1');
  }

  /** Items waiting for a writer. */
  get queued(): number {
    return this.waiting.length;
  }

  submit(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.waiting.push({ item, resolve, reject });
      this.next();
    });
  }

  private next(): void {
    while (this.active < this.opts.writers && this.waiting.length > 0) {
      const group = this.waiting.splice(0, this.opts.max);
      this.active++;
      this.opts.onGroup?.(group.length);
      this.write(group.map((w) => w.item))
        .then(
          (outcomes) => group.forEach((w, i) => {
            const o = outcomes[i];
            if (!o) w.reject(new Error('GroupWriter: no outcome for an item of the group'));
            else if (o.ok) w.resolve(o.value);
            else w.reject(o.error);
          }),
          (e: unknown) => group.forEach((w) => w.reject(e)),
        )
        .finally(() => {
          this.active--;
          this.next();
        });
    }
  }
}
