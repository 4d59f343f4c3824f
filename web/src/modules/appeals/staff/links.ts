import type { ReportPeriod } from './staffApi.ts';

/** The drill-down figure of the reports API behind each figure of the screens. */
export const DRILL: Record<string, string> = {
  received: 'received',
  open: 'open',
  overdue: 'overdue',
  escalated: 'escalated',
  reopened: 'reopened',
  deemedRefusals: 'deemed_refusal',
  answered: 'answered',
  ignored: 'ignored',
};

/** The address of the appeals behind a figure (the coordination centre's appeal list). */
export function drillLink(figure: string, p: ReportPeriod, organizationId?: string, assigneeId?: string): string {
  const q = new URLSearchParams({
    figure: DRILL[figure] ?? figure,
    ...(p.from ? { from: p.from } : {}),
    ...(p.to ? { to: p.to } : {}),
    ...(organizationId ? { org: organizationId } : {}),
    ...(assigneeId ? { person: assigneeId } : {}),
  });
  return `/coordination/appeals?${q.toString()}`;
}
