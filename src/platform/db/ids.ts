import { v7 } from 'uuid';

/**
 * Ids of the rows the hot paths write many of (appeals, workflow cases and their history,
 * notices): UUID version 7 (RFC 9562), whose leading 48 bits are the creation time in
 * milliseconds. Rows made at about the same time get neighbouring keys, so each primary key
 * and every index on such an id takes a new entry at its right edge — pages already in memory
 * — instead of at a random leaf of an index as large as the table (version 4), which at a
 * million appeals means a page read and, after each checkpoint, a whole-page image in the WAL
 * per index (bench/README.md, HISTORY "stop 16"). Still unguessable: 74 random bits.
 * The creation time an id reveals is no more than the row's own timestamps say.
 */
export function newId(): string {
  return v7();
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether `s` is a UUID in PostgreSQL's text form (any version): a lookup by a malformed id finds nothing instead of failing the cast. */
export function isUuid(s: string): boolean {
  return UUID.test(s);
}
