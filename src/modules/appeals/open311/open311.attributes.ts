import { t, type Lang } from '../../../platform/i18n/i18n.ts';

/**
 * A category's extra fields (a JSON Schema of an object, `appeal_category.extra_fields`) as
 * Open311 service-definition attributes, and the way back: `attribute[code]=value` form
 * fields as the typed values the schema checks.
 *
 * | JSON Schema property                                   | Open311 datatype  |
 * |--------------------------------------------------------|-------------------|
 * | `enum`, or `oneOf`/`anyOf` of `{ const, title }`        | `singlevaluelist` |
 * | `type: boolean`                                        | `singlevaluelist` (`true`/`false`) |
 * | `type: array` of such options                          | `multivaluelist`  |
 * | `type: number` / `integer`                             | `number`          |
 * | `type: string`, `format: date-time` or `date`          | `datetime`        |
 * | `type: string` with `maxLength` > 255 or `x-multiline`  | `text`            |
 * | any other `type: string`                               | `string`          |
 *
 * Labels: `title` (the question shown to the user) and `description` may be plain strings or
 * `{ kk, ru, en }` objects; `x-title` / `x-description` in that form take precedence. Option
 * names come from `oneOf`/`anyOf` titles, or `enumNames` (a list, or `{ kk, ru, en }` lists).
 * Order: `x-order` (a list of property names) if given, else the schema's own key order
 * (the column is `json`, which keeps it).
 */

export const DATATYPES = ['string', 'number', 'datetime', 'text', 'singlevaluelist', 'multivaluelist'] as const;
export type Datatype = (typeof DATATYPES)[number];

export interface Open311Attribute {
  variable: boolean;
  code: string;
  datatype: Datatype;
  required: boolean;
  datatype_description: string | null;
  order: number;
  description: string;
  values?: { key: string; name: string }[];
}

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A label in `lang`: a string as is, or the language's entry of a `{ kk, ru, en }` object. */
export function localized(v: unknown, lang: Lang): string | null {
  if (typeof v === 'string') return v.trim() || null;
  if (isObject(v)) {
    for (const l of [lang, 'ru', 'kk', 'en']) {
      const s = v[l];
      if (typeof s === 'string' && s.trim()) return s.trim();
    }
  }
  return null;
}

interface Option {
  key: string;
  name: string;
}

function options(p: Json, lang: Lang): Option[] | null {
  const alternatives = (Array.isArray(p.oneOf) ? p.oneOf : Array.isArray(p.anyOf) ? p.anyOf : null) as unknown[] | null;
  if (alternatives && alternatives.every((a) => isObject(a) && 'const' in a)) {
    return (alternatives as Json[]).map((a) => ({ key: String(a.const), name: localized(a['x-title'], lang) ?? localized(a.title, lang) ?? String(a.const) }));
  }
  if (Array.isArray(p.enum)) {
    const raw = p.enumNames;
    const names = (Array.isArray(raw) ? raw : isObject(raw) ? (raw[lang] ?? raw.ru) : undefined) as unknown[] | undefined;
    return p.enum.map((v, i) => ({ key: String(v), name: typeof names?.[i] === 'string' ? (names[i] as string) : String(v) }));
  }
  return null;
}

function typeOf(p: Json): string | undefined {
  if (typeof p.type === 'string') return p.type;
  // ["string", "null"]: the nullable spelling.
  if (Array.isArray(p.type)) return (p.type as unknown[]).find((x): x is string => typeof x === 'string' && x !== 'null');
  return undefined;
}

function numberHint(p: Json, lang: Lang): string {
  const parts = [t(lang, typeOf(p) === 'integer' ? 'open311:datatype.integer' : 'open311:datatype.number')];
  if (typeof p.minimum === 'number') parts.push(`≥ ${p.minimum}`);
  if (typeof p.maximum === 'number') parts.push(`≤ ${p.maximum}`);
  return parts.join(', ');
}

