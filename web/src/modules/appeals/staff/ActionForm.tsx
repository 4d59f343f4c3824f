import { useEffect, useRef, useState, type FormEvent } from 'react';
import { Button, Card, Checkbox, FileInput, Group, Select, Stack, Text, Textarea, TextInput } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../../api.ts';
import { ProblemAlert } from '../../../ui/ErrorDisplay.tsx';

/**
 * One form for every lifecycle action: fields described as data, required fields checked in the
 * browser, and the server's problem+json shown next to the field it names (in the user's
 * language: the request carries it). What no field claims is shown above the buttons.
 */

export type FieldSpec =
  | {
      name: string;
      kind: 'textarea' | 'text' | 'date';
      label: string;
      required?: boolean;
      description?: string;
      maxLength?: number;
      /** Checked in the browser, so the message is in the user's words rather than a schema's. */
      pattern?: RegExp;
      patternMessage?: string;
      inputMode?: 'numeric' | 'text';
    }
  | { name: string; kind: 'select'; label: string; required?: boolean; description?: string; options: { value: string; label: string }[]; searchable?: boolean; clearable?: boolean }
  | { name: string; kind: 'files'; label: string; description?: string }
  | { name: string; kind: 'checkbox'; label: string; description?: string };

export interface ActionFormProps {
  id: string;
  title: string;
  intro?: string;
  fields: FieldSpec[];
  /** Values the form starts with (editing); checkboxes hold '1' or ''. */
  initial?: Record<string, string>;
  submitLabel: string;
  /** Extra fields the server may name (e.g. a proposal's parts mapped onto `reason`). */
  fieldAliases?: Record<string, string>;
  onSubmit: (values: Record<string, string>, files: File[]) => Promise<unknown>;
  onCancel: () => void;
}

export const ACCEPTED_FILES = 'image/jpeg,image/png,image/webp,application/pdf';

export function ActionForm({ id, title, intro, fields, initial = {}, submitLabel, fieldAliases = {}, onSubmit, onCancel }: ActionFormProps) {
  const { t } = useTranslation('appealsstaff');
  const [values, setValues] = useState<Record<string, string>>(initial);
  const [files, setFiles] = useState<File[]>([]);
  const [missing, setMissing] = useState<Map<string, string>>(new Map());
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const formRef = useRef<HTMLFormElement>(null);

  // Opening a form moves focus into it, so a keyboard user continues where the work is.
  useEffect(() => {
    formRef.current?.querySelector<HTMLElement>('input, textarea, button[aria-haspopup], [role="combobox"]')?.focus();
  }, []);

  const serverMessage = (name: string): string | undefined => {
    if (!(error instanceof ApiError)) return undefined;
    const own = error.errors.find((e) => e.field === name || (fieldAliases[e.field] ?? '') === name || (name === 'files' && e.field.startsWith('files')));
    return own?.message;
  };
  const known = fields.map((f) => f.name).concat(Object.keys(fieldAliases), fields.some((f) => f.kind === 'files') ? files.map((_, i) => `files.${i}`).concat('files') : []);

  async function submit(e: FormEvent) {
    e.preventDefault();
    const empty = new Map<string, string>();
    for (const f of fields) {
      const v = (values[f.name] ?? '').trim();
      if (f.kind === 'files' || f.kind === 'checkbox') continue;
      if (f.required && !v) empty.set(f.name, t('form.required'));
      else if (v && 'pattern' in f && f.pattern && !f.pattern.test(v)) empty.set(f.name, f.patternMessage ?? t('form.invalid'));
    }
    setMissing(empty);
    setError(null);
    if (empty.size) {
      formRef.current?.querySelector<HTMLElement>(`[data-field="${[...empty.keys()][0]}"]`)?.focus();
      return;
    }
    setBusy(true);
    try {
      await onSubmit(values, files);
    } catch (err) {
      setError(err);
      // Focus the first field the server named; else the alert is announced on its own.
      if (err instanceof ApiError) {
        const named = err.errors.map((x) => (x.field.startsWith('files') ? 'files' : (fieldAliases[x.field] ?? x.field))).find((n) => fields.some((f) => f.name === n));
        if (named) window.setTimeout(() => formRef.current?.querySelector<HTMLElement>(`[data-field="${named}"]`)?.focus(), 0);
      }
    } finally {
      setBusy(false);
    }
  }

  const errorOf = (name: string) => missing.get(name) ?? serverMessage(name);
  const set = (name: string, v: string) => {
    setValues((prev) => ({ ...prev, [name]: v }));
    // A message about an empty or malformed value goes once the user changes it.
    if (missing.has(name)) setMissing((prev) => new Map([...prev].filter(([k]) => k !== name)));
  };

  return (
    <Card withBorder padding="md" radius="md" component="section" aria-labelledby={`${id}-title`}>
      <form ref={formRef} onSubmit={submit} noValidate data-testid={`form-${id}`}>
        <Stack gap="sm">
          <Text component="h3" id={`${id}-title`} fw={700} fz="md" m={0}>
            {title}
          </Text>
          {intro && <Text size="sm">{intro}</Text>}
          {fields.map((f) => {
            const common = { label: f.label, error: errorOf(f.name), 'data-field': f.name, name: f.name };
            if (f.kind === 'textarea') {
              return <Textarea key={f.name} {...common} required={f.required} description={f.description} autosize minRows={3} maxRows={12} maxLength={f.maxLength} value={values[f.name] ?? ''} onChange={(e) => set(f.name, e.currentTarget.value)} />;
            }
            if (f.kind === 'text' || f.kind === 'date') {
              return <TextInput key={f.name} {...common} type={f.kind === 'date' ? 'date' : 'text'} inputMode={f.inputMode} required={f.required} description={f.description} maxLength={f.maxLength} value={values[f.name] ?? ''} onChange={(e) => set(f.name, e.currentTarget.value)} />;
            }
            if (f.kind === 'checkbox') {
              return <Checkbox key={f.name} {...common} description={f.description} checked={values[f.name] === '1'} onChange={(e) => set(f.name, e.currentTarget.checked ? '1' : '')} />;
            }
            if (f.kind === 'select') {
              return (
                <Select
                  key={f.name}
                  {...common}
                  required={f.required}
                  description={f.description}
                  data={f.options}
                  searchable={f.searchable}
                  clearable={f.clearable}
                  // The form moves the focus to a field the server named: an open list would cover the message under it.
                  openOnFocus={false}
                  value={values[f.name] || null}
                  onChange={(v) => set(f.name, v ?? '')}
                  comboboxProps={{ withinPortal: true }}
                />
              );
            }
            return (
              <FileInput
                key={f.name}
                {...common}
                description={f.description}
                multiple
                clearable
                accept={ACCEPTED_FILES}
                value={files}
                onChange={(v) => setFiles(v ?? [])}
                placeholder={t('form.chooseFiles')}
                clearButtonProps={{ 'aria-label': t('form.clearFiles') }}
              />
            );
          })}
          {error != null && (!(error instanceof ApiError) || error.isGeneral(known)) ? <ProblemAlert error={error} /> : null}
          <Group gap="sm">
            <Button type="submit" loading={busy} data-testid={`submit-${id}`}>
              {submitLabel}
            </Button>
            <Button type="button" variant="default" onClick={onCancel} disabled={busy}>
              {t('form.cancel')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Card>
  );
}
