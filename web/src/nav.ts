import { createElement, lazy, type ComponentType, type ReactElement } from 'react';
import type { Role } from '../../src/platform/auth/actor.ts';
import type { Me } from './ui/session.ts';

/**
 * Who sees an entry: staff holding any of the roles (in any organization), citizens,
 * every signed-in user, or everyone including visitors who have not signed in.
 * The server checks permissions again on every request; this only shapes the menu.
 */
export type NavAudience = Role[] | 'citizen' | 'signed_in' | 'public';

export interface NavEntry {
  /** Route path; may hold parameters (`/appeals/:id`) when `hidden` is set. */
  path: string;
  /** Catalog key of the menu label, `ns:key` (e.g. `appeals:nav.inbox`). */
  labelKey: string;
  roles: NavAudience;
  element: ReactElement;
  /** A route without a menu item (detail pages). */
  hidden?: boolean;
  /** Menu position; lower first. Default 100. */
  order?: number;
}

/** A page loaded on first visit, so that one module's screens do not weigh on every other. */
export function page(load: () => Promise<{ default: ComponentType }>): ReactElement {
  return createElement(lazy(load));
}

/**
 * The one registry of screens. Each module adds its entries here, e.g.
 *   { path: '/appeals', labelKey: 'appeals:nav.inbox', roles: ['executor', 'head'], element: page(() => import('./modules/appeals/InboxPage.tsx')) },
 */
export const NAV: NavEntry[] = [
  { path: '/', labelKey: 'web:nav.home', roles: 'signed_in', order: 0, element: page(() => import('./modules/shell/HomePage.tsx')) },
  // Appeals — executor, head of organization, coordination centre (web/src/modules/appeals/staff/).
  { path: '/work/inbox', labelKey: 'appealsstaff:nav.inbox', roles: ['executor', 'head'], order: 20, element: page(() => import('./modules/appeals/staff/InboxPage.tsx')) },
  { path: '/work/appeals/:id', labelKey: 'appealsstaff:nav.appeal', roles: ['executor', 'head', 'coordinator'], hidden: true, element: page(() => import('./modules/appeals/staff/AppealPage.tsx')) },
  { path: '/work/organization', labelKey: 'appealsstaff:nav.organization', roles: ['head'], order: 21, element: page(() => import('./modules/appeals/staff/HeadPage.tsx')) },
  { path: '/coordination/overview', labelKey: 'appealsstaff:nav.coordination', roles: ['coordinator'], order: 30, element: page(() => import('./modules/appeals/staff/CoordinationPage.tsx')) },
  { path: '/coordination/report', labelKey: 'appealsstaff:nav.report', roles: ['coordinator'], order: 31, element: page(() => import('./modules/appeals/staff/IgnoringPage.tsx')) },
  { path: '/coordination/appeals', labelKey: 'appealsstaff:nav.coordinationAppeals', roles: ['coordinator'], order: 32, element: page(() => import('./modules/appeals/staff/CoordinationAppealsPage.tsx')) },
  { path: '/coordination/routing', labelKey: 'appealsstaff:nav.routing', roles: ['coordinator'], order: 33, element: page(() => import('./modules/appeals/staff/RoutingPage.tsx')) },
  { path: '/coordination/categories', labelKey: 'appealsstaff:nav.categories', roles: ['coordinator'], order: 34, element: page(() => import('./modules/appeals/staff/CategoriesPage.tsx')) },
  // Appeals — citizen, operator console, public page (web/src/modules/appeals/{citizen,operator,public}/).
  { path: '/my-appeals', labelKey: 'appealsweb:nav.mine', roles: 'citizen', order: 10, element: page(() => import('./modules/appeals/citizen/MyAppealsPage.tsx')) },
  { path: '/new-appeal', labelKey: 'appealsweb:nav.new', roles: 'citizen', order: 11, element: page(() => import('./modules/appeals/citizen/NewAppealPage.tsx')) },
  { path: '/my-appeals/:id', labelKey: 'appealsweb:nav.appeal', roles: 'citizen', hidden: true, element: page(() => import('./modules/appeals/citizen/MyAppealPage.tsx')) },
  { path: '/operator', labelKey: 'appealsweb:nav.operator', roles: ['operator', 'coordinator'], order: 15, element: page(() => import('./modules/appeals/operator/OperatorPage.tsx')) },
  { path: '/public/appeals', labelKey: 'appealsweb:nav.public', roles: 'public', order: 90, element: page(() => import('./modules/appeals/public/PublicAppealsPage.tsx')) },
];

export function canSee(entry: Pick<NavEntry, 'roles'>, me: Me | null): boolean {
  const r = entry.roles;
  if (r === 'public') return true;
  if (!me) return false;
  if (r === 'signed_in') return true;
  if (r === 'citizen') return me.kind === 'citizen';
  return me.kind === 'staff' && me.roles.some((g) => r.includes(g.role));
}

/** The menu items this user may open, in menu order. */
export function menuFor(me: Me | null): NavEntry[] {
  return NAV.filter((e) => !e.hidden && canSee(e, me)).sort((a, b) => (a.order ?? 100) - (b.order ?? 100));
}
