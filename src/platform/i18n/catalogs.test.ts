import { describe, expect, it } from 'vitest';
import { LANGUAGES, loadCatalogs, pickLang, t } from './i18n.ts';

function keys(o: unknown, prefix = ''): string[] {
  if (o === null || typeof o !== 'object') return [prefix];
  return Object.entries(o as Record<string, unknown>).flatMap(([k, v]) => keys(v, prefix ? `${prefix}.${k}` : k));
}

describe('message catalogs', () => {
  const catalogs = loadCatalogs();

  it('have the same namespaces and keys in kk, ru and en', () => {
    const en = catalogs.en;
    for (const lang of LANGUAGES) {
      expect(Object.keys(catalogs[lang]).sort(), `${lang} namespaces`).toEqual(Object.keys(en).sort());
      for (const ns of Object.keys(en)) {
        expect(keys(catalogs[lang][ns]).sort(), `${lang}/${ns}.json keys`).toEqual(keys(en[ns]).sort());
      }
    }
  });

  it('have no empty messages, and the same {{placeholders}} in every language', () => {
    for (const ns of Object.keys(catalogs.en)) {
      for (const key of keys(catalogs.en[ns])) {
        const get = (lang: (typeof LANGUAGES)[number]) =>
          key.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown>)?.[k], catalogs[lang][ns]) as string;
        const ph = (s: string) => [...String(s).matchAll(/\{\{\s*(\w+)/g)].map((m) => m[1]).sort();
        for (const lang of LANGUAGES) {
          expect(String(get(lang)).trim(), `${lang}/${ns}:${key}`).not.toBe('');
          expect(ph(get(lang)), `${lang}/${ns}:${key} placeholders`).toEqual(ph(get('en')));
        }
      }
    }
  });

  it('translate and pick the language from Accept-Language', () => {
    expect(t('kk', 'errors:not_found')).toBe('Табылмады.');
    expect(t('en', 'errors:rate_limited', { seconds: 5 })).toContain('5 seconds');
    expect(pickLang('kk-KZ,ru;q=0.8')).toBe('kk');
    expect(pickLang('de-DE,en;q=0.5')).toBe('en');
    expect(pickLang('fr')).toBe('ru');
    expect(pickLang(undefined)).toBe('ru');
  });
});
