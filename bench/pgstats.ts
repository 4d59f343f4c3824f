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
export async function writePgStats(c: pg.Client, name: string, ops: number, out: string, writesBefore: TableWrites, wal?: { from: string; to: string }): Promise<void> {
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
  if (wal) lines.push('', ...(await walByRelation(c, wal.from, wal.to, ops)));
  fs.mkdirSync(out, { recursive: true });
  fs.writeFileSync(path.join(out, `pgstat-${name}.txt`), lines.join('\n') + '\n');
}

/**
 * The WAL written between two positions, per relation (tables and indexes alike), from the WAL
 * itself (pg_walinspect): the block references, the distinct pages, and the whole-page images
 * (a page's first change after a checkpoint, with full_page_writes on) per operation. Says which
 * relation's pages a write path dirties, the cost rows-per-table cannot show. The WAL of a long
 * window may already be recycled by a checkpoint; then the section says so.
 */
export async function walByRelation(c: pg.Client, from: string, to: string, ops: number): Promise<string[]> {
  try {
    await c.query('create extension if not exists pg_walinspect');
    // pg_walinspect reads flushed WAL only. A commit flushes what precedes it when synchronous_commit
    // is on and the transaction wrote WAL (a message record, here): for a server that defers
    // flushes (the suite's does).
    await c.query("begin; set local synchronous_commit = on; select pg_logical_emit_message(true, 'ortak-bench', 'flush'); commit");
    const rows = (await c.query<{ rel: string; refs: number; pages: number; fpi: number; fpi_kb: number; data_kb: number }>(
      `select coalesce(pg_filenode_relation(b.reltablespace, b.relfilenode)::text, 'filenode ' || b.relfilenode) as rel,
              count(*)::int as refs, count(distinct b.relblocknumber)::int as pages,
              count(*) filter (where b.block_fpi_length > 0)::int as fpi,
              (coalesce(sum(b.block_fpi_length), 0) / 1024.0)::float8 as fpi_kb, (coalesce(sum(b.block_data_length), 0) / 1024.0)::float8 as data_kb
         from pg_get_wal_block_info($1::pg_lsn, $2::pg_lsn, false) b
        where b.reldatabase = (select oid from pg_database where datname = current_database()) and b.relforknumber = 0
        group by 1 order by 5 desc, 2 desc`, [from, to])).rows;
    const per = (x: number, d = 2) => (x / Math.max(1, ops)).toFixed(d).padStart(8);
    const sum = (k: 'refs' | 'pages' | 'fpi' | 'fpi_kb') => rows.reduce((a, r) => a + r[k], 0);
    return [`WAL per operation by relation (pg_walinspect, ${from} to ${to}): ${per(sum('refs')).trim()} block references, ${per(sum('pages')).trim()} distinct pages, ${per(sum('fpi')).trim()} page images (${per(sum('fpi_kb'), 1).trim()} kB)`,
      '    refs    pages  images  image kB  data kB  relation',
      ...rows.slice(0, 40).map((r) => `${per(r.refs)} ${per(r.pages)} ${per(r.fpi)} ${per(r.fpi_kb, 1)} ${per(r.data_kb, 1)}  ${r.rel}`)];
  } catch (e) {
    return [`WAL per relation: not available (${(e as Error).message})`];
  }
}
