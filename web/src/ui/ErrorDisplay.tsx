import { Component, type ErrorInfo, type ReactNode } from 'react';
import { Alert, Button, Center, Loader, Stack, Text } from '@mantine/core';
import i18next from 'i18next';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../api.ts';

/** An error from the API or the page, in the user's language, announced to screen readers. */
export function ProblemAlert({ error, title }: { error: unknown; title?: string }) {
  const { t } = useTranslation('web');
  if (!error) return null;
  const message = error instanceof ApiError ? error.message : t('errors.unknown');
  // The request id helps support find a server fault; for a refusal it is noise.
  const requestId = error instanceof ApiError && error.status >= 500 ? error.requestId : undefined;
  return (
    <Alert color="red" variant="light" role="alert" title={title ?? t('errors.title')}>
      <Text size="sm">{message}</Text>
      {requestId && (
        <Text size="xs" c="dimmed" mt={4}>
          {t('errors.requestId', { id: requestId })}
        </Text>
      )}
    </Alert>
  );
}

export function Loading() {
  const { t } = useTranslation('web');
  return (
    <Center py="xl" role="status" aria-live="polite">
      <Loader size="md" aria-hidden="true" />
      <Text ml="sm">{t('loading')}</Text>
    </Center>
  );
}

interface BoundaryState {
  error: Error | undefined;
}

/**
 * Keeps a failing screen from blanking the whole application. (React offers error
 * boundaries only as classes.)
 */
export class ErrorBoundary extends Component<{ children: ReactNode; resetKey?: string }, BoundaryState> {
  override state: BoundaryState = { error: undefined };

  static getDerivedStateFromError(error: Error): BoundaryState {
    return { error };
  }

  override componentDidCatch(error: Error, info: ErrorInfo) {
    console.error(error, info.componentStack);
  }

  override componentDidUpdate(prev: { resetKey?: string }) {
    if (this.state.error && prev.resetKey !== this.props.resetKey) this.setState({ error: undefined });
  }

  override render() {
    if (!this.state.error) return this.props.children;
    return (
      <Stack maw={640} gap="md">
        <Alert color="red" variant="light" role="alert" title={i18next.t('web:errors.title')}>
          {i18next.t('web:errors.page')}
        </Alert>
        <div>
          <Button onClick={() => window.location.reload()}>{i18next.t('web:errors.reload')}</Button>
        </div>
      </Stack>
    );
  }
}
