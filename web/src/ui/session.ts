import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { Role } from '../../../src/platform/auth/actor.ts';
import { api, ApiError, setCsrfToken } from '../api.ts';
import { changeLang, currentLang, isLang, storedLang, type Lang } from './i18n.ts';

export type { Role };

/** The signed-in user as `GET /api/auth/me` returns it (docs/CONTRACTS.md, Auth HTTP API). */
export interface Me {
  kind: 'staff' | 'citizen';
  accountId: string;
  displayName: string;
  locale: Lang;
  organizationId?: string;
  organizationName?: { kk: string; ru: string; en: string };
  regionCode?: string;
  roles: { role: Role; organizationId: string; includesSubtree: boolean }[];
}

interface SessionAnswer {
  actor: Me;
  csrfToken: string;
}

export const ME_KEY = ['auth', 'me'] as const;

/**
 * Brings the UI language and the account's language together after sign-in or restore:
 * a choice made with the switch on this device wins and is saved to the account; with no
 * such choice, the account's language is used.
 */
async function reconcileLang(me: Me): Promise<Me> {
  const chosen = storedLang();
  if (chosen && chosen !== me.locale) {
    await api('/api/auth/me/locale', { method: 'PUT', body: { locale: chosen } }).catch(() => undefined);
    return { ...me, locale: chosen };
  }
  if (!chosen && isLang(me.locale) && me.locale !== currentLang()) await changeLang(me.locale, false);
  return me;
}

async function fetchMe(): Promise<Me | null> {
  try {
    const r = await api<SessionAnswer>('/api/auth/me');
    setCsrfToken(r.csrfToken);
    return await reconcileLang(r.actor);
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) {
      setCsrfToken(undefined);
      return null;
    }
    throw err;
  }
}

/** The current session: `me` is null when nobody is signed in. */
export function useSession() {
  const q = useQuery({ queryKey: ME_KEY, queryFn: fetchMe, staleTime: 5 * 60_000, retry: 1 });
  return { me: q.data ?? null, isLoading: q.isPending, error: q.error };
}

export function useLogin() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async (input: { login: string; password: string }) => {
      const r = await api<SessionAnswer>('/api/auth/login', { method: 'POST', body: input });
      setCsrfToken(r.csrfToken);
      return reconcileLang(r.actor);
    },
    onSuccess: (me) => {
      // Nothing cached belongs to the previous user.
      qc.removeQueries({ predicate: (q) => q.queryKey[0] !== ME_KEY[0] });
      qc.setQueryData(ME_KEY, me);
    },
  });
}

export function useLogout() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => api('/api/auth/logout', { method: 'POST' }),
    onSettled: () => {
      setCsrfToken(undefined);
      qc.clear();
      qc.setQueryData(ME_KEY, null);
    },
  });
}

// The saves, one after another: switched quickly (kk → ru → en → kk), concurrent PUTs could
// commit out of order and leave the account in a language no longer on screen — the server then
// words its messages (and the applicant's notices) in that one.
let saving: Promise<unknown> = Promise.resolve();

/** Saves a language chosen with the switch on the signed-in account (the server writes messages in it), in the order chosen. */
export async function saveLocale(lang: Lang): Promise<void> {
  const save = saving.catch(() => undefined).then(() => api('/api/auth/me/locale', { method: 'PUT', body: { locale: lang } }));
  saving = save;
  await save;
}

/** Whether the user holds any of the roles, in any organization. */
export function hasAnyRole(me: Me | null, roles: readonly Role[]): boolean {
  return !!me && me.kind === 'staff' && me.roles.some((g) => roles.includes(g.role));
}
