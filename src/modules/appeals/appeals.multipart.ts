import { createHash } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { readMultipart } from '../../platform/files/files.multipart.ts';
import { invalid } from '../../platform/http/errors.ts';
import type { Attachment } from './appeals.intake.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** Files of a multipart intake or answer, read by `multipartJson` before validation. */
    appealFiles?: Attachment[];
  }
}

export const MAX_FILES = 10;
/** Large enough that a 1 MB text reaches the schema and is refused naming `text`, not as a bare 413. */
export const INTAKE_BODY_LIMIT = 4 * 1024 * 1024;

/**
 * A preValidation hook that lets a JSON route also take multipart/form-data: the JSON object in
 * the field `data` becomes the body (validated by the route's schema as usual), the parts of the
 * field `files` become `req.appealFiles`. Oversized files (413), wrong types (415, judged by
 * storeFile from the bytes) and stray parts (400) are problem+json naming the field.
 */
export async function multipartJson(req: FastifyRequest): Promise<void> {
  if (!req.isMultipart()) return;
  const { fields, files } = await readMultipart(req, { fields: { data: { required: true, maxLength: 40_000 } }, files: { files: { maxCount: MAX_FILES } } });
  let data: unknown;
  try {
    data = JSON.parse(fields.data!);
  } catch {
    throw invalid('data', 'not JSON', 'appeals:errors.data_invalid');
  }
  if (!data || typeof data !== 'object' || Array.isArray(data)) throw invalid('data', 'not a JSON object', 'appeals:errors.data_invalid');
  req.body = data;
  req.appealFiles = files.files.map((f, i) => ({ bytes: f.bytes, originalName: f.filename, declaredMime: f.declaredMime, field: `files.${i}` }));
}

/** What identifies a request for idempotency: its body and its files' content. */
export function requestIdentity(req: FastifyRequest): unknown {
  return { body: req.body, files: (req.appealFiles ?? []).map((f) => createHash('sha256').update(f.bytes).digest('hex')) };
}
