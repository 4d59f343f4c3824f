import { useState, type FormEvent } from 'react';
import { Button, Group, Select, Text, TextInput } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { api, ApiError } from '../../../api.ts';
import { ProblemAlert } from '../../../ui/ErrorDisplay.tsx';
import { Section } from './parts.tsx';

interface Preview {
  organizationId: string | null;
  ruleId: string | null;
  via: 'rule' | 'organization_kind' | 'none';
}

/** "Where would an appeal of this category on this territory go now?" — the rules as they stand. */
export function RoutePreview({ categoryOptions, orgName }: { categoryOptions: { value: string; label: string }[]; orgName: (id: string) => string }) {
  const { t } = useTranslation('appealsstaff');
  const [categoryId, setCategoryId] = useState<string | null>(null);
  const [territoryCode, setTerritoryCode] = useState('');
  const [result, setResult] = useState<Preview | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [missing, setMissing] = useState<string[]>([]);

  async function submit(e: FormEvent) {
    e.preventDefault();
    const empty = [...(categoryId ? [] : ['categoryId']), ...(territoryCode.trim() ? [] : ['territoryCode'])];
    setMissing(empty);
    setResult(null);
    setError(null);
    if (empty.length) return;
    try {
      setResult(await api<Preview>('/api/appeals/route-preview', { query: { categoryId, territoryCode: territoryCode.trim() } }));
    } catch (err) {
      setError(err);
    }
  }
  const fieldError = (f: string) => (missing.includes(f) ? t('form.required') : error instanceof ApiError ? error.fieldMessage(f) : undefined);

  return (
    <Section id="preview-title" title={t('routing.preview')}>
      <form onSubmit={submit} noValidate>
        <Group gap="sm" align="flex-start" wrap="wrap">
          <Select label={t('appeal.category')} data={categoryOptions} value={categoryId} onChange={setCategoryId} searchable required error={fieldError('categoryId')} w={{ base: '100%', sm: 320 }} />
          <TextInput label={t('routing.territoryCode')} description={t('routing.territoryHint')} value={territoryCode} onChange={(e) => setTerritoryCode(e.currentTarget.value)} inputMode="numeric" maxLength={9} required error={fieldError('territoryCode')} w={{ base: '100%', sm: 220 }} />
          <Button type="submit" variant="default" mt={{ base: 0, sm: 25 }}>
            {t('routing.check')}
          </Button>
        </Group>
        {error != null && (!(error instanceof ApiError) || error.isGeneral(['categoryId', 'territoryCode'])) ? <ProblemAlert error={error} /> : null}
        {result && (
          <Text mt="sm" fw={600} role="status" data-testid="route-preview">
            {result.organizationId ? t(`routing.via.${result.via}`, { organization: orgName(result.organizationId) }) : t('routing.via.none')}
          </Text>
        )}
      </form>
    </Section>
  );
}
