import multipart from '@fastify/multipart';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Config } from '../../config.ts';
import { DomainError, invalid } from '../http/errors.ts';
import { tooLarge } from './files.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** FILE_MAX_BYTES, for readMultipart. */
    fileMaxBytes: number;
  }
}

/** Limits for every multipart request; a route narrows them with readMultipart's spec. */
export const MULTIPART_LIMITS = { files: 20, fields: 50, fieldSize: 64 * 1024, parts: 80, headerPairs: 100, fieldNameSize: 100 } as const;

/**
 * @fastify/multipart for the whole app, with limits from config. Multipart bodies are read only
 * when a route calls readMultipart; JSON routes are unaffected.
 */
export async function registerMultipart(app: FastifyInstance, config: Pick<Config, 'fileMaxBytes'>): Promise<void> {
  await app.register(multipart, { limits: { ...MULTIPART_LIMITS, fileSize: config.fileMaxBytes }, throwFileSizeLimit: true });
  app.decorateRequest('fileMaxBytes', config.fileMaxBytes);
}

export interface FieldSpec {
  required?: boolean;
  /** Characters; default 10,000. */
  maxLength?: number;
}

export interface FileSpec {
  required?: boolean;
  /** Files in this field; default 1. */
  maxCount?: number;
}

export interface MultipartSpec<F extends string, U extends string> {
  fields?: Record<F, FieldSpec>;
  files?: Record<U, FileSpec>;
  /** Per file; default FILE_MAX_BYTES. */
  maxBytes?: number;
  /**
   * All files of the request together; default 5 × maxBytes. Files are held in memory until the
   * route stores them, so this bounds what one request can make the process hold.
   */
  maxTotalBytes?: number;
}

export interface UploadedFile {
  field: string;
  /** As the client named it (clean it before storing: storeFile does). */
  filename: string;
  /** As the client declared it; not trusted (storeFile judges the bytes). */
  declaredMime: string;
  bytes: Buffer;
}

export interface MultipartResult<F extends string, U extends string> {
  fields: Partial<Record<F, string>>;
  files: Record<U, UploadedFile[]>;
}

const tooManyParts = () => new DomainError('payload_too_large', 'too many parts', { messageKey: 'files:too_many_parts' });
const unexpected = (field: string) => invalid(field, 'unexpected form part', 'files:unexpected_part', { field });

/**
 * Reads a multipart/form-data request into typed fields and file buffers. Every failure is a
 * DomainError (problem+json naming the field): not multipart → 415, a file over the limit or
 * too many parts → 413, unknown parts, missing required ones, over-long fields or a damaged
 * body → 400. Never a 500 for what the client sent.
 */
export async function readMultipart<F extends string = never, U extends string = never>(
  req: FastifyRequest,
  spec: MultipartSpec<F, U>,
): Promise<MultipartResult<F, U>> {
  if (!req.isMultipart()) {
    throw new DomainError('unsupported_media_type', 'not multipart/form-data', { messageKey: 'files:not_multipart' });
  }
  const fieldSpecs = (spec.fields ?? {}) as Record<string, FieldSpec>;
  const fileSpecs = (spec.files ?? {}) as Record<string, FileSpec>;
  const maxBytes = spec.maxBytes ?? req.fileMaxBytes;
  const maxTotalBytes = spec.maxTotalBytes ?? maxBytes * 5;
  let totalBytes = 0;
  const maxFiles = Object.values(fileSpecs).reduce((n, s) => n + (s.maxCount ?? 1), 0);
  const maxFields = Object.keys(fieldSpecs).length;
  const fields: Record<string, string> = {};
  const files: Record<string, UploadedFile[]> = Object.fromEntries(Object.keys(fileSpecs).map((k) => [k, []]));
  let current = '(request)';
  try {
    const parts = req.parts({
      limits: {
        fileSize: maxBytes,
        // One over what the route takes, so that the extra part reaches the checks below and is
        // named; busboy's own limit stops a flood beyond that.
        files: maxFiles + 1,
        fields: maxFields + 1,
        parts: Math.min(maxFiles + maxFields + 2, MULTIPART_LIMITS.parts),
        fieldSize: Math.max(...Object.values(fieldSpecs).map((s) => (s.maxLength ?? 10_000) * 4), 1024),
      },
    });
    for await (const part of parts) {
      current = part.fieldname;
      if (part.type === 'file') {
        const s = fileSpecs[part.fieldname];
        if (!s || !Object.hasOwn(fileSpecs, part.fieldname)) {
          part.file.resume();
          throw unexpected(part.fieldname);
        }
        const bytes = await part.toBuffer();
        totalBytes += bytes.length;
        if (totalBytes > maxTotalBytes) {
          throw new DomainError('payload_too_large', 'files too large together', {
            field: part.fieldname,
            messageKey: 'files:too_large_total',
            params: { maxMb: Number((maxTotalBytes / (1024 * 1024)).toPrecision(3)) },
          });
        }
        const list = files[part.fieldname]!;
        if (list.length >= (s.maxCount ?? 1)) {
          throw new DomainError('validation', 'too many files', { field: part.fieldname, messageKey: 'files:too_many_files', params: { max: s.maxCount ?? 1 } });
        }
        list.push({ field: part.fieldname, filename: part.filename, declaredMime: part.mimetype, bytes });
      } else {
        const s = fieldSpecs[part.fieldname];
        if (!s || !Object.hasOwn(fieldSpecs, part.fieldname)) throw unexpected(part.fieldname);
        const value = typeof part.value === 'string' ? part.value : JSON.stringify(part.value);
        const max = s.maxLength ?? 10_000;
        if (part.valueTruncated || [...value].length > max) {
          throw invalid(part.fieldname, 'too long', 'files:field_too_long', { max });
        }
        if (Object.hasOwn(fields, part.fieldname)) throw unexpected(part.fieldname);
        fields[part.fieldname] = value;
      }
    }
  } catch (e) {
    if (e instanceof DomainError) throw e;
    const code = (e as { code?: string }).code;
    if (code === 'FST_REQ_FILE_TOO_LARGE') throw tooLarge(current, maxBytes);
    if (code === 'FST_FILES_LIMIT' || code === 'FST_PARTS_LIMIT' || code === 'FST_FIELDS_LIMIT') throw tooManyParts();
    if (code === 'FST_INVALID_MULTIPART_CONTENT_TYPE') {
      throw new DomainError('unsupported_media_type', 'not multipart/form-data', { messageKey: 'files:not_multipart' });
    }
    if (code === 'FST_PROTO_VIOLATION') throw unexpected(current);
    // Everything else here comes from parsing the client's bytes (busboy: a missing boundary,
    // a truncated part, a bad header): the client's fault, never a 500.
    throw invalid('(request)', `multipart: ${(e as Error).message}`, 'files:malformed');
  }
  for (const [name, s] of Object.entries(fieldSpecs)) {
    if (s.required && (fields[name] === undefined || fields[name].trim() === '')) {
      throw invalid(name, 'required', 'files:missing_field', { field: name });
    }
  }
  for (const [name, s] of Object.entries(fileSpecs)) {
    if (s.required && files[name]!.length === 0) throw invalid(name, 'required', 'files:missing_file', { field: name });
  }
  return { fields: fields as Partial<Record<F, string>>, files: files as Record<U, UploadedFile[]> };
}
