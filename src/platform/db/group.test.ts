import { describe, expect, it } from 'vitest';
import { GroupWriter, type Outcome } from './group.ts';

/** Group commit's queue: who is written alone, who together, and what each caller gets. */

function writer(writers: number, max: number) {
  const groups: number[][] = [];
  const gates: (() => void)[] = [];
  const w = new GroupWriter<number, string>(async (items) => {
    groups.push(items);
    await new Promise<void>((r) => gates.push(r));
    if (items.includes(-1)) throw new Error('the group failed');
    return items.map((n): Outcome<string> => (n % 2 ? { ok: true, value: `slip ${n}` } : { ok: false, error: new Error(`refused ${n}`) }));
  }, { writers, max });
  const openNext = async () => {
    while (gates.length === 0) await new Promise((r) => setTimeout(r, 1));
    gates.shift()!();
  };
  return { w, groups, openNext };
}

describe('GroupWriter', () => {
  it('writes a lone request at once and those arriving meanwhile together, each answered its own outcome', async () => {
    const { w, groups, openNext } = writer(1, 64);
    const answers = [1, 3, 4, 5].map((n) => w.submit(n).then((v) => v, (e: Error) => e.message));
    expect(groups).toEqual([[1]]);
    expect(w.queued).toBe(3);
    await openNext();
    await openNext();
    expect(await Promise.all(answers)).toEqual(['slip 1', 'slip 3', 'refused 4', 'slip 5']);
    expect(groups).toEqual([[1], [3, 4, 5]]);
    expect(w.queued).toBe(0);
  });

  it('runs up to `writers` groups at once and caps a group at `max`', async () => {
    const { w, groups, openNext } = writer(2, 2);
    const answers = [1, 3, 5, 7, 9, 11].map((n) => w.submit(n));
    expect(groups).toEqual([[1], [3]]);
    for (let i = 0; i < 4; i++) await openNext();
    expect(await Promise.all(answers)).toEqual(['slip 1', 'slip 3', 'slip 5', 'slip 7', 'slip 9', 'slip 11']);
    expect(groups).toEqual([[1], [3], [5, 7], [9, 11]]);
  });

  it('gives every item of a failed group the error, and goes on with the next', async () => {
    const { w, groups, openNext } = writer(1, 64);
    const first = w.submit(1);
    const failed = [w.submit(3), w.submit(-1)].map((p) => p.then(() => 'written', (e: Error) => e.message));
    await openNext();
    await openNext();
    expect(await first).toBe('slip 1');
    expect(await Promise.all(failed)).toEqual(['the group failed', 'the group failed']);
    const after = w.submit(5);
    await openNext();
    expect(await after).toBe('slip 5');
    expect(groups).toEqual([[1], [3, -1], [5]]);
  });
});
