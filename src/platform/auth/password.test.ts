import os from 'node:os';
import { describe, expect, it } from 'vitest';
import { hashPassword, passwordWork, verifyPassword } from './password.ts';

describe('password hashing', () => {
  it('verifies the right password only, and runs at most one hash per core however many are asked at once', async () => {
    const h = await hashPassword('correct horse battery staple');
    let most = 0;
    let queued = 0;
    const n = os.availableParallelism() + 4;
    const all = Promise.all(Array.from({ length: n }, (_, i) => verifyPassword(h, i % 2 ? 'correct horse battery staple' : 'wrong')));
    let done = false;
    void all.finally(() => (done = true));
    // Looked at on every turn of the event loop (the hashes run on libuv's threads meanwhile).
    while (!done) {
      const w = passwordWork();
      most = Math.max(most, w.running);
      queued = Math.max(queued, w.waiting);
      await new Promise((r) => setImmediate(r));
    }
    const results = await all;
    expect(results).toEqual(Array.from({ length: n }, (_, i) => i % 2 === 1));
    expect(most).toBeGreaterThan(0);
    expect(most).toBeLessThanOrEqual(os.availableParallelism());
    expect(queued).toBeGreaterThan(0);
    expect(passwordWork()).toEqual({ running: 0, waiting: 0 });
    expect(await verifyPassword('not a hash', 'x')).toBe(false);
  });
});
