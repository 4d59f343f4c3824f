import type pg from 'pg';

/**
 * The registrar's side of `intake_async`: the scenario's rate is what the server *accepts*
 * (202, one row each); the appeals are registered behind it by the server's registrar
 * (src/modules/appeals/appeals.acceptance.ts) on the same two cores. So the scenario also
 * reports what was registered while it ran, how many waited when it stopped, how fast the
 * registrar then cleared them alone (the sustained registration rate), and that every accepted
 * appeal ended registered — none refused, none left waiting.
 */

export interface AcceptanceCounts {
  at: number;
  settled: number;
  registered: number;
  refused: number;
  waiting: number;
}

export async function acceptanceCounts(c: pg.Client): Promise<AcceptanceCounts> {
  const r = (await c.query<{ registered: number; refused: number; waiting: number }>(`select
      count(*) filter (where state = 'registered')::int as registered,
      count(*) filter (where state = 'refused')::int as refused,
      count(*) filter (where state = 'accepted')::int as waiting
    from appeal_acceptance`)).rows[0]!;
  return { at: performance.now(), settled: r.registered + r.refused, ...r };
}

export interface Drained {
  /** Registered per second while the scenario was accepting. */
  registered_per_s_accepting: number;
  /** Accepted but not yet registered when the scenario stopped. */
  backlog_at_end: number;
  /** Seconds the registrar then took to clear the backlog alone. */
  drain_s: number;
  /** Registered per second while clearing the backlog (no new acceptances): the registrar's own rate. */
  registered_per_s_draining: number | null;
  /** Settled (registered or refused) while clearing the backlog. */
  drained: number;
  /** Refused during the scenario and the drain (a correct request is never refused: expect 0). */
  refused: number;
  /** Still waiting when the drain gave up (expect 0). */
  unsettled: number;
}

/** Waits until nothing waits (or `timeoutMs`), then reports against the counts at the measured start and at its end. */
export async function drainAcceptances(c: pg.Client, start: AcceptanceCounts, end: AcceptanceCounts, timeoutMs: number): Promise<Drained> {
  const deadline = performance.now() + timeoutMs;
  // Polled by the registrar's partial index alone (the full counts scan every acceptance: ~8 ms
  // of PostgreSQL's CPU each, a few per cent of the registrations' own while they run), the
  // counts read once it is done.
  let waiting = end.waiting;
  let doneAt = end.at;
  while (waiting > 0 && performance.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
    waiting = (await c.query<{ n: number }>(`select count(*)::int as n from appeal_acceptance where state = 'accepted'`)).rows[0]!.n;
    doneAt = performance.now();
  }
  const last = { ...(await acceptanceCounts(c)), at: doneAt };
  const r2 = (x: number) => Math.round(x * 100) / 100;
  const drainS = (last.at - end.at) / 1000;
  return {
    registered_per_s_accepting: r2((end.settled - start.settled) / ((end.at - start.at) / 1000)),
    backlog_at_end: end.waiting,
    drain_s: r2(drainS),
    registered_per_s_draining: end.waiting > 0 && drainS > 0 ? r2((last.settled - end.settled) / drainS) : null,
    drained: last.settled - end.settled,
    refused: last.refused - start.refused,
    unsettled: last.waiting,
  };
}
