import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import type { Executor } from '../db/database.ts';
import { DomainError, notFound } from '../http/errors.ts';
import { detectType, FILE_TYPES, isImage, TYPE_LABEL, type FileType } from './files.detect.ts';
import { CorruptImage, scanImage, stripMetadata } from './files.metadata.ts';

/**
 * Uploaded files (README.md beside this file): type judged by the bytes, size limited, stored
 * once per content under DATA_DIR/files/<sha256[0..2]>/<sha256>, one row per upload.
 */

export interface StoredFile {
  id: string;
  sha256: string;
  mime: string;
  size: number;
  originalName: string;
  /** The image carries EXIF or other metadata that `publicImage` removes. */
  hasExif?: boolean;
}

export const DEFAULT_FILE_MAX_BYTES = 10 * 1024 * 1024;

export interface FileDeps {
  /** DATA_DIR; blobs go under <dataDir>/files. */
  dataDir: string;
  /** FILE_MAX_BYTES (default 10 MB). */
  maxBytes?: number;
  /** Accepted types (default all four: JPEG, PNG, WebP, PDF). */
  types?: readonly FileType[];
}

export interface FileInput {
  bytes: Buffer;
  originalName: string;
  /** What the client said it is. Not trusted: the bytes decide. */
  declaredMime?: string;
  /** The form field the file came in, named in errors (default "file"). */
  field?: string;
}

export function filesRoot(dataDir: string): string {
  return path.join(dataDir, 'files');
}

export function blobPath(dataDir: string, sha256: string): string {
  if (!/^[0-9a-f]{64}$/.test(sha256)) throw new Error('blobPath: not a sha256');
  return path.join(filesRoot(dataDir), sha256.slice(0, 2), sha256);
}

/** The last path segment, without control characters, at most 255 characters; "file" if nothing is left. */
export function cleanFileName(name: string): string {
  // eslint-disable-next-line no-control-regex
  const base = (name.split(/[\\/]/).pop() ?? '').replace(/[\u0000-\u001f\u007f]/g, '').trim();
  return ([...base].slice(-255).join('') || 'file').replace(/^\.+$/, 'file');
}

export function tooLarge(field: string, maxBytes: number): DomainError {
  return new DomainError('payload_too_large', `${field} is larger than ${maxBytes} bytes`, {
    field,
    messageKey: 'files:too_large',
    params: { maxMb: Number((maxBytes / (1024 * 1024)).toPrecision(3)) },
  });
}

function unsupported(field: string, types: readonly FileType[], key = 'files:unsupported_type'): DomainError {
  return new DomainError('unsupported_media_type', `${field} is not one of ${types.join(', ')}`, {
    field,
    messageKey: key,
    params: { types: types.map((t) => TYPE_LABEL[t]).join(', ') },
  });
}

/**
 * Writes the blob if it is not there yet: a temp file in files/tmp, fsynced, then renamed into
 * place (rename is atomic on one file system), so a reader never sees half a file. Two writers
 * of the same content both rename a complete copy; the last one wins, with the same bytes.
 */
