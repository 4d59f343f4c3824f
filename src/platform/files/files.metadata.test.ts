import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { detectType, type FileType } from './files.detect.ts';
import { CorruptImage, orientationExif, scanImage, stripMetadata } from './files.metadata.ts';
import { crc32, GPS_LAT_BYTES, jpeg, PDF, png, webp, XMP_WITH_GPS } from './fixtures.test-support.ts';

const has = (b: Buffer, needle: Buffer | string) => b.indexOf(typeof needle === 'string' ? Buffer.from(needle, 'latin1') : needle) >= 0;

/** The JPEG's segments before the first scan, as [marker, bytes]. */
function jpegHeaderSegments(b: Buffer): [number, Buffer][] {
  const out: [number, Buffer][] = [];
  let pos = 2;
  while (pos < b.length) {
    const marker = b[pos + 1]!;
    const len = b.readUInt16BE(pos + 2);
    out.push([marker, b.subarray(pos, pos + 2 + len)]);
    if (marker === 0xda) break;
    pos += 2 + len;
  }
  return out;
}

describe('detectType (magic bytes)', () => {
  it('knows JPEG, PNG, WebP and PDF by their first bytes, and nothing else', () => {
    expect(detectType(jpeg())).toBe('image/jpeg');
    expect(detectType(png())).toBe('image/png');
    expect(detectType(webp())).toBe('image/webp');
    expect(detectType(PDF)).toBe('application/pdf');
    expect(detectType(Buffer.from('just some text, named photo.png'))).toBeUndefined();
    expect(detectType(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'))).toBeUndefined();
    expect(detectType(Buffer.from('GIF89a'))).toBeUndefined();
    expect(detectType(Buffer.from('RIFF\0\0\0\0WAVEfmt '))).toBeUndefined();
    expect(detectType(Buffer.alloc(0))).toBeUndefined();
    expect(detectType(Buffer.from([0xff, 0xd8]))).toBeUndefined();
    // A PDF header further in (a polyglot) is not a PDF.
    expect(detectType(Buffer.concat([Buffer.from('junk'), PDF]))).toBeUndefined();
  });
});

describe('JPEG metadata removal', () => {
  const original = jpeg({ exif: true, orientation: 6, xmp: true, iptc: true, comment: true, icc: true, trailing: true });

  it('finds the metadata and the orientation', () => {
    expect(scanImage('image/jpeg', original)).toEqual({ hasMetadata: true, orientation: 6 });
    expect(scanImage('image/jpeg', jpeg())).toEqual({ hasMetadata: false });
  });

  it('removes EXIF with GPS, XMP, IPTC, comments and trailing data; keeps the picture, ICC and orientation', () => {
    expect(has(original, GPS_LAT_BYTES)).toBe(true);
    const out = stripMetadata('image/jpeg', original);
    expect(has(out, GPS_LAT_BYTES)).toBe(false);
    expect(has(out, 'Phone')).toBe(false);
    expect(has(out, XMP_WITH_GPS)).toBe(false);
    expect(has(out, 'Photoshop 3.0')).toBe(false);
    expect(has(out, 'Bukhar-Zhyrau')).toBe(false);
    expect(has(out, 'second image')).toBe(false);
    expect(has(out, 'ICC_PROFILE')).toBe(true);

    const segs = jpegHeaderSegments(out);
    expect(segs.map(([m]) => m.toString(16))).toEqual(['e0', 'e1', 'e2', 'db', 'c0', 'c4', 'c4', 'da']);
    // The only EXIF left is IFD0 with a single entry: Orientation = 6.
    expect(segs[1]![1].equals(orientationExif(6))).toBe(true);
    // From the quantisation tables to EOI, byte for byte the same picture.
    const from = (b: Buffer) => b.subarray(b.indexOf(Buffer.from([0xff, 0xdb])), b.lastIndexOf(Buffer.from([0xff, 0xd9])) + 2);
    expect(from(out).equals(from(original))).toBe(true);
    expect(out.subarray(-2).equals(Buffer.from([0xff, 0xd9]))).toBe(true);
  });

  it('is idempotent and leaves nothing to report', () => {
    const once = stripMetadata('image/jpeg', original);
    expect(stripMetadata('image/jpeg', once).equals(once)).toBe(true);
    expect(scanImage('image/jpeg', once)).toEqual({ hasMetadata: false, orientation: 6 });
  });

  it('writes no EXIF at all when the orientation is the normal one', () => {
    const out = stripMetadata('image/jpeg', jpeg({ exif: true, orientation: 1 }));
    expect(has(out, 'Exif')).toBe(false);
    expect(out.equals(jpeg())).toBe(true);
  });

  it('drops segments it does not know and refuses markers no JPEG may hold', () => {
    const withMakerData = Buffer.concat([jpeg().subarray(0, 20), Buffer.from([0xff, 0xe9, 0, 6, 0x47, 0x50, 0x53, 0x21]), jpeg().subarray(20)]);
    expect(stripMetadata('image/jpeg', withMakerData).equals(jpeg())).toBe(true);
    const invalid = Buffer.concat([jpeg().subarray(0, 20), Buffer.from([0xff, 0x30, 0, 6, 0x47, 0x50, 0x53, 0x21]), jpeg().subarray(20)]);
    expect(() => scanImage('image/jpeg', invalid)).toThrow(CorruptImage);
  });

  it('refuses a JPEG it cannot walk', () => {
    const j = jpeg({ exif: true });
    expect(() => scanImage('image/jpeg', j.subarray(0, 40))).toThrow(CorruptImage);
    expect(() => scanImage('image/jpeg', j.subarray(0, j.length - 2))).toThrow(CorruptImage); // no EOI
    const bad = Buffer.from(j);
    bad.writeUInt16BE(0xfff0, 4); // APP0 length past the end
    expect(() => stripMetadata('image/jpeg', bad)).toThrow(CorruptImage);
  });
});

describe('PNG metadata removal', () => {
  it('drops eXIf and text chunks and bytes after IEND; every kept chunk intact', () => {
    const original = png({ exif: true, text: true, trailing: true });
    expect(scanImage('image/png', original).hasMetadata).toBe(true);
    const out = stripMetadata('image/png', original);
    expect(out.equals(png())).toBe(true);
    expect(has(out, GPS_LAT_BYTES)).toBe(false);
    expect(scanImage('image/png', out).hasMetadata).toBe(false);
    // CRCs of what is left still match.
    let pos = 8;
    while (pos < out.length) {
      const len = out.readUInt32BE(pos);
      expect(out.readUInt32BE(pos + 8 + len)).toBe(crc32(out.subarray(pos + 4, pos + 8 + len)));
      pos += 12 + len;
    }
  });

  it('drops private and unknown ancillary chunks; refuses unknown critical ones', () => {
    const p = png();
    const ihdrEnd = 8 + 25;
    const insert = (type: string, data: string) => {
      const td = Buffer.concat([Buffer.from(type, 'latin1'), Buffer.from(data)]);
      const c = Buffer.alloc(4);
      c.writeUInt32BE(crc32(td));
      const len = Buffer.alloc(4);
      len.writeUInt32BE(data.length);
      return Buffer.concat([p.subarray(0, ihdrEnd), len, td, c, p.subarray(ihdrEnd)]);
    };
    expect(stripMetadata('image/png', insert('gpSx', 'lat=49.80')).equals(p)).toBe(true);
    expect(stripMetadata('image/png', insert('tIME', '1234567')).equals(p)).toBe(true);
    expect(() => scanImage('image/png', insert('GPSX', 'lat=49.80'))).toThrow(CorruptImage);
  });

  it('refuses a PNG it cannot walk', () => {
    const p = png();
    expect(() => scanImage('image/png', p.subarray(0, p.length - 12))).toThrow(CorruptImage); // no IEND
    const bad = Buffer.from(p);
    bad.writeUInt32BE(0x7000, 8);
    expect(() => scanImage('image/png', bad)).toThrow(CorruptImage);
  });
});

describe('WebP metadata removal', () => {
  it('drops EXIF and XMP chunks, clears their VP8X flags and fixes the RIFF size', () => {
    const original = webp({ exif: true, xmp: true });
    expect(scanImage('image/webp', original).hasMetadata).toBe(true);
    const out = stripMetadata('image/webp', original);
    expect(has(out, GPS_LAT_BYTES)).toBe(false);
    expect(has(out, XMP_WITH_GPS)).toBe(false);
    expect(out.readUInt32LE(4)).toBe(out.length - 8);
    expect(out.toString('latin1', 12, 16)).toBe('VP8X');
    expect(out[20]! & 0x0c).toBe(0);
    expect(has(out, 'VP8L')).toBe(true);
    expect(scanImage('image/webp', out).hasMetadata).toBe(false);
    expect(stripMetadata('image/webp', webp()).equals(webp())).toBe(true);
  });

  it('refuses a WebP whose sizes do not add up', () => {
    const bad = Buffer.from(webp());
    bad.writeUInt32LE(9999, 4);
    expect(() => scanImage('image/webp', bad)).toThrow(CorruptImage);
  });
});

describe('damaged input', () => {
  const samples: [FileType, Buffer][] = [
    ['image/jpeg', jpeg({ exif: true, xmp: true, comment: true, trailing: true })],
    ['image/png', png({ exif: true, text: true })],
    ['image/webp', webp({ exif: true, xmp: true })],
  ];

  it('never throws anything but CorruptImage; what it returns is clean and stays the same when stripped again', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...samples),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 6 }),
        fc.option(fc.nat(), { nil: undefined }),
        ([type, sample], edits, cut) => {
          const b = Buffer.from(sample);
          for (const [at, v] of edits) b[at % b.length] = v;
          const input = cut === undefined ? b : b.subarray(0, cut % b.length);
          let out: Buffer;
          try {
            scanImage(type, input);
            out = stripMetadata(type, input);
          } catch (e) {
            if (!(e instanceof CorruptImage)) throw e;
            return;
          }
          expect(scanImage(type, out).hasMetadata).toBe(false);
          expect(stripMetadata(type, out).equals(out)).toBe(true);
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe('regressions found by the property test', () => {
  it('a WebP whose last kept chunk lost its pad byte strips to a well-formed file that strips to itself', () => {
    // RIFF/WEBP: VP8X (10), VP8L (15, odd, no pad byte before the next chunk's declared end), EXIF with GPS, XMP.
    const b = Buffer.from([82,73,70,70,60,1,0,0,87,69,66,80,86,80,56,88,10,0,0,0,12,0,0,0,0,0,0,0,0,0,86,80,56,76,15,0,0,0,47,0,0,0,0,7,16,253,143,254,7,34,162,255,1,0,69,88,73,70,158,0,0,0,77,77,0,42,0,0,0,8,0,3,1,15,0,2,0,0,0,6,0,0,0,50,1,18,0,3,0,0,0,1,0,6,0,0,136,37,0,4,0,0,0,1,0,0,0,56,0,0,0,0,80,104,111,110,101,0,0,4,0,1,0,2,0,0,0,2,78,0,0,0,0,2,0,5,0,0,0,3,0,0,0,110,0,3,0,2,0,0,0,2,69,0,0,0,0,4,0,5,0,0,0,3,0,0,0,134,0,0,0,0,0,0,0,49,0,0,0,1,0,0,0,48,0,0,0,1,0,0,0,23,0,0,0,1,0,0,0,73,0,0,0,1,0,0,0,5,0,0,0,1,0,0,0,7,0,0,0,1,88,77,80,32,95,0,0,0,60,120,58,120,109,112,109,101,116,97,32,120,109,108,110,115,58,120,61,34,97,100,111,98,101,58,110,115,58,109,101,116,97,47,34,62,60,114,100,102,58,68,101,115,99,114,105,112,116,105,111,110,32,101,120,105,102,58,71,80,83,76,97,116,105,116,117,100,101,61,34,52,57,44,52,56,46,51,56,78,34,47,62,60,47,120,58,120,109,112,109,101,116,97,62,0]);
    const out = stripMetadata('image/webp', b);
    expect(scanImage('image/webp', out).hasMetadata).toBe(false);
    expect(stripMetadata('image/webp', out).equals(out)).toBe(true);
  });
});
