import { useState } from 'react';
import { ActionIcon, Alert, Box, Group, Input, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useFormat } from './format.ts';

/** What every appeals form accepts: the types the file store keeps (judged again by the server from the bytes), ten at most. */
export const MAX_FILES = 10;
export const ACCEPTED = ['image/jpeg', 'image/png', 'image/webp', 'application/pdf'];

/** The server's message for the files (`files` or `files.<n>`: too large, wrong type, too many), if any. */
export function filesError(error: (field: string) => string | undefined, count: number): string | undefined {
  return error('files') ?? Array.from({ length: Math.max(count, 1) }, (_, i) => error(`files.${i}`)).find(Boolean);
}

/**
 * Files for an appeal form (the citizen's photos, the information asked for, the operator's
 * registration): a plain file input with its label and hint, the chosen files with a remove
 * button each, files of other types named and left out, and the server's message underneath.
 */
export function FilesField({ id, label, files, onChange, error, hint }: { id: string; label: string; files: File[]; onChange: (files: File[]) => void; error?: string | undefined; hint?: string }) {
  const { t } = useTranslation('appealsweb');
  const f = useFormat();
  const [rejected, setRejected] = useState<string[]>([]);
  const add = (list: FileList | null) => {
    if (!list) return;
    const picked = [...list];
    setRejected(picked.filter((x) => !ACCEPTED.includes(x.type)).map((x) => x.name));
    onChange([...files, ...picked.filter((x) => ACCEPTED.includes(x.type))].slice(0, MAX_FILES));
  };
  return (
    <Box>
      <Text component="label" htmlFor={id} size="sm" fw={600} display="block">
        {label}
      </Text>
      <Text size="xs" c="dimmed" id={`${id}-hint`} mb={6}>
        {hint ?? t('new.photosHint', { max: MAX_FILES })}
      </Text>
      <input
        id={id}
        type="file"
        multiple
        accept={ACCEPTED.join(',')}
        aria-describedby={error ? `${id}-hint ${id}-error` : `${id}-hint`}
        aria-invalid={error ? true : undefined}
        disabled={files.length >= MAX_FILES}
        onChange={(e) => {
          add(e.currentTarget.files);
          e.currentTarget.value = '';
        }}
        style={{ maxWidth: '100%' }}
        data-testid={id}
      />
      {error && (
        <Input.Error mt={4} id={`${id}-error`}>
          {error}
        </Input.Error>
      )}
      {rejected.length > 0 && (
        <Alert color="orange" variant="light" role="status" mt="xs" data-testid={`${id}-rejected`}>
          {t('new.filesRejected', { names: rejected.join(', ') })}
        </Alert>
      )}
      {files.length > 0 && (
        <Stack gap={4} mt="sm" component="ul" style={{ listStyle: 'none', padding: 0 }} data-testid={`${id}-chosen`}>
          {files.map((file, i) => (
            <Group component="li" key={`${file.name}-${i}`} gap="xs" wrap="nowrap" justify="space-between">
              <Text size="sm" style={{ minWidth: 0, wordBreak: 'break-word' }}>
                {file.name} · {f.bytes(file.size)}
              </Text>
              <ActionIcon variant="subtle" color="red" aria-label={t('new.removeFile', { name: file.name })} onClick={() => onChange(files.filter((_, j) => j !== i))}>
                <span aria-hidden="true">✕</span>
              </ActionIcon>
            </Group>
          ))}
        </Stack>
      )}
    </Box>
  );
}

/** The JSON body and the files as one multipart form (`data` + `files`), as the appeals routes take it. */
export function withFiles(data: unknown, files: File[]): FormData {
  const form = new FormData();
  form.append('data', JSON.stringify(data));
  for (const file of files) form.append('files', file, file.name);
  return form;
}