/** One property → one attribute (without its order). */
function attributeOf(code: string, p: Json, required: boolean, lang: Lang): Omit<Open311Attribute, 'order'> {
  const description = localized(p['x-title'], lang) ?? localized(p.title, lang) ?? localized(p['x-description'], lang) ?? localized(p.description, lang) ?? code;
  const help = localized(p['x-title'], lang) || localized(p.title, lang) ? (localized(p['x-description'], lang) ?? localized(p.description, lang)) : null;
  const base = { variable: true, code, required, description };
  const type = typeOf(p);
  const hint = (key: string) => [help, t(lang, key)].filter(Boolean).join(' — ');
  const own = options(p, lang);
  if (type === 'array') {
    const items = isObject(p.items) ? p.items : {};
    return { ...base, datatype: 'multivaluelist', datatype_description: hint('open311:datatype.multivaluelist'), values: options(items, lang) ?? [] };
  }
  if (own) return { ...base, datatype: 'singlevaluelist', datatype_description: hint('open311:datatype.singlevaluelist'), values: own };
  if (type === 'boolean') {
    return {
      ...base,
      datatype: 'singlevaluelist',
      datatype_description: hint('open311:datatype.singlevaluelist'),
      values: [{ key: 'true', name: t(lang, 'open311:datatype.yes') }, { key: 'false', name: t(lang, 'open311:datatype.no') }],
    };
  }
  if (type === 'number' || type === 'integer') return { ...base, datatype: 'number', datatype_description: [help, numberHint(p, lang)].filter(Boolean).join(' — ') };
  if (p.format === 'date-time') return { ...base, datatype: 'datetime', datatype_description: hint('open311:datatype.datetime') };
  if (p.format === 'date') return { ...base, datatype: 'datetime', datatype_description: hint('open311:datatype.date') };
  const multiline = p['x-multiline'] === true || (typeof p.maxLength === 'number' && p.maxLength > 255);
  return { ...base, datatype: multiline ? 'text' : 'string', datatype_description: help };
}

/** The attributes of a category's extra-fields schema; none for a category without one. */
export function attributesOf(schema: Json | null, lang: Lang): Open311Attribute[] {
  if (!schema || !isObject(schema.properties)) return [];
  const props = schema.properties;
  const required = new Set(Array.isArray(schema.required) ? (schema.required as unknown[]).map(String) : []);
  const declared = Array.isArray(schema['x-order']) ? (schema['x-order'] as unknown[]).map(String).filter((k) => k in props) : [];
  const codes = [...declared, ...Object.keys(props).filter((k) => !declared.includes(k))];
  return codes.map((code, i) => {
    const a = attributeOf(code, isObject(props[code]) ? (props[code] as Json) : {}, required.has(code), lang);
    // The spec's element order, which the XML form keeps.
    return {
      variable: a.variable, code: a.code, datatype: a.datatype, required: a.required, datatype_description: a.datatype_description, order: i + 1, description: a.description,
      ...(a.values ? { values: a.values } : {}),
    };
  });
}

/** True when the category asks for extra fields (Open311 `metadata`). */
export function hasAttributes(schema: Json | null): boolean {
  return !!schema && isObject(schema.properties) && Object.keys(schema.properties).length > 0;
}

export type RawAttributes = Record<string, string | string[]>;

/** A value the client sent that cannot be read as the attribute's type: the field and the catalog key. */
export class AttributeError extends Error {
  constructor(
    readonly field: string,
    readonly messageKey: string,
  ) {
    super(`${field}: ${messageKey}`);
  }
}

const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

function convert(code: string, p: Json, raw: string): unknown {
  const field = `attribute[${code}]`;
  const v = raw.trim();
  switch (typeOf(p)) {
    case 'number':
    case 'integer': {
      const n = Number(v.replace(',', '.'));
      if (!v || !Number.isFinite(n)) throw new AttributeError(field, 'open311:errors.attribute_number');
      return n;
    }
    case 'boolean':
      if (/^(true|1|yes|да|иә)$/i.test(v)) return true;
      if (/^(false|0|no|нет|жоқ)$/i.test(v)) return false;
      throw new AttributeError(field, 'open311:errors.attribute_boolean');
    default:
      // A date field accepts the ISO date-time Open311 clients send (`datetime`): its date as written.
      if (p.format === 'date' && DATE_TIME.test(v)) return v.slice(0, 10);
      return v;
  }
}

/**
 * The `attribute[...]` values of a request as the typed object the category's schema checks
 * (`extra`). Unknown codes and unreadable values throw AttributeError naming
 * `attribute[code]`; empty values are left out (so a required one is reported missing by
 * the schema check, which names `extra.<code>`).
 */
export function readAttributes(schema: Json | null, raw: RawAttributes): Record<string, unknown> {
  const props = schema && isObject(schema.properties) ? schema.properties : {};
  const out: Record<string, unknown> = {};
  for (const [code, value] of Object.entries(raw)) {
    const p = props[code];
    if (!isObject(p)) throw new AttributeError(`attribute[${code}]`, 'open311:errors.attribute_unknown');
    const values = (Array.isArray(value) ? value : [value]).filter((v) => v.trim() !== '');
    if (typeOf(p) === 'array') {
      const items = isObject(p.items) ? p.items : {};
      // One form field may also carry a comma list (attribute[code]=a,b).
      const split = values.length === 1 && !options(items, 'ru')?.some((o) => o.key === values[0]) ? values[0]!.split(',').map((s) => s.trim()).filter(Boolean) : values;
      if (split.length) out[code] = split.map((v) => convert(code, items, v));
      continue;
    }
    if (values.length > 1) throw new AttributeError(`attribute[${code}]`, 'open311:errors.attribute_single');
    if (values.length === 1) out[code] = convert(code, p, values[0]!);
  }
  return out;
}
