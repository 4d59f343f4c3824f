/**
 * File types recognised by their first bytes ("magic numbers"), never by name or declared type.
 * Only the types Ortak accepts are known; anything else is `undefined`.
 */
export const FILE_TYPES = ['image/jpeg', 'image/png', 'image/webp', 'application/pdf'] as const;
export type FileType = (typeof FILE_TYPES)[number];
export const IMAGE_TYPES: readonly FileType[] = ['image/jpeg', 'image/png', 'image/webp'];

/** Short names for messages: "JPEG, PNG, WebP, PDF". */
export const TYPE_LABEL: Record<FileType, string> = {
  'image/jpeg': 'JPEG',
  'image/png': 'PNG',
  'image/webp': 'WebP',
  'application/pdf': 'PDF',
};

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

function startsWith(b: Uint8Array, sig: readonly number[], at = 0): boolean {
  if (b.length < at + sig.length) return false;
  return sig.every((v, i) => b[at + i] === v);
}

const ascii = (s: string) => [...s].map((c) => c.charCodeAt(0));

export function detectType(b: Uint8Array): FileType | undefined {
  if (startsWith(b, [0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (startsWith(b, PNG_SIGNATURE)) return 'image/png';
  if (startsWith(b, ascii('RIFF')) && startsWith(b, ascii('WEBP'), 8)) return 'image/webp';
  // PDF readers tolerate a header anywhere in the first 1024 bytes; accepting only offset 0
  // refuses polyglots that start as something else.
  if (startsWith(b, ascii('%PDF-'))) return 'application/pdf';
  return undefined;
}

export function isImage(mime: string): boolean {
  return (IMAGE_TYPES as readonly string[]).includes(mime);
}
