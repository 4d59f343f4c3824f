import { useRef, useState } from 'react';
import { Alert, Button, Group, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { ProblemAlert } from '../../../ui/ErrorDisplay.tsx';
import { categoryOptions } from './adminApi.ts';
import { ActionForm, type FieldSpec } from './ActionForm.tsx';
import { localized } from './format.ts';
import { Section } from './parts.tsx';
import type { AppealPage, Localized } from '../shared/types.ts';
import { useAppealAction, useCategories, useOrganizations, useStaff } from './staffApi.ts';

/**
 * What the viewer may do with the appeal now. The server lists the actions open to this user
 * (`actions` of the page); the screen offers exactly those, plus "propose forwarding", which an
 * organization does by returning the appeal to the coordination centre with the body it
 * proposes (the coordination centre forwards: APPC art. 65). "Split the part outside our
 * competence" (APPC art. 65: a new appeal) is among the page's `actions` when the server's
 * `maySplit` allows it (appeals.split.ts); the server still decides on submit.
 */

type Kind = 'request_info' | 'answer' | 'return' | 'propose' | 'split' | 'extend' | 'delegate' | 'reassign' | 'route' | 'forward';
const ORDER: Kind[] = ['answer', 'request_info', 'return', 'propose', 'split', 'extend', 'delegate', 'reassign', 'route', 'forward'];
/** The answer's decision (APPC: granted, partly granted, refused, explained). */
const DECISIONS = ['granted', 'partly_granted', 'refused', 'explained'] as const;

/** What `POST /api/appeals/:id/split` answers: the new appeal's slip. */
interface SplitSlip {
  appealId: string;
  slipNumber: string;
  organizationName: Localized | null;
}

export function AppealActions({ appeal }: { appeal: AppealPage }) {
  const { t } = useTranslation('appealsstaff');
  const [open, setOpen] = useState<Kind | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const doneRef = useRef<HTMLDivElement>(null);
  const action = useAppealAction(appeal);
  const needsOrgs = open === 'reassign' || open === 'route' || open === 'split';
  const orgs = useOrganizations(needsOrgs ? appeal.regionCode : undefined);
  const staff = useStaff(open === 'delegate' ? appeal.organization.id : undefined);
  const categories = useCategories(open === 'split' ? appeal.regionCode : undefined);

  // What the viewer may do comes from the server, `split` included (appeals.split.ts maySplit).
  const can = (a: string) => appeal.actions.includes(a);
  const available = new Set<Kind | 'accept'>();
  if (can('accept')) available.add('accept');
  for (const k of ORDER) if (k === 'propose' ? can('return') : can(k)) available.add(k);

  const finish = (message: string) => {
    setOpen(null);
    setDone(message);
    window.setTimeout(() => doneRef.current?.focus(), 50);
  };
  const run = async (path: string, body: Record<string, unknown>, message: string, files?: File[]) => {
    await action.mutateAsync({ path, body, ...(files ? { files } : {}) });
    finish(message);
  };

  const orgOptions = (orgs.data?.items ?? []).filter((o) => o.isActive && o.id !== appeal.organization.id).map((o) => ({ value: o.id, label: localized(o.name) }));
  const staffOptions = (staff.data?.items ?? []).map((s) => ({ value: s.id, label: `${s.displayName} — ${localized(s.position)}` }));
  const reason = (label = t('form.reason')): FieldSpec => ({ name: 'reason', kind: 'textarea', label, required: true, maxLength: 2000 });

  const forms: Record<Kind, { title: string; intro?: string; fields: FieldSpec[]; submit: string; aliases?: Record<string, string>; send: (v: Record<string, string>, files: File[]) => Promise<void> }> = {
    answer: {
      title: t('action.answer'),
      intro: t('action.answerIntro'),
      fields: [
        { name: 'decision', kind: 'select', label: t('form.decision'), required: true, options: DECISIONS.map((d) => ({ value: d, label: t(`decision.${d}`) })) },
        { name: 'text', kind: 'textarea', label: t('form.answerText'), required: true, maxLength: 20000 },
        { name: 'files', kind: 'files', label: t('form.files'), description: t('form.filesHint') },
      ],
      submit: t('action.answerSubmit'),
      aliases: { 'input.decision': 'decision' },
      send: (v, files) => run('answer', { decision: v.decision, text: v.text }, t('done.answer'), files),
    },
    request_info: {
      title: t('action.request_info'),
      intro: t('action.requestInfoIntro'),
      fields: [{ name: 'question', kind: 'textarea', label: t('form.question'), required: true, maxLength: 5000 }],
      submit: t('action.send'),
      aliases: { comment: 'question' },
      send: (v) => run('request-info', { question: v.question }, t('done.request_info')),
    },
    return: {
      title: t('action.return'),
      intro: t('action.returnIntro'),
      fields: [reason()],
      submit: t('action.returnSubmit'),
      aliases: { comment: 'reason' },
      send: (v) => run('return', { reason: v.reason }, t('done.return')),
    },
    propose: {
      title: t('action.propose'),
      intro: t('action.proposeIntro'),
      fields: [{ name: 'recipient', kind: 'text', label: t('form.recipient'), required: true, maxLength: 400 }, reason()],
      submit: t('action.proposeSubmit'),
      aliases: { comment: 'reason' },
      send: (v) => run('return', { reason: t('action.proposeReason', { recipient: v.recipient!.trim(), reason: v.reason!.trim() }) }, t('done.propose')),
    },
    split: {
      title: t('action.split'),
      intro: t('action.splitIntro'),
      fields: [
        { name: 'text', kind: 'textarea', label: t('form.splitText'), required: true, maxLength: 10000 },
        { name: 'categoryId', kind: 'select', label: t('form.splitCategory'), description: t('form.splitCategoryHint'), searchable: true, clearable: true, options: categoryOptions(categories.data?.items ?? [], { activeOnly: true }) },
        { name: 'organizationId', kind: 'select', label: t('form.splitOrganization'), description: t('form.splitOrganizationHint'), searchable: true, clearable: true, options: orgOptions },
      ],
      submit: t('action.splitSubmit'),
      send: async (v) => {
        const slip = (await action.mutateAsync({ path: 'split', body: { text: v.text, categoryId: v.categoryId || null, organizationId: v.organizationId || null } })) as unknown as SplitSlip;
        finish(t('done.split', { slip: slip.slipNumber, organization: localized(slip.organizationName) }));
      },
    },
    extend: {
      title: t('action.extend'),
      intro: t('action.extendIntro'),
      fields: [{ name: 'newDueDate', kind: 'date', label: t('form.newDueDate'), required: true }, reason(t('form.extendReason'))],
      submit: t('action.extendSubmit'),
      // The workflow engine names the term's input and the comment it requires.
      aliases: { 'input.newDueDate': 'newDueDate', comment: 'reason' },
      send: (v) => run('extend', { newDueDate: v.newDueDate, reason: v.reason }, t('done.extend')),
    },
    delegate: {
      title: t('action.delegate'),
      fields: [
        { name: 'assigneeId', kind: 'select', label: t('form.assignee'), required: true, searchable: true, options: staffOptions },
        { name: 'comment', kind: 'textarea', label: t('form.comment'), maxLength: 2000 },
      ],
      submit: t('action.delegateSubmit'),
      send: (v) => run('delegate', { assigneeId: v.assigneeId, comment: v.comment?.trim() || null }, t('done.delegate')),
    },
    reassign: {
      title: t('action.reassign'),
      fields: [{ name: 'organizationId', kind: 'select', label: t('form.organization'), required: true, searchable: true, options: orgOptions }, reason()],
      submit: t('action.reassignSubmit'),
      aliases: { comment: 'reason' },
      send: (v) => run('reassign', { organizationId: v.organizationId, reason: v.reason }, t('done.reassign')),
    },
    route: {
      title: t('action.route'),
      fields: [
        { name: 'organizationId', kind: 'select', label: t('form.organization'), required: true, searchable: true, options: orgOptions },
        { name: 'comment', kind: 'textarea', label: t('form.comment'), maxLength: 2000 },
      ],
      submit: t('action.routeSubmit'),
      send: (v) => run('route', { organizationId: v.organizationId, comment: v.comment?.trim() || null }, t('done.route')),
    },
    forward: {
      title: t('action.forward'),
      intro: t('action.forwardIntro'),
      fields: [{ name: 'recipient', kind: 'text', label: t('form.recipient'), required: true, maxLength: 500 }, reason()],
      submit: t('action.forwardSubmit'),
      aliases: { 'input.recipient': 'recipient', comment: 'reason' },
      send: (v) => run('forward', { recipient: v.recipient, reason: v.reason }, t('done.forward')),
    },
  };

  if (!available.size && !done) {
    return (
      <Section id="actions-title" title={t('appeal.actions')}>
        <Text c="dimmed">{t('appeal.noActions')}</Text>
      </Section>
    );
  }

  return (
    <Section id="actions-title" title={t('appeal.actions')}>
      <Stack gap="sm">
        {done && (
          <Alert ref={doneRef} tabIndex={-1} color="green" variant="light" role="status" data-testid="action-done">
            {done}
          </Alert>
        )}
        <Group gap="xs">
          {available.has('accept') && (
            <Button
              onClick={async () => {
                setDone(null);
                await action.mutateAsync({ path: 'accept' }).then(() => finish(t('done.accept')), () => undefined);
              }}
              loading={action.isPending && action.variables?.path === 'accept'}
              data-testid="action-accept"
            >
              {t('action.accept')}
            </Button>
          )}
          {ORDER.filter((k) => available.has(k)).map((k) => (
            <Button
              key={k}
              variant={open === k ? 'filled' : 'default'}
              aria-expanded={open === k}
              aria-controls={open === k ? `form-${k}` : undefined}
              onClick={() => {
                setDone(null);
                action.reset();
                setOpen(open === k ? null : k);
              }}
              data-testid={`action-${k}`}
            >
              {t(`action.${k}`)}
            </Button>
          ))}
        </Group>
        {action.error && action.variables?.path === 'accept' && <ProblemAlert error={action.error} />}
        {open && (
          <div id={`form-${open}`}>
            <ActionForm
              key={open}
              id={open}
              title={forms[open].title}
              {...(forms[open].intro ? { intro: forms[open].intro } : {})}
              fields={forms[open].fields}
              submitLabel={forms[open].submit}
              {...(forms[open].aliases ? { fieldAliases: forms[open].aliases } : {})}
              onSubmit={forms[open].send}
              onCancel={() => setOpen(null)}
            />
          </div>
        )}
      </Stack>
    </Section>
  );
}
