import type { FileType } from './files.detect.ts';

/**
 * Image metadata removal for photos shown publicly (EXIF holds GPS location, camera serials,
 * times; XMP and IPTC can hold the same). Works on the container only — pixels are never
 * decoded or re-encoded, so quality and size stay as uploaded.
 *
 * - JPEG: keeps only what drawing needs (APP0 JFIF, APP2 ICC profile, APP14 Adobe, tables,
 *   frame, scans). Every other APPn (APP1 EXIF/XMP, APP13 IPTC, maker segments, APP2 MPF) and
 *   comments go, and so do bytes after EOI (phones append extra images there, with their own
 *   EXIF). The EXIF orientation, when not 1, is put back as a minimal EXIF holding nothing else,
 *   so the photo is not shown sideways.
 * - PNG: keeps the critical chunks and those that change the picture (colour, transparency,
 *   animation); drops eXIf, tEXt, zTXt, iTXt, tIME, private chunks and anything after IEND.
 * - WebP: keeps bitstreams, alpha, animation and ICC; drops EXIF, XMP and unknown chunks and
 *   clears the VP8X metadata flags.
 *
 * A container that cannot be walked is `CorruptImage`: storeFile refuses it at upload, so every
 * stored image can be stripped later.
 */
export class CorruptImage extends Error {}

export interface ImageScan {
  /** Something that stripping removes: EXIF, XMP, IPTC, comments, text chunks, trailing data. */
  hasMetadata: boolean;
  /** EXIF orientation (1–8) when present. */
  orientation?: number;
}

// ── JPEG ───────────────────────────────────────────────────────────────────────────────────

interface JpegPart {
  start: number;
  end: number;
  marker: number;
  /** Metadata to drop. */
  drop: boolean;
}

const APP0 = 0xe0;
const APP1 = 0xe1;
const APP2 = 0xe2;
const APP14 = 0xee;
const SOS = 0xda;
const EOI = 0xd9;
const COM = 0xfe;

/**
 * What to do with a marker segment. A whitelist: only what drawing needs is kept; metadata
 * and extensions are dropped; a marker no JPEG may hold there makes the file corrupt (so no
 * unknown segment can smuggle metadata through).
 */
function jpegSegmentFate(buf: Buffer, marker: number, dataStart: number, dataEnd: number): 'keep' | 'drop' {
  if (marker === APP0 || marker === APP14) return 'keep';
  if (marker === APP2) return buf.toString('latin1', dataStart, Math.min(dataEnd, dataStart + 12)) === 'ICC_PROFILE\0' ? 'keep' : 'drop';
  if (marker >= 0xe0 && marker <= 0xef) return 'drop'; // APP1 EXIF/XMP, APP13 IPTC, maker data, MPF
  if (marker === COM || (marker >= 0xf0 && marker <= 0xfd) || marker === 0xc8) return 'drop'; // comments, JPG extensions
  if (marker >= 0xc0 && marker <= 0xcf) return 'keep'; // SOFn, DHT, DAC
  if (marker >= 0xda && marker <= 0xdf) return 'keep'; // SOS, DQT, DNL, DRI, DHP, EXP
  throw new CorruptImage(`JPEG has an invalid marker FF${marker.toString(16).padStart(2, '0')}`);
}

