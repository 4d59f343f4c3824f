import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';

/**
 * The web reads the server's own catalogs (src/platform/i18n/locales/<lang>/<ns>.json), so a
 * message has one text wherever it shows. Every namespace a module adds there is picked up
 * here at build time. The web's own words are in the `web` namespace.
 */
export const LANGUAGES = ['kk', 'ru', 'en'] as const;
export type Lang = (typeof LANGUAGES)[number];
export const DEFAULT_LANG: Lang = 'ru';
const STORAGE_KEY = 'ortak.lang';

export function isLang(v: unknown): v is Lang {
  return typeof v === 'string' && (LANGUAGES as readonly string[]).includes(v);
}

const files = import.meta.glob<Record<string, unknown>>('../../../src/platform/i18n/locales/*/*.json', { eager: true, import: 'default' });

function resources() {
  const out: Record<string, Record<string, Record<string, unknown>>> = {};
  for (const [file, catalog] of Object.entries(files)) {
    const m = /\/locales\/([a-z]{2})\/([\w-]+)\.json$/.exec(file);
    if (!m || !isLang(m[1])) continue;
    (out[m[1]] ??= {})[m[2]!] = catalog;
  }
  return out;
}

/** The language chosen with the switch on this device, if any. */
export function storedLang(): Lang | undefined {
  try {
    const v = localStorage.getItem(STORAGE_KEY);
    return isLang(v) ? v : undefined;
  } catch {
    return undefined; // storage blocked (private mode, policy)
  }
}

export function storeLang(lang: Lang) {
  try {
    localStorage.setItem(STORAGE_KEY, lang);
  } catch {
    /* the choice then lasts for this page only */
  }
}

/** The browser's first preference among kk/ru/en (kk-KZ counts as kk); Russian otherwise. */
export function browserLang(prefs: readonly string[] = navigator.languages ?? [navigator.language]): Lang {
  for (const p of prefs) {
    const base = p.toLowerCase().split('-')[0];
    if (isLang(base)) return base;
  }
  return DEFAULT_LANG;
}

export function currentLang(): Lang {
  return isLang(i18next.resolvedLanguage) ? i18next.resolvedLanguage : DEFAULT_LANG;
}

function applyToDocument(lang: string) {
  document.documentElement.lang = lang;
}

export function initI18n() {
  const lng = storedLang() ?? browserLang();
  const res = resources();
  void i18next.use(initReactI18next).init({
    resources: res,
    lng,
    supportedLngs: [...LANGUAGES],
    fallbackLng: DEFAULT_LANG,
    ns: Object.keys(res.ru ?? { web: {} }),
    defaultNS: 'web',
    interpolation: { escapeValue: false }, // React escapes
    initAsync: false,
    returnNull: false,
    showSupportNotice: false,
  } as Parameters<typeof i18next.init>[0]);
  applyToDocument(lng);
  i18next.on('languageChanged', applyToDocument);
  return i18next;
}

/** Change the language of every visible word and of <html lang>; `remember` keeps it on this device. */
export async function changeLang(lang: Lang, remember = true) {
  if (remember) storeLang(lang);
  await i18next.changeLanguage(lang);
}
