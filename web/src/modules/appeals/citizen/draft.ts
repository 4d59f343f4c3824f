import { ApiError } from '../../../api.ts';
import { cleanExtra, type ExtraValues } from '../shared/ExtraFields.tsx';
import { withFiles } from '../shared/FilesField.tsx';
import type { AppealTypeCode, Category } from '../shared/types.ts';

/** The citizen's appeal while it is being written, and the rules that say which step a field is on. */

export interface Draft {
  regionCode: string;
  type: AppealTypeCode;
  categoryId: string | null;
  extra: ExtraValues;
  text: string;
  location: { lat: number; lon: number } | null;
  territoryCode: string | null;
  address: string;
  files: File[];
  isPublic: boolean;
}

export const STEPS = ['kind', 'text', 'where', 'photos'] as const;
export type Step = (typeof STEPS)[number];

export const TEXT_MAX = 10_000;

/** The step on which the server's field is entered (`extra.apartment` → kind). */
export function stepOf(field: string): Step | undefined {
  if (['type', 'categoryId', 'regionCode'].includes(field) || field.startsWith('extra')) return 'kind';
  if (field === 'text') return 'text';
  if (['territoryCode', 'location', 'address'].includes(field) || field.startsWith('location')) return 'where';
  if (field.startsWith('files') || field === 'isPublic') return 'photos';
  return undefined;
}

/** What must be there before the next step (the server checks everything again); `@key` = a catalog key, shown in the current language. */
export function missing(step: Step, d: Draft, category: Category | undefined): Record<string, string> {
  const e: Record<string, string> = {};
  if (step === 'kind') {
    if (!d.categoryId) e.categoryId = '@new.required.category';
    for (const name of category?.extraFields?.required ?? []) {
      const v = d.extra[name];
      if (v === undefined || v === null || v === '') e[`extra.${name}`] = '@new.required.field';
    }
  }
  if (step === 'text' && !d.text.trim()) e.text = '@new.required.text';
  if (step === 'where' && !d.location && !d.territoryCode) e.territoryCode = '@new.required.place';
  return e;
}

export function toFormData(d: Draft, category: Category | undefined, lang: string): FormData {
  const data = {
    type: d.type,
    categoryId: d.categoryId,
    text: d.text.trim(),
    ...(d.territoryCode ? { territoryCode: d.territoryCode } : {}),
    ...(d.location ? { location: d.location } : {}),
    ...(d.address.trim() ? { address: d.address.trim() } : {}),
    lang,
    isPublic: d.isPublic,
    ...(cleanExtra(category?.extraFields ?? null, d.extra) ? { extra: cleanExtra(category?.extraFields ?? null, d.extra) } : {}),
  };
  return withFiles(data, d.files);
}

/** The server's field errors as a map; the rest (no field, or a field no step shows) as one message. */
export function splitErrors(err: unknown): { fields: Record<string, string>; general: ApiError | undefined } {
  if (!err) return { fields: {}, general: undefined };
  if (!(err instanceof ApiError)) return { fields: {}, general: new ApiError(0, 'unknown', String(err)) };
  const fields: Record<string, string> = {};
  for (const e of err.errors) if (stepOf(e.field)) fields[e.field] = e.message;
  return { fields, general: Object.keys(fields).length ? undefined : err };
}
