import { useRef, useState, type FormEvent } from 'react';
import { Button, Paper, PasswordInput, Stack, Text, TextInput, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Navigate, useNavigate, useSearchParams } from 'react-router';
import { ApiError } from '../../api.ts';
import { Loading, ProblemAlert } from '../../ui/ErrorDisplay.tsx';
import { usePageTitle } from '../../ui/page.ts';
import { useLogin, useSession } from '../../ui/session.ts';

const FIELDS = ['login', 'password'] as const;
type Field = (typeof FIELDS)[number];

/** Only a path inside this application may follow a sign-in (no open redirect). */
function safeNext(next: string | null): string {
  return next && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/login') ? next : '/';
}

/** Staff sign in with their login, citizens with their IIN; both with a password. */
export function LoginPage() {
  const { t } = useTranslation('web');
  usePageTitle(t('login.title'));
  const { me, isLoading, error: sessionError } = useSession();
  const login = useLogin();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const next = safeNext(params.get('next'));
  const [values, setValues] = useState<Record<Field, string>>({ login: '', password: '' });
  // Client-side checks hold a catalog key so that a language switch re-words them too.
  const [missing, setMissing] = useState<Partial<Record<Field, true>>>({});
  const refs = { login: useRef<HTMLInputElement>(null), password: useRef<HTMLInputElement>(null) };

  if (isLoading) return <Loading />;
  if (me && !login.isPending) return <Navigate to={next} replace />;

  const serverError = login.error instanceof ApiError ? login.error : undefined;
  const fieldError = (f: Field) => (missing[f] ? t(`login.required.${f}`) : serverError?.fieldMessage(f));
  const generalError = login.error && (!serverError || serverError.isGeneral(FIELDS)) ? login.error : undefined;

  async function submit(e: FormEvent) {
    e.preventDefault();
    const empty = Object.fromEntries(FIELDS.filter((f) => !values[f].trim()).map((f) => [f, true as const]));
    setMissing(empty);
    const firstEmpty = FIELDS.find((f) => empty[f]);
    if (firstEmpty) {
      refs[firstEmpty].current?.focus();
      return;
    }
    login.reset();
    try {
      await login.mutateAsync({ login: values.login.trim(), password: values.password });
      navigate(next, { replace: true });
    } catch (err) {
      const field = err instanceof ApiError ? FIELDS.find((f) => err.fieldMessage(f)) : undefined;
      refs[field ?? 'login'].current?.focus();
    }
  }

  function set(f: Field, v: string) {
    setValues((s) => ({ ...s, [f]: v }));
    if (missing[f]) setMissing((m) => ({ ...m, [f]: undefined }));
  }

  return (
    <Stack maw={420} mx="auto" mt={{ base: 'md', sm: 48 }} gap="lg">
      <div>
        <Title order={1} size="h2">
          {t('login.title')}
        </Title>
        <Text c="dimmed" mt={6}>
          {t('login.intro')}
        </Text>
      </div>
      <Paper withBorder p={{ base: 'md', sm: 'xl' }} radius="md" component="section" aria-labelledby="login-form-title">
        <Title order={2} size="h4" id="login-form-title" mb="md">
          {t('login.formTitle')}
        </Title>
        <form onSubmit={(e) => void submit(e)} noValidate>
          <Stack gap="md">
            {generalError ? <ProblemAlert error={generalError} title={t('login.failed')} /> : null}
            {!login.error && sessionError ? <ProblemAlert error={sessionError} /> : null}
            <TextInput
              ref={refs.login}
              name="login"
              label={t('login.login')}
              description={t('login.loginHint')}
              autoComplete="username"
              autoCapitalize="none"
              spellCheck={false}
              required
              value={values.login}
              onChange={(e) => set('login', e.currentTarget.value)}
              error={fieldError('login')}
            />
            <PasswordInput
              ref={refs.password}
              name="password"
              label={t('login.password')}
              autoComplete="current-password"
              required
              value={values.password}
              onChange={(e) => set('password', e.currentTarget.value)}
              error={fieldError('password')}
              // Mantine marks only TextInput invalid for screen readers; PasswordInput needs it said.
              aria-invalid={!!fieldError('password')}
              visibilityToggleButtonProps={{ 'aria-label': t('login.showPassword') }}
            />
            <Button type="submit" loading={login.isPending} fullWidth size="md">
              {t('login.submit')}
            </Button>
          </Stack>
        </form>
      </Paper>
    </Stack>
  );
}
