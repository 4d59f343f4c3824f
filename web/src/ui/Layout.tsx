import { Suspense, useEffect, useRef, type MouseEvent } from 'react';
import { AppShell, Box, Burger, Button, Divider, Group, NavLink, ScrollArea, Stack, Text, Title, UnstyledButton } from '@mantine/core';
import { useDisclosure, useMediaQuery } from '@mantine/hooks';
import { useTranslation } from 'react-i18next';
import { Link, NavLink as RouterNavLink, Outlet, useLocation, useNavigate, useNavigationType } from 'react-router';
import { menuFor } from '../nav.ts';
import { ErrorBoundary, Loading } from './ErrorDisplay.tsx';
import { currentLang } from './i18n.ts';
import { LanguageSwitch } from './LanguageSwitch.tsx';
import { useLogout, useSession } from './session.ts';

const NAV_ID = 'main-nav';

function focusMain() {
  const main = document.getElementById('main');
  const target = main?.querySelector<HTMLElement>('h1') ?? main;
  if (!target) return;
  if (!target.hasAttribute('tabindex')) target.setAttribute('tabindex', '-1');
  target.focus({ preventScroll: false });
}

function SkipLink() {
  const { t } = useTranslation('web');
  function skip(e: MouseEvent<HTMLAnchorElement>) {
    e.preventDefault(); // a hash would become a route change
    focusMain();
  }
  return (
    <a className="skip-link" href="#main" onClick={skip}>
      {t('skipToContent')}
    </a>
  );
}

/**
 * The frame of every screen: header with the menu button and language switch, the
 * role-aware menu (a drawer below the `sm` breakpoint), and the main region.
 */
export function Layout() {
  const { t } = useTranslation('web');
  const { me } = useSession();
  const logout = useLogout();
  const navigate = useNavigate();
  const location = useLocation();
  const navigationType = useNavigationType();
  const [opened, { toggle, close }] = useDisclosure(false);
  const isMobile = useMediaQuery('(max-width: 47.99em)', false, { getInitialValueInEffect: false });
  const burgerRef = useRef<HTMLButtonElement>(null);
  const items = menuFor(me);
  const hasNav = !!me || items.length > 0;
  const navHidden = !hasNav || (isMobile && !opened);

  // A new screen: close the mobile menu and move focus to its heading, as a page load would.
  // Only when the path really changed (the effect also re-runs when `close` changes identity),
  // and not on redirects (session restore, guards replace the entry: the person did not move).
  const shownPath = useRef(location.pathname);
  useEffect(() => {
    if (shownPath.current === location.pathname) return;
    shownPath.current = location.pathname;
    close();
    if (navigationType === 'REPLACE') return;
    const timer = window.setTimeout(focusMain, 50);
    return () => window.clearTimeout(timer);
  }, [location.pathname, close, navigationType]);

  useEffect(() => {
    if (!opened) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') {
        close();
        burgerRef.current?.focus();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [opened, close]);

  async function signOut() {
    await logout.mutateAsync().catch(() => undefined);
    navigate('/login', { replace: true });
  }

  const lang = currentLang();
  const orgName = me?.organizationName?.[lang];

  return (
    <AppShell
      header={{ height: 60 }}
      navbar={{ width: 280, breakpoint: 'sm', collapsed: { mobile: !opened || !hasNav, desktop: !hasNav } }}
      padding={{ base: 'sm', sm: 'lg' }}
    >
      <SkipLink />
      <AppShell.Header component="header">
        <Group h="100%" px={{ base: 'sm', sm: 'lg' }} justify="space-between" wrap="nowrap" gap="xs">
          <Group gap="xs" wrap="nowrap" miw={0}>
            {hasNav && (
              <Burger
                ref={burgerRef}
                opened={opened}
                onClick={toggle}
                hiddenFrom="sm"
                size="sm"
                aria-label={opened ? t('nav.close') : t('nav.open')}
                aria-expanded={opened}
                aria-controls={NAV_ID}
              />
            )}
            <UnstyledButton component={Link} to="/" aria-label={t('app.homeLink')} style={{ minWidth: 0 }}>
              <Group gap={8} wrap="nowrap">
                <Box
                  aria-hidden="true"
                  w={32}
                  h={32}
                  style={{ borderRadius: 8, display: 'grid', placeItems: 'center', flex: 'none' }}
                  bg="blue.8"
                  c="white"
                  fw={700}
                >
                  O
                </Box>
                <Box miw={0}>
                  <Text fw={700} size="lg" lh={1.1}>
                    {t('app.name')}
                  </Text>
                  <Text size="xs" c="dimmed" lh={1.2} visibleFrom="sm" truncate>
                    {t('app.tagline')}
                  </Text>
                </Box>
              </Group>
            </UnstyledButton>
          </Group>
          <LanguageSwitch />
        </Group>
      </AppShell.Header>

      {hasNav && (
        <AppShell.Navbar component="nav" id={NAV_ID} aria-label={t('nav.label')} inert={navHidden} p="sm">
          <AppShell.Section grow component={ScrollArea} type="auto">
            <Stack gap={2}>
              {items.map((item) => (
                <NavLink
                  key={item.path}
                  component={RouterNavLink}
                  to={item.path}
                  end={item.path === '/'}
                  label={t(item.labelKey)}
                  onClick={close}
                />
              ))}
            </Stack>
          </AppShell.Section>
          {me ? (
            <AppShell.Section>
              <Divider my="sm" />
              <Stack gap={6}>
                <Box>
                  <Text fw={600} size="sm">
                    {me.displayName}
                  </Text>
                  <Text size="xs" c="dimmed">
                    {orgName ?? t('roles.citizen')}
                  </Text>
                </Box>
                <Button variant="default" onClick={() => void signOut()} loading={logout.isPending} fullWidth>
                  {t('logout')}
                </Button>
              </Stack>
            </AppShell.Section>
          ) : (
            <AppShell.Section>
              <Divider my="sm" />
              <Button component={Link} to="/login" variant="default" fullWidth>
                {t('login.submit')}
              </Button>
            </AppShell.Section>
          )}
        </AppShell.Navbar>
      )}

      <AppShell.Main id="main" tabIndex={-1}>
        <ErrorBoundary resetKey={location.pathname}>
          <Suspense fallback={<Loading />}>
            <Outlet />
          </Suspense>
        </ErrorBoundary>
      </AppShell.Main>
    </AppShell>
  );
}

/** A screen's heading; the first thing read after a page change. */
export function PageHeading({ children }: { children: string }) {
  return (
    <Title order={1} size="h2" mb="md">
      {children}
    </Title>
  );
}
