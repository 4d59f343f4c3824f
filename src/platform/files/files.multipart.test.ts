import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../../../test/db.ts';
import { buildApp } from '../../app.ts';
import { loadConfig } from '../../config.ts';
import type { App } from '../http/types.ts';
import { IMAGE_TYPES } from './files.detect.ts';
import { readMultipart } from './files.multipart.ts';
import { storeFile, type StoredFile } from './files.ts';
import { jpeg, PDF, png } from './fixtures.test-support.ts';

const MAX = 4096;
let tdb: TestDb;
let app: App;
let dataDir: string;

/**
 * A tiny upload route built in the test on the real app: a title, up to two photos (images
 * only) and one optional document (any accepted type), under 2 × FILE_MAX_BYTES together.
 */
beforeAll(async () => {
  tdb = await createTestDb();
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ortak-upload-'));
  const config = loadConfig({ SEED_DEMO: 'false', LOG_LEVEL: 'silent', DATABASE_URL: tdb.url, DATA_DIR: dataDir, FILE_MAX_BYTES: String(MAX) });
  app = await buildApp({ config, db: tdb.db, logger: false });
  app.post('/api/test/upload', { schema: { hide: true } }, async (req) => {
    const { fields, files } = await readMultipart(req, {
      fields: { title: { required: true, maxLength: 20 } },
      files: { photos: { required: true, maxCount: 2 }, document: {} },
      maxTotalBytes: 2 * MAX - 1,
    });
    const stored: StoredFile[] = await tdb.db.transaction().execute(async (trx) => {
      const out: StoredFile[] = [];
      const now = new Date();
      for (const f of files.photos) {
        out.push(await storeFile(trx, { dataDir, maxBytes: config.fileMaxBytes, types: IMAGE_TYPES }, { bytes: f.bytes, originalName: f.filename, field: 'photos' }, now));
      }
      for (const f of files.document) {
        out.push(await storeFile(trx, { dataDir, maxBytes: config.fileMaxBytes }, { bytes: f.bytes, originalName: f.filename, field: 'document' }, now));
      }
      return out;
    });
    return { title: fields.title, files: stored.map((f) => ({ mime: f.mime, name: f.originalName, size: f.size })) };
  });
  await app.ready();
});
afterAll(async () => {
  await app.close();
  await tdb.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

type Part = { name: string; value: string } | { name: string; filename: string; type: string; bytes: Buffer };
const BOUNDARY = '----ortak-test-boundary';

function form(parts: Part[], opts: { unterminated?: boolean } = {}): Buffer {
  const chunks: Buffer[] = [];
  for (const p of parts) {
    chunks.push(Buffer.from(`--${BOUNDARY}\r\n`));
    if ('value' in p) {
      chunks.push(Buffer.from(`Content-Disposition: form-data; name="${p.name}"\r\n\r\n${p.value}\r\n`));
    } else {
      chunks.push(Buffer.from(`Content-Disposition: form-data; name="${p.name}"; filename="${p.filename}"\r\nContent-Type: ${p.type}\r\n\r\n`));
      chunks.push(p.bytes, Buffer.from('\r\n'));
    }
  }
  if (!opts.unterminated) chunks.push(Buffer.from(`--${BOUNDARY}--\r\n`));
  return Buffer.concat(chunks);
}

const upload = (payload: Buffer, lang = 'en', contentType = `multipart/form-data; boundary=${BOUNDARY}`) =>
  app.inject({ method: 'POST', url: '/api/test/upload', headers: { 'content-type': contentType, 'accept-language': lang }, payload });

const title = { name: 'title', value: 'Яма на дороге' };
const photo = (bytes: Buffer, filename = 'photo.jpg', type = 'image/jpeg') => ({ name: 'photos', filename, type, bytes });

function problem(res: { statusCode: number; headers: Record<string, unknown>; json(): unknown }, status: number, code: string, field?: string) {
  expect(res.statusCode).toBe(status);
  expect(String(res.headers['content-type'])).toContain('application/problem+json');
  const body = res.json() as { code: string; detail: string; errors?: { field: string; message: string }[] };
  expect(body.code).toBe(code);
  if (field) expect(body.errors?.[0]?.field).toBe(field);
  return body;
}

describe('readMultipart through HTTP', () => {
  it('returns the fields and the files; storeFile judges each by its bytes', async () => {
    const res = await upload(form([title, photo(jpeg({ exif: true }), 'фото 1.jpg'), photo(png(), 'двор.png', 'image/png'), { name: 'document', filename: 'заявление.pdf', type: 'application/pdf', bytes: PDF }]));
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({
      title: 'Яма на дороге',
      files: [
        { mime: 'image/jpeg', name: 'фото 1.jpg', size: jpeg({ exif: true }).length },
        { mime: 'image/png', name: 'двор.png', size: png().length },
        { mime: 'application/pdf', name: 'заявление.pdf', size: PDF.length },
      ],
    });
  });

  it('a text file named .png, and a .jpg that is really a PDF, are 415 naming the field', async () => {
    const txt = problem(await upload(form([title, photo(Buffer.from('not an image at all'), 'x.png', 'image/png')])), 415, 'unsupported_media_type', 'photos');
    expect(txt.detail).toContain('"photos"');
    problem(await upload(form([title, photo(PDF, 'scan.jpg', 'image/jpeg')])), 415, 'unsupported_media_type', 'photos');
    // The same PDF is fine where documents are accepted.
    const ok = await upload(form([title, photo(jpeg()), { name: 'document', filename: 'scan.jpg', type: 'image/jpeg', bytes: PDF }]));
    expect(ok.statusCode).toBe(200);
    expect((ok.json() as { files: { mime: string }[] }).files[1]!.mime).toBe('application/pdf');
  });

  it('a file over FILE_MAX_BYTES is 413 naming the field, in the reader\'s language', async () => {
    const big = Buffer.concat([jpeg(), Buffer.alloc(MAX, 0)]);
    const body = problem(await upload(form([title, photo(big)]), 'ru'), 413, 'payload_too_large', 'photos');
    expect(body.detail).toBe('Файл «photos» больше 0.00391 МБ.');
    // Each under the limit, together over the request's total.
    const third = Buffer.concat([PDF, Buffer.alloc(MAX - PDF.length, 0x20)]);
    const total = problem(await upload(form([title, photo(Buffer.concat([jpeg(), Buffer.alloc(MAX - jpeg().length)])), { name: 'document', filename: 'd.pdf', type: 'application/pdf', bytes: third }])), 413, 'payload_too_large', 'document');
    expect(total.detail).toBe('The files together are larger than 0.00781 MB.');
  });

  it('too many files in a field is 400 naming it, however many follow (the rest are never read)', async () => {
    problem(await upload(form([title, photo(jpeg()), photo(jpeg()), photo(jpeg())])), 400, 'validation', 'photos');
    const flood = Array.from({ length: 200 }, () => photo(jpeg()));
    problem(await upload(form([title, ...flood])), 400, 'validation', 'photos');
  });

  it('unknown parts, missing and over-long fields are 400 naming the field', async () => {
    problem(await upload(form([title, photo(jpeg()), { name: 'iin', value: '900515301234' }])), 400, 'validation', 'iin');
    problem(await upload(form([title, photo(jpeg()), { name: 'extra', filename: 'a.jpg', type: 'image/jpeg', bytes: jpeg() }])), 400, 'validation', 'extra');
    const missing = problem(await upload(form([photo(jpeg())]), 'kk'), 400, 'validation', 'title');
    expect(missing.detail).toBe('«title» өрісін толтырыңыз.');
    problem(await upload(form([title])), 400, 'validation', 'photos');
    problem(await upload(form([{ name: 'title', value: 'ы'.repeat(21) }, photo(jpeg())])), 400, 'validation', 'title');
    problem(await upload(form([title, title, photo(jpeg())])), 400, 'validation', 'title');
  });

  it('a body that is not multipart is 415; a damaged one is 400; never 500', async () => {
    const json = await app.inject({ method: 'POST', url: '/api/test/upload', payload: { title: 'x' } });
    problem(json, 415, 'unsupported_media_type');
    problem(await upload(form([title, photo(jpeg())], { unterminated: true })), 400, 'validation');
    problem(await upload(Buffer.from('garbage'), 'en', 'multipart/form-data'), 400, 'validation');
    problem(await upload(Buffer.from('--x\r\nContent-Disposition: form-data\r\n\r\nno name\r\n--x--\r\n'), 'en', 'multipart/form-data; boundary=x'), 400, 'validation');
    const empty = await upload(Buffer.alloc(0));
    expect(empty.statusCode).toBe(400);
  });
});
