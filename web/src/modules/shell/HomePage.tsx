import { Anchor, Box, Card, List, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { menuFor } from '../../nav.ts';
import { currentLang } from '../../ui/i18n.ts';
import { usePageTitle } from '../../ui/page.ts';
import { useSession, type Me } from '../../ui/session.ts';

/** Distinct roles, each once, noting when a grant covers subordinate organizations. */
function roleLines(me: Me): { role: string; includesSubtree: boolean }[] {
  const seen = new Map<string, boolean>();
  for (const g of me.roles) seen.set(g.role, (seen.get(g.role) ?? false) || g.includesSubtree);
  return [...seen].map(([role, includesSubtree]) => ({ role, includesSubtree }));
}

/**
 * The start screen after sign-in: who you are, for which organization, in which roles, and
 * the sections open to those roles. Modules' own dashboards take over from here.
 */
export default function HomePage() {
  const { t } = useTranslation('web');
  const { me } = useSession();
  usePageTitle(t('home.title'));
  if (!me) return null;
  const lang = currentLang();
  const sections = menuFor(me).filter((e) => e.path !== '/');
  const roles = roleLines(me);

  return (
    <Stack gap="lg" maw={960}>
      <div>
        <Title order={1} size="h2">
          {t('home.greeting', { name: me.displayName })}
        </Title>
        <Text c="dimmed" mt={4}>
          {me.kind === 'citizen' ? t('home.citizenIntro') : t('home.staffIntro')}
        </Text>
      </div>

      <Card withBorder padding="lg" radius="md" component="section" aria-labelledby="home-account">
        <Title order={2} size="h4" id="home-account" mb="sm">
          {t('home.account')}
        </Title>
        <Stack gap="sm" component="dl" m={0}>
          <div>
            <Text component="dt" size="sm" c="dimmed">
              {t('home.name')}
            </Text>
            <Text component="dd" m={0} fw={600} data-testid="me-name">
              {me.displayName}
            </Text>
          </div>
          {me.kind === 'staff' && (
            <div>
              <Text component="dt" size="sm" c="dimmed">
                {t('home.organization')}
              </Text>
              <Text component="dd" m={0} fw={600} data-testid="me-organization">
                {me.organizationName?.[lang] ?? '—'}
              </Text>
            </div>
          )}
          <div>
            <Text component="dt" size="sm" c="dimmed">
              {t('home.roles')}
            </Text>
            <Box component="dd" m={0} mt={4} data-testid="me-roles">
              <List spacing={6} size="md" withPadding={false} listStyleType="none">
                {me.kind === 'citizen' ? (
                  <List.Item fw={600}>{t('roles.citizen')}</List.Item>
                ) : (
                  roles.map((r) => (
                    <List.Item key={r.role} data-role={r.role}>
                      <Text fw={600} span>
                        {t(`roles.${r.role}`)}
                      </Text>
                      {r.includesSubtree && (
                        <Text size="sm" c="dimmed">
                          {t('home.withSubordinates')}
                        </Text>
                      )}
                    </List.Item>
                  ))
                )}
              </List>
            </Box>
          </div>
        </Stack>
      </Card>

      <section aria-labelledby="home-sections">
        <Title order={2} size="h4" id="home-sections" mb="sm">
          {t('home.sections')}
        </Title>
        {sections.length === 0 ? (
          <Text c="dimmed">{t('home.noSections')}</Text>
        ) : (
          <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }} spacing="md" component="ul" style={{ listStyle: 'none', padding: 0, margin: 0 }}>
            {sections.map((s) => (
              <Card key={s.path} withBorder padding="md" radius="md" component="li">
                <Anchor component={Link} to={s.path} fw={600}>
                  {t(s.labelKey)}
                </Anchor>
              </Card>
            ))}
          </SimpleGrid>
        )}
      </section>
    </Stack>
  );
}