/** Walks a JPEG into parts: segments before the first scan, then scan data and markers up to EOI. */
function jpegParts(buf: Buffer): { parts: JpegPart[]; end: number } {
  if (buf.length < 4 || buf[0] !== 0xff || buf[1] !== 0xd8) throw new CorruptImage('not a JPEG');
  const parts: JpegPart[] = [{ start: 0, end: 2, marker: 0xd8, drop: false }];
  let pos = 2;
  let inScan = false;
  for (;;) {
    if (pos >= buf.length) throw new CorruptImage('JPEG ends before EOI');
    if (inScan) {
      // Entropy-coded data: FF00 is a stuffed byte, FFD0–FFD7 restart markers, FFFF fill.
      let i = pos;
      while (i < buf.length - 1) {
        if (buf[i] === 0xff) {
          const n = buf[i + 1]!;
          if (n === 0x00 || (n >= 0xd0 && n <= 0xd7) || n === 0xff) {
            i += n === 0xff ? 1 : 2;
            continue;
          }
          break;
        }
        i++;
      }
      if (i >= buf.length - 1) throw new CorruptImage('JPEG scan data runs to the end without EOI');
      if (i > pos) parts.push({ start: pos, end: i, marker: 0, drop: false });
      pos = i;
      inScan = false;
      continue;
    }
    if (buf[pos] !== 0xff) throw new CorruptImage(`JPEG marker expected at byte ${pos}`);
    let m = pos + 1;
    while (m < buf.length && buf[m] === 0xff) m++; // fill bytes before a marker
    if (m >= buf.length) throw new CorruptImage('JPEG ends inside a marker');
    const marker = buf[m]!;
    if (marker === EOI) {
      parts.push({ start: pos, end: m + 1, marker, drop: false });
      return { parts, end: m + 1 };
    }
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      parts.push({ start: pos, end: m + 1, marker, drop: false });
      pos = m + 1;
      continue;
    }
    if (m + 3 > buf.length) throw new CorruptImage('JPEG ends inside a segment length');
    const len = buf.readUInt16BE(m + 1);
    const end = m + 1 + len;
    if (len < 2 || end > buf.length) throw new CorruptImage(`JPEG segment FF${marker.toString(16)} overruns the file`);
    parts.push({ start: pos, end, marker, drop: jpegSegmentFate(buf, marker, m + 3, end) === 'drop' });
    pos = end;
    if (marker === SOS) inScan = true;
  }
}

function exifOrientation(buf: Buffer, start: number, end: number): number | undefined {
  // APP1: FF E1 len(2) "Exif\0\0" TIFF…
  const d = start + 4;
  if (end - d < 14 || buf.toString('latin1', d, d + 6) !== 'Exif\0\0') return undefined;
  const tiff = d + 6;
  const order = buf.toString('latin1', tiff, tiff + 2);
  const le = order === 'II';
  if (!le && order !== 'MM') return undefined;
  const u16 = (at: number) => (at + 2 <= end ? (le ? buf.readUInt16LE(at) : buf.readUInt16BE(at)) : undefined);
  const u32 = (at: number) => (at + 4 <= end ? (le ? buf.readUInt32LE(at) : buf.readUInt32BE(at)) : undefined);
  if (u16(tiff + 2) !== 42) return undefined;
  const ifd = u32(tiff + 4);
  if (ifd === undefined) return undefined;
  const count = u16(tiff + ifd);
  if (count === undefined) return undefined;
  for (let k = 0; k < count; k++) {
    const e = tiff + ifd + 2 + k * 12;
    if (e + 12 > end) return undefined;
    if (u16(e) === 0x0112 && u16(e + 2) === 3) {
      const v = u16(e + 8);
      return v !== undefined && v >= 1 && v <= 8 ? v : undefined;
    }
  }
  return undefined;
}

/** An APP1 EXIF segment holding only IFD0 with one entry: Orientation. */
export function orientationExif(orientation: number): Buffer {
  const b = Buffer.alloc(2 + 2 + 6 + 26);
  let o = 0;
  o = b.writeUInt16BE(0xffe1, o);
  o = b.writeUInt16BE(2 + 6 + 26, o);
  o += b.write('Exif\0\0', o, 'latin1');
  o += b.write('MM', o, 'latin1');
  o = b.writeUInt16BE(42, o);
  o = b.writeUInt32BE(8, o); // IFD0 right after the header
  o = b.writeUInt16BE(1, o); // one entry
  o = b.writeUInt16BE(0x0112, o); // Orientation
  o = b.writeUInt16BE(3, o); // SHORT
  o = b.writeUInt32BE(1, o); // count
  o = b.writeUInt16BE(orientation, o);
  o = b.writeUInt16BE(0, o); // value padding
  b.writeUInt32BE(0, o); // no next IFD
  return b;
}

