/**
 * Image fixtures built byte by byte, so tests need no binary files: a real (decodable) 8×8 grey
 * baseline JPEG, a 1×1 PNG and a 1×1 lossless WebP, each optionally carrying EXIF with GPS,
 * XMP, IPTC, comments and trailing data.
 */
import { deflateSync } from 'node:zlib';

const u16be = (n: number) => Buffer.from([(n >> 8) & 0xff, n & 0xff]);
const u32be = (n: number) => Buffer.from([(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff]);
const u32le = (n: number) => Buffer.from([n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff]);

/** Karaganda: 49°48'23" N, 73°5'7" E. */
export const GPS = { lat: [49, 48, 23], lon: [73, 5, 7] };

/** The GPS latitude as it sits in the fixture's TIFF (three big-endian rationals). */
export const GPS_LAT_BYTES = Buffer.concat(GPS.lat.flatMap((v) => [u32be(v), u32be(1)]));

/**
 * A TIFF (big-endian) with IFD0 = { Orientation, Make, GPSInfo → { LatRef N, Lat, LonRef E, Lon } }.
 * Offsets: IFD0 at 8 (3 entries: 2+36+4 = 42 bytes) → Make text at 50 (6 bytes) → GPS IFD at 56
 * (4 entries: 2+48+4 = 54) → latitude at 110, longitude at 134; 158 bytes in all.
 */
export function exifTiff(orientation = 6): Buffer {
  const entry = (tag: number, type: number, count: number, value: Buffer) =>
    Buffer.concat([u16be(tag), u16be(type), u32be(count), Buffer.concat([value, Buffer.alloc(4 - value.length)])]);
  const ifd0 = Buffer.concat([
    u16be(3),
    entry(0x010f, 2, 6, u32be(50)), // Make → "Phone\0"
    entry(0x0112, 3, 1, u16be(orientation)),
    entry(0x8825, 4, 1, u32be(56)), // GPSInfo IFD
    u32be(0),
  ]);
  const gps = Buffer.concat([
    u16be(4),
    entry(0x0001, 2, 2, Buffer.from('N\0')),
    entry(0x0002, 5, 3, u32be(110)),
    entry(0x0003, 2, 2, Buffer.from('E\0')),
    entry(0x0004, 5, 3, u32be(134)),
    u32be(0),
  ]);
  const tiff = Buffer.concat([
    Buffer.from('MM'), u16be(42), u32be(8),
    ifd0, Buffer.from('Phone\0'), gps,
    GPS_LAT_BYTES,
    Buffer.concat(GPS.lon.flatMap((v) => [u32be(v), u32be(1)])),
  ]);
  if (tiff.length !== 158) throw new Error(`fixture TIFF is ${tiff.length} bytes`);
  return tiff;
}

function segment(marker: number, data: Buffer): Buffer {
  return Buffer.concat([Buffer.from([0xff, marker]), u16be(data.length + 2), data]);
}

export const XMP_WITH_GPS = '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:Description exif:GPSLatitude="49,48.38N"/></x:xmpmeta>';

export interface JpegOptions {
  exif?: boolean;
  orientation?: number;
  xmp?: boolean;
  iptc?: boolean;
  comment?: boolean;
  icc?: boolean;
  /** Bytes after EOI (phones append a second image there). */
  trailing?: boolean;
}

/**
 * An 8×8 mid-grey baseline JPEG: quantisation all ones, one-code Huffman tables (DC category 0,
 * AC end-of-block), so the entropy data is two zero bits padded with ones: 0x3F.
 */
export function jpeg(o: JpegOptions = {}): Buffer {
  const parts: Buffer[] = [Buffer.from([0xff, 0xd8])];
  parts.push(segment(0xe0, Buffer.from([...Buffer.from('JFIF\0'), 1, 1, 0, 0, 1, 0, 1, 0, 0])));
  if (o.exif) parts.push(segment(0xe1, Buffer.concat([Buffer.from('Exif\0\0'), exifTiff(o.orientation ?? 6)])));
  if (o.xmp) parts.push(segment(0xe1, Buffer.concat([Buffer.from('http://ns.adobe.com/xap/1.0/\0'), Buffer.from(XMP_WITH_GPS)])));
  if (o.icc) parts.push(segment(0xe2, Buffer.concat([Buffer.from('ICC_PROFILE\0'), Buffer.from([1, 1]), Buffer.from('not-a-real-profile')])));
  if (o.iptc) parts.push(segment(0xed, Buffer.concat([Buffer.from('Photoshop 3.0\0'), Buffer.from('8BIM\x04\x04\0\0\0\0\0\x0bKaraganda!!', 'latin1')])));
  if (o.comment) parts.push(segment(0xfe, Buffer.from('taken at 12 Bukhar-Zhyrau Ave')));
  parts.push(segment(0xdb, Buffer.concat([Buffer.from([0x00]), Buffer.alloc(64, 1)])));
  parts.push(segment(0xc0, Buffer.from([8, 0, 8, 0, 8, 1, 1, 0x11, 0])));
  const oneCodeTable = (cls: number) => Buffer.concat([Buffer.from([cls]), Buffer.from([1, ...Array(15).fill(0)]), Buffer.from([0x00])]);
  parts.push(segment(0xc4, oneCodeTable(0x00)));
  parts.push(segment(0xc4, oneCodeTable(0x10)));
  parts.push(segment(0xda, Buffer.from([1, 1, 0x00, 0, 63, 0])));
  parts.push(Buffer.from([0x3f]));
  parts.push(Buffer.from([0xff, 0xd9]));
  if (o.trailing) parts.push(Buffer.concat([Buffer.from([0xff, 0xd8]), Buffer.from('second image with Exif GPS')]));
  return Buffer.concat(parts);
}

// ── PNG ──

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

export function crc32(b: Buffer): number {
  let c = 0xffffffff;
  for (const x of b) c = CRC_TABLE[(c ^ x) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const td = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  return Buffer.concat([u32be(data.length), td, u32be(crc32(td))]);
}

/** A 1×1 red PNG, optionally with eXIf (GPS), tEXt and iTXt (XMP) chunks and trailing bytes. */
export function png(o: { exif?: boolean; text?: boolean; trailing?: boolean } = {}): Buffer {
  const ihdr = Buffer.concat([u32be(1), u32be(1), Buffer.from([8, 2, 0, 0, 0])]);
  const idat = deflateSync(Buffer.from([0, 255, 0, 0]));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    ...(o.exif ? [chunk('eXIf', exifTiff())] : []),
    ...(o.text ? [chunk('tEXt', Buffer.from('Comment\0taken at home')), chunk('iTXt', Buffer.from(`XML:com.adobe.xmp\0\0\0\0\0${XMP_WITH_GPS}`))] : []),
    chunk('IDAT', idat),
    chunk('IEND', Buffer.alloc(0)),
    ...(o.trailing ? [Buffer.from('trailing GPS')] : []),
  ]);
}

