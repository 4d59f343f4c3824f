import { Checkbox, NativeSelect, NumberInput, Stack, Textarea, TextInput } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useFormat } from './format.ts';
import type { ExtraFieldSchema, ExtraFieldsSchema, Localized } from './types.ts';

/**
 * A category's extra fields (a JSON Schema of an object) as form inputs: strings, numbers,
 * booleans and choices (`enum`/`oneOf`). Labels come from the schema's `title` (or `x-title`,
 * `description`) when given in kk/ru/en; a plain-text title is used only when the catalog has
 * no words for the field (`appealsweb:extra.<name>`). The server checks the values against the
 * same schema and names `extra.<field>` in its errors, shown under the field.
 */

export type ExtraValues = Record<string, unknown>;

export function fieldOrder(schema: ExtraFieldsSchema): string[] {
  const props = Object.keys(schema.properties ?? {});
  const order = schema['x-order']?.filter((k) => props.includes(k)) ?? [];
  return [...order, ...props.filter((k) => !order.includes(k))];
}

function isLocalized(v: unknown): v is Localized {
  return !!v && typeof v === 'object' && 'ru' in (v as object);
}

/** Values ready to send: empty strings dropped, numbers as numbers. */
export function cleanExtra(schema: ExtraFieldsSchema | null, values: ExtraValues): ExtraValues | undefined {
  if (!schema?.properties) return undefined;
  const out: ExtraValues = {};
  for (const [k, v] of Object.entries(values)) {
    if (!(k in schema.properties)) continue;
    if (v === '' || v === undefined || v === null) continue;
    out[k] = v;
  }
  return Object.keys(out).length ? out : undefined;
}

/** A field's label in the current language (schema texts in kk/ru/en, then the catalog, then the schema's plain text). */
export function useExtraLabel() {
  const { t, i18n } = useTranslation('appealsweb');
  const f = useFormat();
  return (name: string, p: ExtraFieldSchema | undefined): string => {
    for (const v of [p?.['x-title'], p?.title, p?.description]) if (isLocalized(v)) return f.pick(v);
    const key = `appealsweb:extra.${name}`;
    if (i18n.exists(key)) return t(key);
    const plain = [p?.title, p?.description].find((v) => typeof v === 'string');
    return (plain as string | undefined) ?? name;
  };
}

export function ExtraFields({
  schema,
  values,
  onChange,
  errorFor,
  idPrefix = 'extra',
}: {
  schema: ExtraFieldsSchema;
  values: ExtraValues;
  onChange: (v: ExtraValues) => void;
  /** The server's message for `extra.<name>`, if any. */
  errorFor?: (field: string) => string | undefined;
  idPrefix?: string;
}) {
  const { t, i18n } = useTranslation('appealsweb');
  const f = useFormat();
  const label = useExtraLabel();
  const required = new Set(schema.required ?? []);

  const set = (name: string, v: unknown) => onChange({ ...values, [name]: v });

  return (
    <Stack gap="sm">
      {fieldOrder(schema).map((name) => {
        const p = schema.properties![name]!;
        const type = Array.isArray(p.type) ? p.type.find((x) => x !== 'null') : p.type;
        const common = { id: `${idPrefix}-${name}`, label: label(name, p), required: required.has(name), error: errorFor?.(`extra.${name}`) };
        const options = p.oneOf?.map((o) => ({ value: String(o.const), label: o.title ? f.pick(o.title) : String(o.const) })) ??
          p.enum?.map((v, i) => ({ value: String(v), label: p.enumNames?.[i] ? f.pick(p.enumNames[i]!) : String(v) }));
        if (options) {
          return (
            <NativeSelect
              key={name}
              {...common}
              data={[{ value: '', label: t('extra.choose') }, ...options]}
              value={values[name] === undefined ? '' : String(values[name])}
              onChange={(e) => {
                const raw = e.currentTarget.value;
                set(name, raw === '' ? undefined : type === 'number' || type === 'integer' ? Number(raw) : raw);
              }}
            />
          );
        }
        if (type === 'boolean') {
          return <Checkbox key={name} id={common.id} label={common.label} error={common.error} checked={values[name] === true} onChange={(e) => set(name, e.currentTarget.checked)} />;
        }
        if (type === 'number' || type === 'integer') {
          return (
            <NumberInput
              key={name}
              {...common}
              min={p.minimum}
              max={p.maximum}
              allowDecimal={type === 'number'}
              decimalSeparator={i18n.resolvedLanguage === 'en' ? '.' : ','}
              value={typeof values[name] === 'number' ? (values[name] as number) : ''}
              onChange={(v) => set(name, typeof v === 'number' ? v : v === '' ? undefined : Number(String(v).replace(',', '.')))}
            />
          );
        }
        if ((p.maxLength ?? 0) > 255) {
          return <Textarea key={name} {...common} autosize minRows={2} maxLength={p.maxLength} value={String(values[name] ?? '')} onChange={(e) => set(name, e.currentTarget.value)} />;
        }
        return <TextInput key={name} {...common} maxLength={p.maxLength} value={String(values[name] ?? '')} onChange={(e) => set(name, e.currentTarget.value)} />;
      })}
    </Stack>
  );
}
