import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import i18next, { type i18n, type TOptions } from 'i18next';

/**
 * Message catalogs shared by server and web: locales/<lang>/<namespace>.json.
 * One namespace per module (common, errors, calendar, directory, …); every key exists in
 * kk, ru and en (src/platform/i18n/catalogs.test.ts enforces it).
 */
export const LANGUAGES = ['kk', 'ru', 'en'] as const;
export type Lang = (typeof LANGUAGES)[number];
export const DEFAULT_LANG: Lang = 'ru';

export const LOCALES_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'locales');

export function isLang(v: unknown): v is Lang {
  return typeof v === 'string' && (LANGUAGES as readonly string[]).includes(v);
}

export function loadCatalogs(dir = LOCALES_DIR): Record<Lang, Record<string, Record<string, unknown>>> {
  const out = {} as Record<Lang, Record<string, Record<string, unknown>>>;
  for (const lang of LANGUAGES) {
    out[lang] = {};
    for (const file of fs.readdirSync(path.join(dir, lang)).filter((f) => f.endsWith('.json'))) {
      out[lang][file.replace(/\.json$/, '')] = JSON.parse(fs.readFileSync(path.join(dir, lang, file), 'utf8'));
    }
  }
  return out;
}

let instance: i18n | undefined;

function get(): i18n {
  if (!instance) {
    const resources = loadCatalogs();
    instance = i18next.createInstance();
    void instance.init({
      resources,
      lng: DEFAULT_LANG,
      fallbackLng: 'en',
      ns: Object.keys(resources.en),
      defaultNS: 'common',
      interpolation: { escapeValue: false },
      initAsync: false,
      showSupportNotice: false,
    } as Parameters<i18n['init']>[0]);
  }
  return instance;
}

/** Translate `ns:key` into `lang`. */
export function t(lang: Lang, key: string, params?: TOptions): string {
  // The instance's own t with the language as an option: what getFixedT(lang) would do, without
  // the closure and the copy of every i18next option it makes per call (measurable in the sweep,
  // which renders a few thousand notices).
  return get().t(key, { ...params, lng: lang }) as string;
}

/** The best of kk/ru/en from an Accept-Language header; Russian when nothing matches. */
export function pickLang(acceptLanguage: string | undefined, fallback: Lang = DEFAULT_LANG): Lang {
  if (!acceptLanguage) return fallback;
  const prefs = acceptLanguage
    .split(',')
    .map((part) => {
      const [tag, ...rest] = part.trim().split(';');
      const q = rest.find((p) => p.trim().startsWith('q='));
      return { tag: (tag ?? '').toLowerCase().slice(0, 2), q: q ? Number(q.trim().slice(2)) || 0 : 1 };
    })
    .sort((a, b) => b.q - a.q);
  return prefs.find((p) => isLang(p.tag))?.tag as Lang | undefined ?? fallback;
}
