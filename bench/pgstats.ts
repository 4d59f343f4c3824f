import fs from 'node:fs';
import path from 'node:path';
import type pg from 'pg';

/**
 * `--pg-stats` (bench/README.md, "Tools"): what PostgreSQL did for a scenario's operations —
 * its statements from pg_stat_statements and the rows it wrote per table from pg_stat_user_tables.
 */

/** Rows written per table so far (pg_stat_user_tables, reported by backends at most every second or so), with each table's index count. */
export type TableWrites = Map<string, { ins: number; upd: number; hot: number; del: number; indexes: number }>;
export async function tableWrites(c: pg.Client): Promise<TableWrites> {
  const rows = (await c.query<{ t: string; ins: string; upd: string; hot: string; del: string; indexes: number }>(
    `select case when s.schemaname = 'public' then s.relname else s.schemaname || '.' || s.relname end as t, s.n_tup_ins as ins, s.n_tup_upd as upd, s.n_tup_hot_upd as hot, s.n_tup_del as del,
            (select count(*)::int from pg_index i where i.indrelid = s.relid) as indexes
       from pg_stat_user_tables s`)).rows;
  return new Map(rows.map((r) => [r.t, { ins: Number(r.ins), upd: Number(r.upd), hot: Number(r.hot), del: Number(r.del), indexes: r.indexes }]));
}

/**
 * PostgreSQL's side of a scenario (--pg-stats): every statement of the measured window by total
 * planning + execution time, with calls and time per operation, and the rows it wrote per
 * table since `writesBefore`, to `pgstat-<scenario>.txt`.
 */
export async function writePgStats(c: pg.Client, name: string, ops: number, out: string, writesBefore: TableWrites): Promise<void> {
  const rows = (await c.query<{ calls: string; plan: number; exec: number; rows: string; query: string }>(
    `select calls, total_plan_time as plan, total_exec_time as exec, rows, query from pg_stat_statements
      where dbid = (select oid from pg_database where datname = current_database())
      order by total_plan_time + total_exec_time desc limit 40`)).rows;
  const total = rows.reduce((a, r) => a + r.plan + r.exec, 0);
  const lines = [`${name}: ${ops} operations; PostgreSQL time of the top statements ${Math.round(total)} ms = ${(total / Math.max(1, ops)).toFixed(3)} ms per operation`,
    'ms/op    plan/op  exec/op  calls/op  rows/call  statement'];
  for (const r of rows) {
    const per = (x: number) => (x / Math.max(1, ops)).toFixed(3).padStart(7);
    lines.push(`${per(r.plan + r.exec)}  ${per(r.plan)}  ${per(r.exec)}  ${(Number(r.calls) / Math.max(1, ops)).toFixed(2).padStart(8)}  ${(Number(r.rows) / Math.max(1, Number(r.calls))).toFixed(1).padStart(9)}  ${r.query.replace(/\s+/g, ' ').slice(0, 220)}`);
  }
  // Rows each operation wrote per table, and the index entries they cost: an insert or an update
  // that is not HOT adds an entry to every index of its table.
  const after = await tableWrites(c);
  const per = (x: number) => (x / Math.max(1, ops)).toFixed(2).padStart(8);
  const written = [...after].map(([t, a]) => {
    const b = writesBefore.get(t) ?? { ins: 0, upd: 0, hot: 0, del: 0, indexes: a.indexes };
    const d = { ins: a.ins - b.ins, upd: a.upd - b.upd, hot: a.hot - b.hot, del: a.del - b.del };
    return { t, ...d, indexes: a.indexes, entries: (d.ins + d.upd - d.hot) * a.indexes };
  }).filter((w) => w.ins + w.upd + w.del > 0).sort((x, y) => y.entries - x.entries);
  const sum = (k: 'ins' | 'upd' | 'hot' | 'del' | 'entries') => written.reduce((a, w) => a + w[k], 0);
  lines.push('', `rows written per operation (pg_stat_user_tables): ${per(sum('ins') + sum('upd') + sum('del')).trim()} rows, ${per(sum('entries')).trim()} index entries (insert or non-HOT update × the table's indexes)`,
    'inserts  updates      HOT  deletes  indexes  entries  table');
  for (const w of written) lines.push(`${per(w.ins)} ${per(w.upd)} ${per(w.hot)} ${per(w.del)} ${String(w.indexes).padStart(8)} ${per(w.entries)}  ${w.t}`);
  fs.mkdirSync(out, { recursive: true });
  fs.writeFileSync(path.join(out, `pgstat-${name}.txt`), lines.join('\n') + '\n');
}
