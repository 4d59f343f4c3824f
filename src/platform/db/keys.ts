import { sql } from 'kysely';

/**
 * `(region_code, id) in <keys>`: rows of a region-keyed table by their keys, in one statement
 * (two array parameters, whatever the number of keys; the statement text stays the same).
 */
export function keyIn(keys: readonly { regionCode: string; id: string }[]) {
  return sql<boolean>`(region_code, id) in (select * from unnest(${keys.map((k) => k.regionCode)}::text[], ${keys.map((k) => k.id)}::uuid[]))`;
}