// ── WebP ──

/** The VP8L bitstream of a 1×1 red image (cwebp -lossless). */
const VP8L_1x1 = Buffer.from('2f0000000007 10fd8ffe0722a2ff01'.replace(/\s/g, ''), 'hex');

function riffChunk(type: string, data: Buffer): Buffer {
  return Buffer.concat([Buffer.from(type, 'latin1'), u32le(data.length), data, data.length % 2 ? Buffer.from([0]) : Buffer.alloc(0)]);
}

/** A 1×1 lossless WebP; with metadata it is the extended format (VP8X) with EXIF and XMP chunks. */
export function webp(o: { exif?: boolean; xmp?: boolean } = {}): Buffer {
  const chunks: Buffer[] = [];
  if (o.exif || o.xmp) {
    const flags = (o.exif ? 0x08 : 0) | (o.xmp ? 0x04 : 0);
    chunks.push(riffChunk('VP8X', Buffer.from([flags, 0, 0, 0, 0, 0, 0, 0, 0, 0])));
  }
  chunks.push(riffChunk('VP8L', VP8L_1x1));
  if (o.exif) chunks.push(riffChunk('EXIF', exifTiff()));
  if (o.xmp) chunks.push(riffChunk('XMP ', Buffer.from(XMP_WITH_GPS)));
  const body = Buffer.concat(chunks);
  return Buffer.concat([Buffer.from('RIFF'), u32le(4 + body.length), Buffer.from('WEBP'), body]);
}

export const PDF = Buffer.from('%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n');
