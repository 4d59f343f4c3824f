import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../../../test/db.ts';
import { DomainError } from '../http/errors.ts';
import { t } from '../i18n/i18n.ts';
import { IMAGE_TYPES } from './files.detect.ts';
import { blobPath, cleanFileName, filesRoot, publicImage, readFile, storeFile, sweepOrphanFiles, type FileDeps } from './files.ts';
import { GPS_LAT_BYTES, jpeg, PDF, png } from './fixtures.test-support.ts';

let tdb: TestDb;
let dataDir: string;
let deps: FileDeps;
const now = new Date('2026-03-10T10:00:00Z');

beforeAll(async () => {
  tdb = await createTestDb();
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ortak-files-'));
  deps = { dataDir };
});
afterAll(async () => {
  await tdb.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

async function refusal(p: Promise<unknown>): Promise<DomainError> {
  const e = await p.then(() => undefined, (err: unknown) => err);
  expect(e).toBeInstanceOf(DomainError);
  return e as DomainError;
}

const store = (bytes: Buffer, originalName: string, extra: Partial<FileDeps> = {}, field?: string) =>
  tdb.db.transaction().execute((trx) => storeFile(trx, { ...deps, ...extra }, { bytes, originalName, ...(field ? { field } : {}) }, now));

const blobs = () =>
  fs.readdirSync(filesRoot(dataDir), { withFileTypes: true })
    .filter((d) => d.isDirectory() && d.name !== 'tmp')
    .flatMap((d) => fs.readdirSync(path.join(filesRoot(dataDir), d.name)));
const temps = () => (fs.existsSync(path.join(filesRoot(dataDir), 'tmp')) ? fs.readdirSync(path.join(filesRoot(dataDir), 'tmp')) : []);

describe('storeFile', () => {
  it('stores a photo by its content hash, with its row in the transaction', async () => {
    const bytes = jpeg({ exif: true });
    const f = await store(bytes, 'IMG_0001.JPG');
    const sha = createHash('sha256').update(bytes).digest('hex');
    expect(f).toMatchObject({ sha256: sha, mime: 'image/jpeg', size: bytes.length, originalName: 'IMG_0001.JPG', hasExif: true });
    expect(blobPath(dataDir, sha)).toBe(path.join(dataDir, 'files', sha.slice(0, 2), sha));
    expect(fs.readFileSync(blobPath(dataDir, sha)).equals(bytes)).toBe(true);
    const row = await tdb.db.selectFrom('storedFile').selectAll().where('id', '=', f.id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ sha256: sha, mime: 'image/jpeg', size: bytes.length, hasExif: true });
    const plain = await store(png(), 'dot.png');
    expect(plain.hasExif).toBe(false);
    const pdf = await store(PDF, 'answer.pdf');
    expect(pdf.mime).toBe('application/pdf');
    expect(pdf.hasExif).toBeUndefined();
  });

  it('judges the type by the bytes, not by the name', async () => {
    // A ".jpg" that is really a PDF is a PDF…
    const f = await store(PDF, 'photo.jpg');
    expect(f.mime).toBe('application/pdf');
    // …and so refused where only images are accepted.
    const e = await refusal(store(PDF, 'photo.jpg', { types: IMAGE_TYPES }, 'photos'));
    expect([e.code, e.status, e.field]).toEqual(['unsupported_media_type', 415, 'photos']);
    expect(t('en', e.messageKey, { ...e.params, field: e.field })).toBe(
      'The file "photos" is not of an accepted type (JPEG, PNG, WebP). The type is judged by the file\'s content, not its name.',
    );
    // A text file named .png.
    const txt = await refusal(store(Buffer.from('hello, I am text'), 'image.png', {}, 'photo'));
    expect([txt.code, txt.status, txt.field]).toEqual(['unsupported_media_type', 415, 'photo']);
    // A damaged image with the right magic bytes.
    const broken = jpeg().subarray(0, 60);
    const b = await refusal(store(broken, 'cut.jpg'));
    expect([b.code, b.messageKey]).toEqual(['unsupported_media_type', 'files:corrupt_image']);
  });

  it('refuses files over the limit (413 naming the field) and empty ones', async () => {
    const big = Buffer.concat([PDF, Buffer.alloc(2048 - PDF.length, 0x20)]);
    const e = await refusal(store(big, 'big.pdf', { maxBytes: 2047 }, 'attachments'));
    expect([e.code, e.status, e.field]).toEqual(['payload_too_large', 413, 'attachments']);
    expect(t('ru', e.messageKey, { ...e.params, field: e.field })).toBe('Файл «attachments» больше 0.00195 МБ.');
    await store(big, 'big.pdf', { maxBytes: 2048 });
    const empty = await refusal(store(Buffer.alloc(0), 'nothing.pdf'));
    expect([empty.code, empty.status]).toEqual(['validation', 400]);
  });

  it('stores the same content once however many times it is uploaded', async () => {
    const bytes = jpeg({ comment: true });
    const before = blobs().length;
    const a = await store(bytes, 'a.jpg');
    const b = await store(bytes, 'b.jpg');
    expect(a.id).not.toBe(b.id);
    expect(a.sha256).toBe(b.sha256);
    expect(blobs().length).toBe(before + 1);
    const rows = await tdb.db.selectFrom('storedFile').select('originalName').where('sha256', '=', a.sha256).orderBy('originalName').execute();
    expect(rows.map((r) => r.originalName)).toEqual(['a.jpg', 'b.jpg']);
  });

  it('writes atomically: concurrent writers of one content leave one whole blob and no temp files', async () => {
    const bytes = Buffer.concat([PDF, Buffer.from(`% concurrent ${Date.now()}\n`)]);
    const sha = createHash('sha256').update(bytes).digest('hex');
    const files = await Promise.all(Array.from({ length: 8 }, (_, i) => store(bytes, `copy-${i}.pdf`)));
    expect(new Set(files.map((f) => f.sha256))).toEqual(new Set([sha]));
    expect(fs.readFileSync(blobPath(dataDir, sha)).equals(bytes)).toBe(true);
    expect(temps()).toEqual([]);
  });

  it('a failed write leaves neither a partial blob, a temp file nor a row', async () => {
    const bytes = Buffer.concat([PDF, Buffer.from('% doomed\n')]);
    const sha = createHash('sha256').update(bytes).digest('hex');
    // A directory squatting on the blob's path makes the final rename fail.
    fs.mkdirSync(path.join(blobPath(dataDir, sha), 'x'), { recursive: true });
    await expect(store(bytes, 'doomed.pdf')).rejects.toThrow();
    expect(temps()).toEqual([]);
    expect(fs.statSync(blobPath(dataDir, sha)).isDirectory()).toBe(true);
    expect(await tdb.db.selectFrom('storedFile').select('id').where('sha256', '=', sha).execute()).toEqual([]);
    fs.rmSync(blobPath(dataDir, sha), { recursive: true });
  });

  it('cleans the name it keeps', () => {
    expect(cleanFileName('../../etc/passwd')).toBe('passwd');
    expect(cleanFileName('C:\\Users\\Айгерім\\фото.jpg')).toBe('фото.jpg');
    expect(cleanFileName('a\u0000b\u001f.pdf')).toBe('ab.pdf');
    expect(cleanFileName('')).toBe('file');
    expect(cleanFileName('..')).toBe('file');
    expect([...cleanFileName('ж'.repeat(400) + '.pdf')].length).toBe(255);
  });
});

describe('rolled-back uploads and the orphan sweep', () => {
  it('a rolled-back transaction leaves no row; its blob is an orphan the sweep removes', async () => {
    const bytes = Buffer.concat([PDF, Buffer.from('% rolled back\n')]);
    const sha = createHash('sha256').update(bytes).digest('hex');
    await expect(
      tdb.db.transaction().execute(async (trx) => {
        await storeFile(trx, deps, { bytes, originalName: 'x.pdf' }, now);
        throw new Error('the business change failed');
      }),
    ).rejects.toThrow('the business change failed');
    expect(await tdb.db.selectFrom('storedFile').select('id').where('sha256', '=', sha).execute()).toEqual([]);
    expect(fs.existsSync(blobPath(dataDir, sha))).toBe(true);

    const kept = await store(jpeg({ iptc: true }), 'kept.jpg');
    const stale = path.join(filesRoot(dataDir), 'tmp', 'stale.tmp');
    fs.mkdirSync(path.dirname(stale), { recursive: true });
    fs.writeFileSync(stale, 'half');

    // Recent files are left alone: their transaction may still be open.
    expect(await sweepOrphanFiles(tdb.db, deps, new Date(Date.now() - 3600_000))).toEqual({ blobs: 0, temps: 0 });
    const swept = await sweepOrphanFiles(tdb.db, deps, new Date(Date.now() + 60_000));
    expect(swept.temps).toBe(1);
    expect(swept.blobs).toBeGreaterThanOrEqual(1);
    expect(fs.existsSync(blobPath(dataDir, sha))).toBe(false);
    expect(fs.existsSync(blobPath(dataDir, kept.sha256))).toBe(true);
    // Every stored row still has its blob.
    for (const r of await tdb.db.selectFrom('storedFile').select('sha256').execute()) expect(fs.existsSync(blobPath(dataDir, r.sha256))).toBe(true);
  });
});

describe('readFile and publicImage', () => {
  it('streams the stored bytes; an unknown id is not found', async () => {
    const bytes = png({ text: true });
    const f = await store(bytes, 'p.png');
    const { file, stream } = await readFile(tdb.db, deps, f.id);
    expect(file).toMatchObject({ id: f.id, mime: 'image/png', size: bytes.length, originalName: 'p.png' });
    const chunks: Buffer[] = [];
    for await (const c of stream) chunks.push(c as Buffer);
    expect(Buffer.concat(chunks).equals(bytes)).toBe(true);
    const e = await refusal(readFile(tdb.db, deps, '00000000-0000-4000-8000-000000000000'));
    expect([e.code, e.messageKey]).toEqual(['not_found', 'files:not_found']);
  });

  it('serves photos publicly without EXIF: no GPS, no camera; the stored original is untouched', async () => {
    const bytes = jpeg({ exif: true, xmp: true, orientation: 6 });
    const f = await store(bytes, 'street.jpg');
    const shown = await publicImage(tdb.db, deps, f.id);
    expect(shown.indexOf(GPS_LAT_BYTES)).toBe(-1);
    expect(shown.indexOf(Buffer.from('Phone'))).toBe(-1);
    expect(shown.indexOf(Buffer.from('GPSLatitude'))).toBe(-1);
    expect(shown.subarray(0, 3).equals(Buffer.from([0xff, 0xd8, 0xff]))).toBe(true);
    expect(fs.readFileSync(blobPath(dataDir, f.sha256)).indexOf(GPS_LAT_BYTES)).toBeGreaterThan(0);
    const pdf = await store(PDF, 'a.pdf');
    const e = await refusal(publicImage(tdb.db, deps, pdf.id));
    expect([e.code, e.messageKey]).toEqual(['not_found', 'files:not_an_image']);
  });
});
