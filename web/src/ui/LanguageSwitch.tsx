import { Button } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { changeLang, LANGUAGES, type Lang } from './i18n.ts';
import { ME_KEY, saveLocale, type Me } from './session.ts';

/** Each language is named in itself, so a reader finds their own whatever the page shows now. */
const NAMES: Record<Lang, { short: string; full: string }> = {
  kk: { short: 'Қаз', full: 'Қазақша' },
  ru: { short: 'Рус', full: 'Русский' },
  en: { short: 'Eng', full: 'English' },
};

export function LanguageSwitch() {
  const { t, i18n } = useTranslation('web');
  const qc = useQueryClient();
  const active = i18n.resolvedLanguage;

  async function choose(lang: Lang) {
    if (lang === active) return;
    await changeLang(lang);
    const me = qc.getQueryData<Me | null>(ME_KEY);
    if (me) {
      qc.setQueryData<Me | null>(ME_KEY, (old) => (old ? { ...old, locale: lang } : old));
      // The account's language decides the language of the server's messages and notices.
      await saveLocale(lang).catch(() => undefined);
    }
    // Data the server words in the user's language (problem texts, catalog titles) is fetched again.
    await qc.invalidateQueries({ predicate: (q) => q.queryKey[0] !== ME_KEY[0] });
  }

  return (
    // Button.Group renders role="group"; its props type omits aria-*, which it passes through.
    <Button.Group {...{ 'aria-label': t('language.label') }}>
      {LANGUAGES.map((lang) => (
        <Button
          key={lang}
          size="compact-sm"
          variant={lang === active ? 'filled' : 'default'}
          aria-pressed={lang === active}
          aria-label={NAMES[lang].full}
          lang={lang}
          onClick={() => void choose(lang)}
          data-lang={lang}
        >
          {NAMES[lang].short}
        </Button>
      ))}
    </Button.Group>
  );
}
