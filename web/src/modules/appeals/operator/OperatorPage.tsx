import { useEffect, useMemo, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import { Button, Card, Checkbox, Group, Kbd, NativeSelect, SimpleGrid, Stack, Text, Textarea, TextInput, Title } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, ApiError } from '../../../api.ts';
import { Loading, ProblemAlert } from '../../../ui/ErrorDisplay.tsx';
import { usePageTitle } from '../../../ui/page.ts';
import { useSession } from '../../../ui/session.ts';
import { buildTree } from '../shared/categories.ts';
import { CategorySelect } from '../shared/CategoryPicker.tsx';
import { cleanExtra, ExtraFields, type ExtraValues } from '../shared/ExtraFields.tsx';
import { FilesField, filesError, withFiles } from '../shared/FilesField.tsx';
import { useFormat } from '../shared/format.ts';
import { DEFAULT_REGION, useCategories } from '../shared/queries.ts';
import { SlipCard } from '../shared/SlipCard.tsx';
import { TerritorySelect } from '../shared/TerritorySelect.tsx';
import { APPEAL_TYPES, type AppealTypeCode, type Slip } from '../shared/types.ts';
import { CallerChoice, CallerSearch, EarlierAppeals, searchBody, type CallerResult, type NewCaller } from './CallerPanel.tsx';

const NO_CALLER: NewCaller = { iin: '', lastName: '', firstName: '', middleName: '', phone: '' };
const FORM_FIELDS = ['type', 'categoryId', 'text', 'territoryCode', 'address', 'isPublic', 'applicant', 'applicant.iin', 'applicant.lastName', 'applicant.firstName', 'applicant.phone'];

/**
 * The call-centre console, keyboard first. Tab from the heading to the search; the caller's
 * IIN or phone + Enter finds them and their earlier appeals, and focus jumps to the category
 * (type a word, Enter); Tab to the text; Ctrl+Enter registers. The territory is taken from the
 * caller's latest appeal and can be changed. The slip number is then shown large, with the
 * registration day and deadline, to read back; "Next call" (Alt+N) clears everything.
 */
