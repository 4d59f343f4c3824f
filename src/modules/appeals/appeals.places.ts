import type { Executor } from '../../platform/db/database.ts';
import { invalid } from '../../platform/http/errors.ts';
import { requireKato } from '../directory/directory.errors.ts';
import { territoryExists } from './appeals.reference.ts';

/**
 * Where an appeal is: a KATO territory, from the code the client chose (an address picker
 * backed by GET /api/territories) or, when only a map point is given, the nearest known
 * settlement within 25 km.
 *
 * Limit: the point lookup is a stand-in for a geocoder (KATO publishes no polygons): a short
 * list of settlement centres, approximate to ~1 km. A production install plugs in the
 * national address register (АР РК) here.
 */

const CENTRES: readonly { code: string; lat: number; lon: number }[] = [
  { code: '351010000', lat: 49.806, lon: 73.085 }, // Karaganda
  { code: '352410000', lat: 50.054, lon: 72.964 }, // Temirtau
  { code: '352210000', lat: 49.79, lon: 72.845 }, // Saran
  { code: '351610000', lat: 46.848, lon: 74.995 }, // Balkhash
  { code: '353220100', lat: 49.631, lon: 72.859 }, // Abai
  { code: '354820100', lat: 49.406, lon: 75.474 }, // Karkaraly
  { code: '710000000', lat: 51.169, lon: 71.449 }, // Astana
  { code: '750000000', lat: 43.238, lon: 76.946 }, // Almaty
  { code: '790000000', lat: 42.317, lon: 69.586 }, // Shymkent
];

export function distanceMetres(a: { lat: number; lon: number }, b: { lat: number; lon: number }): number {
  const rad = Math.PI / 180;
  const h = Math.sin(((b.lat - a.lat) * rad) / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(((b.lon - a.lon) * rad) / 2) ** 2;
  return 2 * 6_371_000 * Math.asin(Math.sqrt(h));
}

export function nearestSettlement(p: { lat: number; lon: number }, maxMetres = 25_000): string | undefined {
  let best: { code: string; d: number } | undefined;
  for (const c of CENTRES) {
    const d = distanceMetres(p, c);
    if (d <= maxMetres && (!best || d < best.d)) best = { code: c.code, d };
  }
  return best?.code;
}

/** The appeal's KATO territory; a 400 naming `territoryCode` (or `location`) when it cannot be told. */
export async function resolveTerritory(db: Executor, input: { territoryCode?: string | null; location?: { lat: number; lon: number } | null }): Promise<string> {
  if (input.territoryCode) {
    const code = requireKato('territoryCode', input.territoryCode);
    if (!(await territoryExists(db, code))) throw invalid('territoryCode', 'unknown territory', 'appeals:errors.territory_unknown', { code });
    return code;
  }
  if (input.location) {
    const code = nearestSettlement(input.location);
    if (code && (await territoryExists(db, code))) return code;
    throw invalid('location', 'no known settlement near this point; choose the territory', 'appeals:errors.location_unresolved');
  }
  throw invalid('territoryCode', 'give the territory or a map point', 'appeals:errors.territory_required');
}
