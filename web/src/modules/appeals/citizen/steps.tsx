import { Box, Checkbox, Input, NativeSelect, Radio, Stack, Text, Textarea, TextInput } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { AppealMap } from '../shared/AppealMap.tsx';
import { CategoryPicker } from '../shared/CategoryPicker.tsx';
import { ExtraFields } from '../shared/ExtraFields.tsx';
import { FilesField, filesError } from '../shared/FilesField.tsx';
import { useFormat } from '../shared/format.ts';
import { useRegions } from '../shared/queries.ts';
import { TerritorySelect } from '../shared/TerritorySelect.tsx';
import { APPEAL_TYPES, type AppealTypeCode, type Category } from '../shared/types.ts';
import { TEXT_MAX, type Draft } from './draft.ts';

/** The four steps of the citizen's form. Each gets the draft, a setter and the errors of its fields. */

export interface StepProps {
  draft: Draft;
  set: (patch: Partial<Draft>) => void;
  error: (field: string) => string | undefined;
}

export function KindStep({ draft, set, error, categories, category }: StepProps & { categories: Category[]; category: Category | undefined }) {
  const { t } = useTranslation('appealsweb');
  const f = useFormat();
  const regions = useRegions();
  return (
    <Stack gap="lg">
      <NativeSelect
        label={t('new.region')}
        value={draft.regionCode}
        data={(regions.data ?? []).map((r) => ({ value: r.code, label: f.pick(r.name) }))}
        onChange={(e) => set({ regionCode: e.currentTarget.value, categoryId: null, extra: {}, territoryCode: null })}
        error={error('regionCode')}
      />
      <Radio.Group label={t('new.type')} value={draft.type} onChange={(v) => set({ type: v as AppealTypeCode })} error={error('type')}>
        <Stack gap="sm" mt="xs">
          {APPEAL_TYPES.map((code) => (
            <Radio key={code} value={code} label={t(`type.${code}`)} description={t(`typeHint.${code}`)} data-testid={`type-${code}`} />
          ))}
        </Stack>
      </Radio.Group>
      <CategoryPicker categories={categories} value={draft.categoryId} onChange={(id) => set({ categoryId: id, extra: {} })} label={t('new.category')} error={error('categoryId')} />
      {category?.extraFields?.properties && Object.keys(category.extraFields.properties).length > 0 && (
        <Box component="fieldset" m={0} p={0} style={{ border: 0, minWidth: 0 }}>
          <Box component="legend" p={0} mb="xs" fw={600} fz="sm">
            {t('new.extraFields')}
          </Box>
          <ExtraFields schema={category.extraFields} values={draft.extra} onChange={(extra) => set({ extra })} errorFor={error} />
        </Box>
      )}
    </Stack>
  );
}

export function TextStep({ draft, set, error }: StepProps) {
  const { t } = useTranslation('appealsweb');
  const f = useFormat();
  return (
    <Stack gap="xs">
      <Textarea
        label={t('new.text')}
        description={t('new.textHint')}
        value={draft.text}
        onChange={(e) => set({ text: e.currentTarget.value })}
        autosize
        minRows={6}
        maxRows={16}
        maxLength={TEXT_MAX}
        required
        error={error('text')}
        data-testid="appeal-text"
      />
      <Text size="xs" c="dimmed" ta="end">
        {t('new.textCount', { used: f.number(draft.text.length), max: f.number(TEXT_MAX) })}
      </Text>
    </Stack>
  );
}

export function WhereStep({ draft, set, error }: StepProps) {
  const { t } = useTranslation('appealsweb');
  const f = useFormat();
  const locate = () =>
    navigator.geolocation?.getCurrentPosition(
      (p) => set({ location: { lat: Math.round(p.coords.latitude * 1e5) / 1e5, lon: Math.round(p.coords.longitude * 1e5) / 1e5 } }),
      () => undefined,
      { enableHighAccuracy: true, timeout: 10_000 },
    );
  return (
    <Stack gap="md">
      <Text size="sm">{t('new.whereHint')}</Text>
      <Box>
        <Text size="sm" fw={600} mb={4}>
          {t('new.mapLabel')}
        </Text>
        <AppealMap label={t('new.mapLabel')} pick={{ value: draft.location, onChange: (location) => set({ location }) }} height={260} testId="pick-map" />
        {typeof navigator !== 'undefined' && 'geolocation' in navigator && (
          <Text size="xs" mt={4}>
            <Box component="button" type="button" onClick={locate} style={{ background: 'none', border: 0, padding: 0, color: 'var(--mantine-color-blue-8)', textDecoration: 'underline', cursor: 'pointer', font: 'inherit' }}>
              {t('new.useMyLocation')}
            </Box>
          </Text>
        )}
        <Text size="sm" mt={4} aria-live="polite" data-testid="pin-status">
          {draft.location ? t('new.pinned', { lat: f.number(draft.location.lat, { maximumFractionDigits: 5 }), lon: f.number(draft.location.lon, { maximumFractionDigits: 5 }) }) : t('new.notPinned')}
        </Text>
        {error('location') && <Input.Error mt={4}>{error('location')}</Input.Error>}
      </Box>
      <TerritorySelect
        regionCode={draft.regionCode}
        value={draft.territoryCode}
        onChange={(territoryCode) => set({ territoryCode })}
        label={t('new.territory')}
        error={error('territoryCode')}
      />
      <TextInput label={t('new.address')} description={t('new.addressHint')} value={draft.address} onChange={(e) => set({ address: e.currentTarget.value })} maxLength={500} error={error('address')} autoComplete="street-address" />
    </Stack>
  );
}

export function PhotosStep({ draft, set, error }: StepProps) {
  const { t } = useTranslation('appealsweb');
  return (
    <Stack gap="md">
      <FilesField id="appeal-files" label={t('new.photos')} files={draft.files} onChange={(files) => set({ files })} error={filesError(error, draft.files.length)} />
      <Checkbox
        checked={draft.isPublic}
        onChange={(e) => set({ isPublic: e.currentTarget.checked })}
        label={t('new.consent')}
        description={t('new.consentHint')}
        error={error('isPublic')}
        data-testid="consent"
      />
    </Stack>
  );
}
