import { pick } from './format.ts';
import type { Category, Lang } from './types.ts';

/** The category tree of a region for pickers: children in order, searching in every language. */

export interface CategoryTree {
  byId: Map<string, Category>;
  children: Map<string | null, Category[]>;
}

export function buildTree(items: Category[]): CategoryTree {
  const active = items.filter((c) => c.isActive);
  const byId = new Map(active.map((c) => [c.id, c]));
  const children = new Map<string | null, Category[]>();
  for (const c of active) {
    const parent = c.parentId && byId.has(c.parentId) ? c.parentId : null;
    const list = children.get(parent) ?? [];
    list.push(c);
    children.set(parent, list);
  }
  for (const list of children.values()) list.sort((a, b) => a.sort - b.sort || a.code.localeCompare(b.code));
  return { byId, children };
}

/** "Housing and utilities › Heating › No heating in the flat". */
export function categoryPath(tree: CategoryTree, id: string, lang: Lang, sep = ' › '): string {
  const c = tree.byId.get(id);
  if (!c) return '';
  return c.path
    .map((p) => tree.byId.get(p))
    .filter((x): x is Category => !!x)
    .map((x) => pick(x.name, lang))
    .join(sep);
}

/** Lower case, ё → е, Kazakh letters to their nearest Russian ones, so "отопл" finds "Отопление" and "жылу" works in any case. */
export function fold(s: string): string {
  return s
    .toLocaleLowerCase()
    .replace(/ё/g, 'е')
    .replace(/[әӘ]/g, 'а')
    .replace(/[іІ]/g, 'и')
    .replace(/[ңҢ]/g, 'н')
    .replace(/[ғҒ]/g, 'г')
    .replace(/[үұ]/g, 'у')
    .replace(/[қ]/g, 'к')
    .replace(/[өӨ]/g, 'о')
    .replace(/[һ]/g, 'х');
}

/** Whether a category (by any of its names, its keywords or code) matches every word of the query. */
export function matches(c: Category, query: string): boolean {
  const words = fold(query).split(/\s+/).filter(Boolean);
  if (!words.length) return true;
  const hay = fold([c.name.kk, c.name.ru, c.name.en, c.code, ...c.keywords].join(' '));
  return words.every((w) => hay.includes(w));
}

/** The leaves (what an appeal is filed under) that match, with their whole path matched too. */
export function searchLeaves(tree: CategoryTree, query: string, lang: Lang): { category: Category; label: string }[] {
  const out: { category: Category; label: string }[] = [];
  for (const c of tree.byId.values()) {
    if (!isSelectable(tree, c)) continue;
    const path = c.path.map((p) => tree.byId.get(p)).filter((x): x is Category => !!x);
    const words = fold(query).split(/\s+/).filter(Boolean);
    const hay = path.map((x) => fold([x.name.kk, x.name.ru, x.name.en, x.code, ...x.keywords].join(' '))).join(' ');
    if (words.every((w) => hay.includes(w))) out.push({ category: c, label: categoryPath(tree, c.id, lang) });
  }
  return out.sort((a, b) => a.label.localeCompare(b.label, lang));
}

/** An appeal is filed under a leaf; a branch with no active children counts as one. */
export function isSelectable(tree: CategoryTree, c: Category): boolean {
  return !(tree.children.get(c.id)?.length ?? 0);
}
