import { useEffect, useMemo, useRef, useState, type FormEvent } from 'react';
import { Box, Button, Group, Progress, Stack, Text, Title } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api } from '../../../api.ts';
import { Loading, ProblemAlert } from '../../../ui/ErrorDisplay.tsx';
import { usePageTitle } from '../../../ui/page.ts';
import { buildTree, categoryPath } from '../shared/categories.ts';
import { useFormat } from '../shared/format.ts';
import { DEFAULT_REGION, useCategories } from '../shared/queries.ts';
import { SlipCard } from '../shared/SlipCard.tsx';
import type { Slip } from '../shared/types.ts';
import { missing, splitErrors, stepOf, STEPS, toFormData, type Draft, type Step } from './draft.ts';
import { KindStep, PhotosStep, TextStep, WhereStep } from './steps.tsx';

const EMPTY: Draft = { regionCode: DEFAULT_REGION, type: 'statement', categoryId: null, extra: {}, text: '', location: null, territoryCode: null, address: '', files: [], isPublic: false };

/**
 * Filing an appeal, phone first: four short steps (what kind, what happened, where, photos and
 * consent), then the slip on screen. Each step checks its own fields; the server's errors are
 * shown under the field they name, on the step where it is entered. One Idempotency-Key per
 * draft makes a retry after a lost connection return the same slip instead of a second appeal.
 */