function scanJpeg(buf: Buffer): ImageScan {
  const { parts, end } = jpegParts(buf);
  let orientation: number | undefined;
  for (const p of parts) if (p.marker === APP1 && orientation === undefined) orientation = exifOrientation(buf, p.start, p.end);
  // The orientation-only EXIF that stripping writes is not metadata: stripping twice changes nothing.
  const isMeta = (p: JpegPart) => p.drop && !(orientation && buf.subarray(p.start, p.end).equals(orientationExif(orientation)));
  return { hasMetadata: parts.some(isMeta) || end < buf.length, ...(orientation ? { orientation } : {}) };
}

function stripJpeg(buf: Buffer): Buffer {
  const { parts } = jpegParts(buf);
  const scan = scanJpeg(buf);
  const out: Buffer[] = [];
  let orientationPlaced = !scan.orientation || scan.orientation === 1;
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i]!;
    if (!p.drop) out.push(buf.subarray(p.start, p.end));
    // After SOI and any JFIF APP0 (which must come first), before everything else.
    const next = parts[i + 1];
    if (!orientationPlaced && next?.marker !== APP0) {
      out.push(orientationExif(scan.orientation!));
      orientationPlaced = true;
    }
  }
  return Buffer.concat(out);
}

// ── PNG ────────────────────────────────────────────────────────────────────────────────────

/** Chunks kept: the critical ones and those that change how the picture looks (colour, transparency, animation). */
const PNG_KEEP = new Set(['IHDR', 'PLTE', 'IDAT', 'IEND', 'tRNS', 'gAMA', 'cHRM', 'sRGB', 'iCCP', 'sBIT', 'bKGD', 'pHYs', 'cICP', 'mDCv', 'cLLI', 'acTL', 'fcTL', 'fdAT']);
const pngDrops = (type: string) => !PNG_KEEP.has(type);

function pngChunks(buf: Buffer): { chunks: { start: number; end: number; type: string }[]; end: number } {
  if (buf.length < 8 + 12 || buf.readUInt32BE(0) !== 0x89504e47 || buf.readUInt32BE(4) !== 0x0d0a1a0a) throw new CorruptImage('not a PNG');
  const chunks: { start: number; end: number; type: string }[] = [];
  let pos = 8;
  for (;;) {
    if (pos + 12 > buf.length) throw new CorruptImage('PNG ends before IEND');
    const len = buf.readUInt32BE(pos);
    const type = buf.toString('latin1', pos + 4, pos + 8);
    const end = pos + 12 + len;
    if (len > 0x7fffffff || end > buf.length) throw new CorruptImage(`PNG chunk ${type} overruns the file`);
    if (chunks.length === 0 && type !== 'IHDR') throw new CorruptImage('PNG does not start with IHDR');
    if (!/^[A-Za-z]{4}$/.test(type)) throw new CorruptImage('PNG chunk type is not four letters');
    // An unknown critical chunk (upper-case first letter) is one no decoder can draw past.
    if (type[0]! <= 'Z' && !PNG_KEEP.has(type)) throw new CorruptImage(`PNG has an unknown critical chunk ${type}`);
    chunks.push({ start: pos, end, type });
    pos = end;
    if (type === 'IEND') return { chunks, end };
  }
}

function scanPng(buf: Buffer): ImageScan {
  const { chunks, end } = pngChunks(buf);
  return { hasMetadata: chunks.some((c) => pngDrops(c.type)) || end < buf.length };
}

function stripPng(buf: Buffer): Buffer {
  const { chunks } = pngChunks(buf);
  return Buffer.concat([buf.subarray(0, 8), ...chunks.filter((c) => !pngDrops(c.type)).map((c) => buf.subarray(c.start, c.end))]);
}

