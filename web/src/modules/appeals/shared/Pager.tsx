import { Group, Pagination, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useFormat } from './format.ts';

/**
 * Pages of a long list (the server pages with limit/offset): "21–40 of 132" and page buttons
 * named in the user's language.
 */
export function Pager({ total, limit, offset, onOffset, label }: { total: number; limit: number; offset: number; onOffset: (offset: number) => void; label: string }) {
  const { t } = useTranslation('appealsweb');
  const f = useFormat();
  const pages = Math.max(1, Math.ceil(total / limit));
  const page = Math.floor(offset / limit) + 1;
  const from = total === 0 ? 0 : offset + 1;
  const to = Math.min(offset + limit, total);
  return (
    <Group justify="space-between" gap="xs" wrap="wrap" component="nav" aria-label={label}>
      <Text size="sm" c="dimmed" aria-live="polite">
        {t('pager.range', { from: f.number(from), to: f.number(to), total: f.number(total) })}
      </Text>
      {pages > 1 && (
        <Pagination
          total={pages}
          value={page}
          onChange={(p) => onOffset((p - 1) * limit)}
          size="sm"
          siblings={0}
          boundaries={1}
          getItemProps={(p) => ({ 'aria-label': t('pager.page', { page: p }), 'aria-current': p === page ? 'page' : undefined })}
          getControlProps={(control) => ({
            'aria-label': t(`pager.${control}`),
          })}
        />
      )}
    </Group>
  );
}