export default function NewAppealPage() {
  const { t } = useTranslation('appealsweb');
  const f = useFormat();
  usePageTitle(t('new.title'));
  const qc = useQueryClient();
  const [draft, setDraft] = useState<Draft>(EMPTY);
  const [step, setStep] = useState<Step>('kind');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [slip, setSlip] = useState<Slip | null>(null);
  const idempotencyKey = useRef(crypto.randomUUID());
  const stepHeading = useRef<HTMLHeadingElement>(null);
  const slipHeading = useRef<HTMLHeadingElement>(null);
  const moved = useRef(false);

  const categories = useCategories(draft.regionCode);
  const tree = useMemo(() => buildTree(categories.data ?? []), [categories.data]);
  const category = draft.categoryId ? tree.byId.get(draft.categoryId) : undefined;
  const index = STEPS.indexOf(step);

  const set = (patch: Partial<Draft>) => {
    setDraft((d) => ({ ...d, ...patch }));
    // A changed field drops its error; a new pin or territory settles the place.
    setErrors((e) => {
      const next = { ...e };
      for (const k of Object.keys(patch)) for (const field of Object.keys(next)) if (field === k || field.startsWith(`${k}.`)) delete next[field];
      if ('location' in patch || 'territoryCode' in patch) for (const field of ['location', 'territoryCode']) delete next[field];
      return next;
    });
  };
  const error = (field: string) => {
    const v = errors[field];
    return v?.startsWith('@') ? t(v.slice(1)) : v;
  };

  // A new step (or the slip) takes focus, so the reader hears where they are.
  useEffect(() => {
    if (!moved.current) return;
    (slip ? slipHeading : stepHeading).current?.focus();
  }, [step, slip]);

  const submit = useMutation({
    mutationFn: () => api<Slip>('/api/appeals', { method: 'POST', body: toFormData(draft, category, f.lang), headers: { 'idempotency-key': idempotencyKey.current } }),
    onSuccess: (s) => {
      moved.current = true;
      setSlip(s);
      void qc.invalidateQueries({ queryKey: ['appeals', 'mine'] });
    },
    onError: (err) => {
      const { fields } = splitErrors(err);
      setErrors(fields);
      const first = Object.keys(fields).map(stepOf).find(Boolean);
      if (first && first !== step) {
        moved.current = true;
        setStep(first);
      }
    },
  });

  function next(e: FormEvent) {
    e.preventDefault();
    const found = missing(step, draft, category);
    setErrors(found);
    if (Object.keys(found).length) {
      // Focus the first field at fault (WCAG 3.3.1): its message is tied to it.
      window.setTimeout(() => document.querySelector<HTMLElement>('[aria-invalid="true"] input, input[aria-invalid="true"], textarea[aria-invalid="true"], [aria-invalid="true"]')?.focus(), 0);
      return;
    }
    if (index < STEPS.length - 1) {
      moved.current = true;
      setStep(STEPS[index + 1]!);
    } else submit.mutate();
  }

  function back() {
    moved.current = true;
    setErrors({});
    setStep(STEPS[index - 1]!);
  }

  if (slip) {
    return (
      <Stack gap="lg" maw={720}>
        <Title order={1} size="h2">
          {t('new.doneTitle')}
        </Title>
        <SlipCard slip={slip} title={t('new.slipTitle')} ref={slipHeading}>
          <Text size="sm" mt="sm">
            {t('new.slipSent')}
          </Text>
        </SlipCard>
        <Group gap="sm" grow preventGrowOverflow={false} wrap="wrap">
          <Button component={Link} to={`/my-appeals/${slip.appealId}`}>
            {t('new.openAppeal')}
          </Button>
          <Button component={Link} to="/my-appeals" variant="default">
            {t('mine.title')}
          </Button>
        </Group>
      </Stack>
    );
  }

  const { general } = splitErrors(submit.error);
  const stepProps = { draft, set, error };
  return (
    <Stack gap="md" maw={720}>
      <Title order={1} size="h2">
        {t('new.title')}
      </Title>
      <Box>
        <Text size="sm" c="dimmed">
          {t('new.stepOf', { n: index + 1, total: STEPS.length })}
        </Text>
        {/* The words above say the same; the bar is only a picture of it. */}
        <Box aria-hidden="true" mt={4}>
          <Progress value={((index + 1) / STEPS.length) * 100} size="sm" />
        </Box>
      </Box>
      <form onSubmit={next} noValidate aria-labelledby="step-title">
        <Stack gap="lg">
          <Title order={2} size="h3" id="step-title" ref={stepHeading} tabIndex={-1}>
            {t(`new.step.${step}`)}
          </Title>
          {step === 'kind' &&
            (categories.isPending ? <Loading /> : categories.error ? <ProblemAlert error={categories.error} /> : <KindStep {...stepProps} categories={categories.data ?? []} category={category} />)}
          {step === 'text' && <TextStep {...stepProps} />}
          {step === 'where' && <WhereStep {...stepProps} />}
          {step === 'photos' && (
            <>
              <PhotosStep {...stepProps} />
              <Summary draft={draft} categoryLabel={draft.categoryId ? categoryPath(tree, draft.categoryId, f.lang) : ''} />
            </>
          )}
          {general && <ProblemAlert error={general} title={t('new.sendFailed')} />}
          <Group justify="space-between" gap="sm" wrap="wrap-reverse">
            {index > 0 ? (
              <Button variant="default" onClick={back} disabled={submit.isPending}>
                {t('new.back')}
              </Button>
            ) : (
              <span />
            )}
            <Button type="submit" loading={submit.isPending} data-testid="step-next">
              {index < STEPS.length - 1 ? t('new.next') : t('new.send')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Stack>
  );
}

function Summary({ draft, categoryLabel }: { draft: Draft; categoryLabel: string }) {
  const { t } = useTranslation('appealsweb');
  const rows: [string, string][] = [
    [t('new.type'), t(`type.${draft.type}`)],
    [t('new.category'), categoryLabel],
    [t('new.placeShort'), draft.location ? t('new.placePin') : draft.territoryCode ? t('new.placeTerritory') : '—'],
    [t('new.photos'), String(draft.files.length)],
  ];
  return (
    <Box component="section" aria-labelledby="summary-title" p="md" bg="gray.0" style={{ borderRadius: 8 }}>
      <Title order={3} size="h5" id="summary-title" mb="xs">
        {t('new.summary')}
      </Title>
      <Box component="dl" m={0}>
        {rows.map(([k, v]) => (
          <Group key={k} gap={6} wrap="wrap" align="baseline">
            <Text component="dt" size="sm" c="dimmed">
              {k}:
            </Text>
            <Text component="dd" m={0} size="sm" fw={600}>
              {v}
            </Text>
          </Group>
        ))}
      </Box>
    </Box>
  );
}