// ── WebP ───────────────────────────────────────────────────────────────────────────────────

/** Chunks kept: the bitstreams, alpha, animation and colour profile. EXIF, XMP and anything unknown go. */
const WEBP_KEEP = new Set(['VP8 ', 'VP8L', 'VP8X', 'ALPH', 'ANIM', 'ANMF', 'ICCP']);
const webpDrops = (type: string) => !WEBP_KEEP.has(type);

function webpChunks(buf: Buffer): { start: number; end: number; type: string }[] {
  if (buf.length < 12 || buf.toString('latin1', 0, 4) !== 'RIFF' || buf.toString('latin1', 8, 12) !== 'WEBP') throw new CorruptImage('not a WebP');
  const riffEnd = 8 + buf.readUInt32LE(4);
  if (riffEnd > buf.length || riffEnd < 12) throw new CorruptImage('WebP RIFF size does not match the file');
  const chunks: { start: number; end: number; type: string }[] = [];
  let pos = 12;
  while (pos < riffEnd) {
    if (pos + 8 > riffEnd) throw new CorruptImage('WebP ends inside a chunk header');
    const type = buf.toString('latin1', pos, pos + 4);
    const size = buf.readUInt32LE(pos + 4);
    const end = pos + 8 + size + (size % 2); // chunks are padded to an even size
    if (end > riffEnd + (size % 2)) throw new CorruptImage(`WebP chunk ${type} overruns the file`);
    chunks.push({ start: pos, end: Math.min(end, riffEnd), type });
    pos = end;
  }
  if (chunks.length === 0) throw new CorruptImage('WebP has no chunks');
  return chunks;
}

function scanWebp(buf: Buffer): ImageScan {
  const chunks = webpChunks(buf);
  return { hasMetadata: chunks.some((c) => webpDrops(c.type)) || 8 + buf.readUInt32LE(4) < buf.length };
}

function stripWebp(buf: Buffer): Buffer {
  const kept = webpChunks(buf)
    .filter((c) => !webpDrops(c.type))
    .map((c) => {
      let bytes = Buffer.from(buf.subarray(c.start, c.end));
      // A last chunk of odd size may lack its pad byte at the end of the file: restore it, so
      // the output is a well-formed RIFF that strips again to itself.
      const size = bytes.readUInt32LE(4);
      const want = 8 + size + (size % 2);
      if (bytes.length < want) bytes = Buffer.concat([bytes, Buffer.alloc(want - bytes.length)]);
      // VP8X flags: bit 3 EXIF present, bit 2 XMP present.
      if (c.type === 'VP8X' && bytes.length > 8) bytes[8] = bytes[8]! & ~0x0c;
      return bytes;
    });
  if (kept.length === 0) throw new CorruptImage('WebP has no image data');
  const body = Buffer.concat(kept);
  const header = Buffer.alloc(12);
  header.write('RIFF', 0, 'latin1');
  header.writeUInt32LE(4 + body.length, 4);
  header.write('WEBP', 8, 'latin1');
  return Buffer.concat([header, body]);
}

// ── entry points ───────────────────────────────────────────────────────────────────────────

export function scanImage(type: FileType, buf: Buffer): ImageScan {
  switch (type) {
    case 'image/jpeg':
      return scanJpeg(buf);
    case 'image/png':
      return scanPng(buf);
    case 'image/webp':
      return scanWebp(buf);
    default:
      throw new CorruptImage(`${type} is not an image`);
  }
}

/** The image without its metadata (see the module comment for what is kept). */
export function stripMetadata(type: FileType, buf: Buffer): Buffer {
  switch (type) {
    case 'image/jpeg':
      return stripJpeg(buf);
    case 'image/png':
      return stripPng(buf);
    case 'image/webp':
      return stripWebp(buf);
    default:
      throw new CorruptImage(`${type} is not an image`);
  }
}
