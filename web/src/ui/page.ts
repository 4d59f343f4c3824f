import { useEffect } from 'react';
import i18next from 'i18next';

/** Names the browser tab after the screen (WCAG 2.4.2), in the current language. */
export function usePageTitle(title: string) {
  useEffect(() => {
    document.title = `${title} · ${i18next.t('web:app.name')}`;
  }, [title]);
}