export default function OperatorPage() {
  const { t } = useTranslation('appealsweb');
  const f = useFormat();
  usePageTitle(t('operator.title'));
  const { me } = useSession();
  const regionCode = me?.regionCode ?? DEFAULT_REGION;
  const categories = useCategories(regionCode);
  const tree = useMemo(() => buildTree(categories.data ?? []), [categories.data]);

  const [query, setQuery] = useState('');
  const [personId, setPersonId] = useState<string | null>(null);
  const [anonymous, setAnonymous] = useState(false);
  const [newCaller, setNewCaller] = useState<NewCaller>(NO_CALLER);
  const [type, setType] = useState<AppealTypeCode>('statement');
  const [categoryId, setCategoryId] = useState<string | null>(null);
  const [extra, setExtra] = useState<ExtraValues>({});
  const [text, setText] = useState('');
  const [territoryCode, setTerritoryCode] = useState<string | null>(null);
  const [address, setAddress] = useState('');
  const [isPublic, setIsPublic] = useState(false);
  const [files, setFiles] = useState<File[]>([]);
  const [missing, setMissing] = useState<Record<string, string>>({});
  const [slip, setSlip] = useState<Slip | null>(null);
  const idempotencyKey = useRef(crypto.randomUUID());
  const searchRef = useRef<HTMLInputElement>(null);
  const slipRef = useRef<HTMLHeadingElement>(null);
  const category = categoryId ? tree.byId.get(categoryId) : undefined;

  const search = useMutation({
    mutationFn: () => api<CallerResult>('/api/appeals/callers/search', { method: 'POST', body: searchBody(query) }),
    onSuccess: (r) => {
      const first = r.people[0] ?? null;
      setPersonId(first?.id ?? null);
      const body = searchBody(query);
      if (!first) setNewCaller({ ...NO_CALLER, ...('iin' in body ? { iin: body.iin } : { phone: body.phone }) });
      const latest = r.appeals.find((a) => a.regionCode === regionCode);
      if (latest && !territoryCode) setTerritoryCode(latest.territoryCode);
      // Straight on to what the call is about.
      window.setTimeout(() => document.getElementById('op-category')?.focus(), 0);
    },
  });

  const register = useMutation({
    mutationFn: () => {
      const person = search.data?.people.find((p) => p.id === personId);
      const applicant = anonymous
        ? undefined
        : person
          ? { iin: person.iin }
          : Object.fromEntries(Object.entries(newCaller).filter(([, v]) => v.trim()).map(([k, v]) => [k, v.trim()]));
      const body = {
        type,
        categoryId,
        text: text.trim(),
        ...(territoryCode ? { territoryCode } : {}),
        ...(address.trim() ? { address: address.trim() } : {}),
        lang: f.lang,
        isPublic,
        ...(anonymous ? { isAnonymous: true } : { applicant }),
        ...(cleanExtra(category?.extraFields ?? null, extra) ? { extra: cleanExtra(category?.extraFields ?? null, extra) } : {}),
      };
      return api<Slip>('/api/appeals/operator', { method: 'POST', body: files.length ? withFiles(body, files) : body, headers: { 'idempotency-key': idempotencyKey.current } });
    },
    onSuccess: (s) => setSlip(s),
  });

  useEffect(() => {
    if (slip) slipRef.current?.focus();
  }, [slip]);

  function nextCall() {
    setQuery('');
    setPersonId(null);
    setAnonymous(false);
    setNewCaller(NO_CALLER);
    setType('statement');
    setCategoryId(null);
    setExtra({});
    setText('');
    setTerritoryCode(null);
    setAddress('');
    setIsPublic(false);
    setFiles([]);
    setMissing({});
    setSlip(null);
    search.reset();
    register.reset();
    idempotencyKey.current = crypto.randomUUID();
    window.setTimeout(() => searchRef.current?.focus(), 0);
  }

  useEffect(() => {
    const onKey = (e: globalThis.KeyboardEvent) => {
      if (e.altKey && (e.key === 'n' || e.code === 'KeyN')) {
        e.preventDefault();
        nextCall();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  });

  function submit(e?: FormEvent) {
    e?.preventDefault();
    const m: Record<string, string> = {};
    if (!categoryId) m.categoryId = t('new.required.category');
    if (!text.trim()) m.text = t('new.required.text');
    if (!territoryCode) m.territoryCode = t('new.required.territory');
    setMissing(m);
    if (Object.keys(m).length) {
      window.setTimeout(() => document.querySelector<HTMLElement>('#operator-form [aria-invalid="true"]')?.focus(), 0);
      return;
    }
    register.mutate();
  }

  const onFormKey = (e: KeyboardEvent) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) submit(e as unknown as FormEvent);
  };
  const serverError = (field: string) => (register.error instanceof ApiError ? register.error.fieldMessage(field) : undefined);
  const err = (field: string) => missing[field] ?? serverError(field);
  const general = register.error instanceof ApiError && !register.error.isGeneral([...FORM_FIELDS, 'files', ...files.map((_, i) => `files.${i}`)]) ? undefined : register.error;
  const categoryName = (id: string) => f.pick(tree.byId.get(id)?.name);

  return (
    <Stack gap="md">
      <Group justify="space-between" align="flex-end" wrap="wrap">
        <Title order={1} size="h2">
          {t('operator.title')}
        </Title>
        <Text size="xs" c="dimmed">
          <Kbd>Ctrl</Kbd> + <Kbd>Enter</Kbd> {t('operator.keyRegister')} · <Kbd>Alt</Kbd> + <Kbd>N</Kbd> {t('operator.keyNext')}
        </Text>
      </Group>

      {slip && (
        <SlipCard slip={slip} title={t('operator.slipTitle')} ref={slipRef}>
          <Text size="sm" mt="sm" fw={600}>
            {t('operator.readBack', { slip: slip.slipNumber })}
          </Text>
          <Group mt="md">
            <Button onClick={nextCall} data-testid="next-call">
              {t('operator.nextCall')}
            </Button>
          </Group>
        </SlipCard>
      )}

      {!slip && (
        <SimpleGrid cols={{ base: 1, md: 2 }} spacing="lg" style={{ alignItems: 'start' }}>
          <Stack gap="md" component="section" aria-labelledby="caller-title">
            <Title order={2} size="h4" id="caller-title">
              {t('operator.callerTitle')}
            </Title>
            <CallerSearch ref={searchRef} value={query} onChange={setQuery} onSearch={() => query.trim() && search.mutate()} pending={search.isPending} error={search.error} />
            <CallerChoice
              result={search.data}
              personId={personId}
              onPerson={setPersonId}
              anonymous={anonymous}
              onAnonymous={setAnonymous}
              newCaller={newCaller}
              onNewCaller={setNewCaller}
              errorFor={serverError}
            />
            {search.data && <EarlierAppeals items={search.data.appeals} categoryName={categoryName} />}
          </Stack>

          <Card withBorder padding="md" radius="md" component="section" aria-labelledby="appeal-form-title">
            <form id="operator-form" onSubmit={submit} onKeyDown={onFormKey} noValidate>
              <Stack gap="sm">
                <Title order={2} size="h4" id="appeal-form-title">
                  {t('operator.appealTitle')}
                </Title>
                {categories.isPending ? (
                  <Loading />
                ) : (
                  <CategorySelect id="op-category" categories={categories.data ?? []} value={categoryId} onChange={(v) => (setCategoryId(v), setExtra({}))} label={t('new.category')} error={err('categoryId')} />
                )}
                {category?.extraFields?.properties && (
                  <ExtraFields schema={category.extraFields} values={extra} onChange={setExtra} errorFor={serverError} idPrefix="op-extra" />
                )}
                <Textarea id="op-text" label={t('operator.text')} value={text} onChange={(e) => setText(e.currentTarget.value)} autosize minRows={3} maxLength={10000} required error={err('text')} data-testid="op-text" />
                <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="sm">
                  <NativeSelect label={t('new.type')} value={type} onChange={(e) => setType(e.currentTarget.value as AppealTypeCode)} data={APPEAL_TYPES.map((c) => ({ value: c, label: t(`type.${c}`) }))} error={err('type')} />
                  <TerritorySelect regionCode={regionCode} value={territoryCode} onChange={setTerritoryCode} label={t('new.territory')} error={err('territoryCode')} required />
                </SimpleGrid>
                <TextInput label={t('new.address')} value={address} onChange={(e) => setAddress(e.currentTarget.value)} maxLength={500} error={err('address')} autoComplete="off" />
                <FilesField id="op-files" label={t('operator.files')} files={files} onChange={setFiles} error={filesError(serverError, files.length)} />
                <Checkbox label={t('operator.consent')} checked={isPublic} onChange={(e) => setIsPublic(e.currentTarget.checked)} />
                {general ? <ProblemAlert error={general} /> : null}
                <Group>
                  <Button type="submit" loading={register.isPending} data-testid="op-register">
                    {t('operator.register')}
                  </Button>
                </Group>
              </Stack>
            </form>
          </Card>
        </SimpleGrid>
      )}
    </Stack>
  );
}
