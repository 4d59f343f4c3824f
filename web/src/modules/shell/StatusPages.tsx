import { Button, Stack, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link, Navigate, useLocation } from 'react-router';
import { canSee, type NavEntry } from '../../nav.ts';
import { Loading } from '../../ui/ErrorDisplay.tsx';
import { usePageTitle } from '../../ui/page.ts';
import { useSession } from '../../ui/session.ts';

function Status({ titleKey, textKey }: { titleKey: string; textKey: string }) {
  const { t } = useTranslation('web');
  usePageTitle(t(titleKey));
  return (
    <Stack maw={640} gap="md">
      <Title order={1} size="h2">
        {t(titleKey)}
      </Title>
      <Text>{t(textKey)}</Text>
      <div>
        <Button component={Link} to="/">
          {t('notFound.home')}
        </Button>
      </div>
    </Stack>
  );
}

export function NotFoundPage() {
  return <Status titleKey="notFound.title" textKey="notFound.text" />;
}

export function ForbiddenPage() {
  return <Status titleKey="forbidden.title" textKey="forbidden.text" />;
}

/** Opens a registered screen only for those its entry names; visitors are sent to sign in first. */
export function RequireAccess({ entry }: { entry: NavEntry }) {
  const { me, isLoading } = useSession();
  const location = useLocation();
  if (isLoading) return <Loading />;
  if (canSee(entry, me)) return entry.element;
  if (!me) {
    const here = location.pathname + location.search;
    return <Navigate to={here === '/' ? '/login' : `/login?next=${encodeURIComponent(here)}`} replace />;
  }
  return <ForbiddenPage />;
}
