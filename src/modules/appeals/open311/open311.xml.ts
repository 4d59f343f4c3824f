/**
 * The XML form of GeoReport v2 responses, by the "Spark convention" the spec uses to map
 * between its XML and JSON: a JSON array is a wrapper element holding one element per item
 * (`services` → `service`), an object is an element with one child per key, null is an
 * empty element. Schemaless and without a namespace, as the spec asks.
 *
 * A few lines of our own rather than a library: the documents are small and flat, and the
 * two things that matter are done here on purpose — escaping, and dropping the characters
 * XML 1.0 cannot carry at all (control characters, lone surrogates), which an appeal's text
 * may contain. Everything else (Cyrillic, Kazakh letters) goes out as UTF-8 unchanged.
 */

export type XmlValue = string | number | boolean | null | undefined | XmlValue[] | { [key: string]: XmlValue };

// Characters outside XML 1.0's Char production; with the `u` flag lone surrogates match too.
const INVALID = /[^\t\n\r\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

export function escapeXml(s: string): string {
  return s.replace(INVALID, '').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

function element(name: string, value: XmlValue, items: Readonly<Record<string, string>>): string {
  if (value === null || value === undefined) return `<${name}/>`;
  if (Array.isArray(value)) {
    const item = items[name];
    if (!item) throw new Error(`no item element name for the array ${name}`);
    return `<${name}>${value.map((v) => element(item, v, items)).join('')}</${name}>`;
  }
  if (typeof value === 'object') {
    return `<${name}>${Object.entries(value).map(([k, v]) => element(k, v, items)).join('')}</${name}>`;
  }
  return `<${name}>${escapeXml(String(value))}</${name}>`;
}

/**
 * The whole document: the XML declaration, then `root`. `items` names the element of each
 * array's items by the array's own element name (`{ services: 'service' }`).
 */
export function toXml(root: string, value: XmlValue, items: Readonly<Record<string, string>>): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n${element(root, value, items)}\n`;
}

/** Item element names of every GeoReport v2 and discovery document. */
export const OPEN311_ITEMS: Readonly<Record<string, string>> = {
  services: 'service',
  service_requests: 'request',
  attributes: 'attribute',
  values: 'value',
  errors: 'error',
  endpoints: 'endpoint',
  formats: 'format',
};
