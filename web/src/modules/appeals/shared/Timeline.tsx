import { Box, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useFormat } from './format.ts';
import { useOrganizationName } from './queries.ts';
import type { TimelineEntry } from './types.ts';

/**
 * An appeal's history in plain words, oldest first: registered, sent to an organization,
 * taken into work, information asked, term extended, answered, confirmed or disputed…
 * `audience="applicant"` hides the internal steps (deadline bookkeeping, escalation levels)
 * and staff comments; staff see every step with its comment.
 */

type Transition = Extract<TimelineEntry, { kind: 'transition' }>;

function OrgName({ id }: { id: string | null }) {
  const f = useFormat();
  const name = useOrganizationName(id);
  return <>{name.data ? f.pick(name.data) : '…'}</>;
}

/** Actions whose comment the applicant may read (their own words, the reasons given to them). */
const PUBLIC_COMMENT = new Set(['extend', 'request_info', 'provide_info', 'forward', 'confirm', 'dispute', 'withdraw', 'leave_unconsidered']);
/** Actions that name the organization holding the appeal afterwards. */
const NAMES_ORGANIZATION = new Set(['route', 'reassign']);

function transitionText(t: (k: string, o?: Record<string, unknown>) => string, e: Transition): string {
  if (e.action === '$start') return t('timeline.registered');
  if (e.action === 'confirm' || e.action === 'dispute') {
    const rating = typeof e.input.rating === 'number' ? e.input.rating : undefined;
    return rating ? t(`timeline.${e.action}Rated`, { rating }) : t(`timeline.${e.action}`);
  }
  if (e.action === '$assign') return t('timeline.delegate');
  // Splitting (APPC art. 65): each appeal's entry names the other's slip.
  if (e.action === '$split' || e.action === '$split_from') {
    return t(e.action === '$split' ? 'timeline.split' : 'timeline.splitFrom', { slip: typeof e.input.slipNumber === 'string' ? e.input.slipNumber : '—' });
  }
  return t(`timeline.${e.action}`, { defaultValue: t('timeline.other', { state: t(`state.${e.to}`, { defaultValue: e.to }) }) });
}

interface Row {
  key: string;
  at: string;
  text: string;
  orgId?: string | null;
  comment?: string | null;
  tone: 'normal' | 'warn';
}

export function useTimelineRows(entries: TimelineEntry[], audience: 'applicant' | 'staff'): Row[] {
  const { t } = useTranslation('appealsweb');
  const f = useFormat();
  const rows: Row[] = [];
  entries.forEach((e, i) => {
    const key = `${i}-${e.kind}`;
    if (e.kind === 'transition') {
      const showComment = audience === 'staff' || PUBLIC_COMMENT.has(e.action);
      // The system's routing note ("routing rule <id>") means nothing to a reader.
      const comment = e.action === 'route' && e.actorKind !== 'staff' ? null : e.comment;
      // The split part's entry names the organization the part went to.
      const orgId = NAMES_ORGANIZATION.has(e.action) ? e.organizationId : e.action === '$split' && typeof e.input.organizationId === 'string' ? e.input.organizationId : undefined;
      rows.push({ key, at: e.at, text: transitionText(t, e), orgId, comment: showComment ? comment : null, tone: e.action === 'dispute' ? 'warn' : 'normal' });
    } else if (e.kind === 'deadline_changed' && e.key === 'answer' && (e.change.kind === 'extension' || audience === 'staff')) {
      // A pause (information asked of the applicant) moves the term too; the applicant sees the request itself.
      const due = typeof e.change.toDueAt === 'string' ? e.change.toDueAt : null;
      rows.push({ key, at: e.at, text: due ? t('timeline.termChangedTo', { date: f.day(due) }) : t('timeline.termChanged'), tone: 'normal' });
    } else if (e.kind === 'deadline_ended' && e.key === 'answer' && e.status === 'breached') {
      rows.push({ key, at: e.at, text: t('timeline.termPassed'), tone: 'warn' });
    } else if (e.kind === 'escalation') {
      if (audience === 'staff') rows.push({ key, at: e.at, text: t('timeline.escalation', { level: e.level }), tone: 'warn' });
      else if (e.level === 2 && e.key === 'answer') rows.push({ key, at: e.at, text: t('timeline.deemedRefusal'), tone: 'warn' });
    } else if (audience === 'staff' && e.kind === 'deadline_started' && e.key === 'answer') {
      rows.push({ key, at: e.at, text: t('timeline.termStarted', { date: f.day(e.dueAt) }), tone: 'normal' });
    }
  });
  return rows;
}

export function Timeline({ entries, audience, headingLevel = 2 }: { entries: TimelineEntry[]; audience: 'applicant' | 'staff'; headingLevel?: 2 | 3 }) {
  const { t } = useTranslation('appealsweb');
  const f = useFormat();
  const rows = useTimelineRows(entries, audience);
  return (
    <section aria-labelledby="appeal-timeline-title">
      <Title order={headingLevel} size="h4" id="appeal-timeline-title" mb="sm">
        {t('timeline.title')}
      </Title>
      <Box component="ol" m={0} p={0} style={{ listStyle: 'none' }} data-testid="timeline">
        {rows.map((r, i) => (
          <Box
            component="li"
            key={r.key}
            pl="lg"
            pb={i === rows.length - 1 ? 0 : 'md'}
            style={{ position: 'relative', borderInlineStart: `2px solid ${i === rows.length - 1 ? 'transparent' : '#c3c8cd'}`, marginInlineStart: 6 }}
          >
            <Box
              aria-hidden="true"
              style={{
                position: 'absolute',
                insetInlineStart: -7,
                top: 3,
                width: 12,
                height: 12,
                borderRadius: 6,
                background: r.tone === 'warn' ? '#9b1c1c' : '#0b4f8a',
              }}
            />
            <Text size="sm" fw={600} lh={1.3} data-testid="timeline-text">
              {r.text}
              {r.orgId ? (
                <>
                  {': '}
                  <OrgName id={r.orgId} />
                </>
              ) : null}
            </Text>
            <Text size="xs" c="dimmed" component="time" dateTime={r.at}>
              {f.dateTime(r.at)}
            </Text>
            {r.comment ? (
              <Text size="sm" mt={2} style={{ whiteSpace: 'pre-wrap' }}>
                {r.comment}
              </Text>
            ) : null}
          </Box>
        ))}
      </Box>
    </section>
  );
}
