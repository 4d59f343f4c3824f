import { describe, expect, it } from 'vitest';
import { createTestApp } from './app.ts';

const { app } = await createTestApp();

describe('OpenAPI document', () => {
  const doc = (async () => (await app.inject('/openapi.json')).json())();

  it('lists every API route with a summary, tags and response schemas', async () => {
    const d = await doc;
    const apiRoutes = app.printRoutes({ commonPrefix: false });
    expect(apiRoutes).toContain('api');
    const missing: string[] = [];
    for (const [p, ops] of Object.entries(d.paths as Record<string, Record<string, { summary?: string; tags?: string[]; responses?: Record<string, { content?: unknown }> }>>)) {
      for (const [method, op] of Object.entries(ops)) {
        if (!op.summary) missing.push(`${method} ${p}: summary`);
        if (!op.tags?.length) missing.push(`${method} ${p}: tags`);
        const ok = Object.entries(op.responses ?? {}).find(([code]) => code.startsWith('2'));
        if (!ok) missing.push(`${method} ${p}: 2xx response schema`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('documents request bodies for every write', async () => {
    const d = await doc;
    const noBody: string[] = [];
    for (const [p, ops] of Object.entries(d.paths as Record<string, Record<string, { requestBody?: unknown }>>)) {
      for (const [method, op] of Object.entries(ops)) {
        if ((method === 'post' || method === 'put' || method === 'patch') && !op.requestBody && !/logout$|\/read$/.test(p)) noBody.push(`${method} ${p}`);
      }
    }
    expect(noBody).toEqual([]);
  });
});