export async function writeBlob(dataDir: string, sha256: string, bytes: Buffer): Promise<void> {
  const final = blobPath(dataDir, sha256);
  const existing = await fs.promises.stat(final).catch(() => undefined);
  if (existing && existing.size === bytes.length) {
    // Fresh mtime: the orphan sweep only removes blobs untouched for a while, so it cannot take
    // this one while the transaction that refers to it is still open.
    const now = new Date();
    await fs.promises.utimes(final, now, now).catch(() => {});
    return;
  }
  const tmpDir = path.join(filesRoot(dataDir), 'tmp');
  await fs.promises.mkdir(tmpDir, { recursive: true });
  await fs.promises.mkdir(path.dirname(final), { recursive: true });
  const tmp = path.join(tmpDir, `${sha256}.${randomUUID()}.tmp`);
  try {
    const fh = await fs.promises.open(tmp, 'wx', 0o640);
    try {
      await fh.writeFile(bytes);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await fs.promises.rename(tmp, final);
  } catch (e) {
    await fs.promises.rm(tmp, { force: true });
    throw e;
  }
}

/**
 * Checks and stores one file; the row is written in the caller's transaction. The blob is
 * written first: if the transaction then rolls back, the blob stays as an orphan, harmless
 * (nothing points to it) and removed by `sweepOrphanFiles`.
 */
export async function storeFile(trx: Executor, deps: FileDeps, input: FileInput, now: Date): Promise<StoredFile> {
  const field = input.field ?? 'file';
  const maxBytes = deps.maxBytes ?? DEFAULT_FILE_MAX_BYTES;
  const types = deps.types ?? FILE_TYPES;
  if (input.bytes.length === 0) throw new DomainError('validation', `${field} is empty`, { field, messageKey: 'files:empty' });
  if (input.bytes.length > maxBytes) throw tooLarge(field, maxBytes);
  const mime = detectType(input.bytes);
  if (!mime || !types.includes(mime)) throw unsupported(field, types);
  let hasExif: boolean | undefined;
  if (isImage(mime)) {
    try {
      hasExif = scanImage(mime, input.bytes).hasMetadata;
    } catch (e) {
      if (e instanceof CorruptImage) throw unsupported(field, types, 'files:corrupt_image');
      throw e;
    }
  }
  const sha256 = createHash('sha256').update(input.bytes).digest('hex');
  await writeBlob(deps.dataDir, sha256, input.bytes);
  const file: StoredFile = {
    id: randomUUID(),
    sha256,
    mime,
    size: input.bytes.length,
    originalName: cleanFileName(input.originalName),
    ...(hasExif !== undefined ? { hasExif } : {}),
  };
  await trx
    .insertInto('storedFile')
    .values({ id: file.id, sha256, mime, size: file.size, originalName: file.originalName, hasExif: hasExif ?? false, createdAt: now })
    .execute();
  return file;
}

export async function findFile(db: Executor, id: string): Promise<StoredFile | undefined> {
  const r = await db.selectFrom('storedFile').select(['id', 'sha256', 'mime', 'size', 'originalName', 'hasExif']).where('id', '=', id).executeTakeFirst();
  if (!r) return undefined;
  return { id: r.id, sha256: r.sha256, mime: r.mime, size: Number(r.size), originalName: r.originalName, ...(isImage(r.mime) ? { hasExif: r.hasExif } : {}) };
}

export async function getFile(db: Executor, id: string): Promise<StoredFile> {
  const f = await findFile(db, id);
  if (!f) throw notFound('file', { messageKey: 'files:not_found' });
  return f;
}

/**
 * The file's row and a stream of its bytes. Who may read it is the caller's check (e.g. the
 * appeal it is attached to). A row whose blob is gone is an operational fault (a 500 with a log
 * line), not a "not found".
 */
export async function readFile(db: Executor, deps: Pick<FileDeps, 'dataDir'>, id: string): Promise<{ file: StoredFile; stream: Readable }> {
  const file = await getFile(db, id);
  const p = blobPath(deps.dataDir, file.sha256);
  await fs.promises.access(p, fs.constants.R_OK);
  return { file, stream: fs.createReadStream(p) };
}

/** The image with EXIF (GPS, camera, times) and other metadata removed, for public display. */
export async function publicImage(db: Executor, deps: Pick<FileDeps, 'dataDir'>, id: string): Promise<Buffer> {
  const file = await getFile(db, id);
  if (!isImage(file.mime)) throw notFound('image', { messageKey: 'files:not_an_image' });
  const bytes = await fs.promises.readFile(blobPath(deps.dataDir, file.sha256));
  return stripMetadata(file.mime as FileType, bytes);
}

/**
 * Removes blobs no row refers to and leftover temp files, when untouched since `olderThan`
 * (give it a day: a blob written for a transaction still open must not go). Orphans come from
 * rolled-back transactions and crashes between the write and the commit.
 */
export async function sweepOrphanFiles(db: Executor, deps: Pick<FileDeps, 'dataDir'>, olderThan: Date): Promise<{ blobs: number; temps: number }> {
  const root = filesRoot(deps.dataDir);
  const out = { blobs: 0, temps: 0 };
  const dirs = await fs.promises.readdir(root, { withFileTypes: true }).catch(() => []);
  const old = async (p: string) => {
    const st = await fs.promises.stat(p).catch(() => undefined);
    return st !== undefined && st.mtime < olderThan;
  };
  for (const d of dirs) {
    if (!d.isDirectory()) continue;
    const dir = path.join(root, d.name);
    const names = await fs.promises.readdir(dir);
    if (d.name === 'tmp') {
      for (const n of names) if (await old(path.join(dir, n))) {
        await fs.promises.rm(path.join(dir, n), { force: true });
        out.temps++;
      }
      continue;
    }
    const candidates: string[] = [];
    for (const n of names) if (/^[0-9a-f]{64}$/.test(n) && (await old(path.join(dir, n)))) candidates.push(n);
    for (let i = 0; i < candidates.length; i += 500) {
      const batch = candidates.slice(i, i + 500);
      const used = new Set((await db.selectFrom('storedFile').select('sha256').where('sha256', 'in', batch).execute()).map((r) => r.sha256));
      for (const sha of batch) {
        // Checked again just before removal: an upload of the same content touches the blob.
        if (used.has(sha) || !(await old(path.join(dir, sha)))) continue;
        await fs.promises.rm(path.join(dir, sha), { force: true });
        out.blobs++;
      }
    }
  }
  return out;
}
