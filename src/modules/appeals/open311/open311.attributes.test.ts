import { describe, expect, it } from 'vitest';
import { AttributeError, attributesOf, hasAttributes, readAttributes } from './open311.attributes.ts';
import { escapeXml, OPEN311_ITEMS, toXml } from './open311.xml.ts';

const SCHEMA = {
  type: 'object',
  required: ['floor', 'kind'],
  'x-order': ['kind', 'floor'],
  properties: {
    floor: { type: 'integer', minimum: 1, maximum: 40, title: { kk: 'Қабат', ru: 'Этаж', en: 'Floor' } },
    kind: { type: 'string', oneOf: [{ const: 'flat', title: { kk: 'Пәтер', ru: 'Квартира', en: 'Flat' } }, { const: 'house', title: 'Дом' }] },
    entrance: { type: 'string', enum: ['1', '2'], enumNames: { ru: ['Первый', 'Второй'], kk: ['Бірінші', 'Екінші'], en: ['First', 'Second'] } },
    since: { type: 'string', format: 'date-time', description: 'Since when' },
    day: { type: 'string', format: 'date' },
    rooms: { type: 'array', items: { type: 'string', enum: ['kitchen', 'bedroom', 'bath'] } },
    isChildren: { type: 'boolean', title: 'Дети в квартире' },
    note: { type: 'string', maxLength: 2000 },
    apartment: { type: 'string', maxLength: 10, description: 'Flat number' },
  },
  additionalProperties: false,
};

describe('extra fields as Open311 attributes', () => {
  it('maps every JSON Schema shape to an Open311 datatype, in x-order then key order', () => {
    const a = attributesOf(SCHEMA, 'ru');
    expect(a.map((x) => [x.code, x.datatype, x.required, x.order])).toEqual([
      ['kind', 'singlevaluelist', true, 1],
      ['floor', 'number', true, 2],
      ['entrance', 'singlevaluelist', false, 3],
      ['since', 'datetime', false, 4],
      ['day', 'datetime', false, 5],
      ['rooms', 'multivaluelist', false, 6],
      ['isChildren', 'singlevaluelist', false, 7],
      ['note', 'text', false, 8],
      ['apartment', 'string', false, 9],
    ]);
    expect(a.every((x) => x.variable)).toBe(true);
    const by = Object.fromEntries(a.map((x) => [x.code, x]));
    expect(by.kind!.values).toEqual([{ key: 'flat', name: 'Квартира' }, { key: 'house', name: 'Дом' }]);
    expect(by.entrance!.values).toEqual([{ key: '1', name: 'Первый' }, { key: '2', name: 'Второй' }]);
    expect(by.rooms!.values!.map((v) => v.key)).toEqual(['kitchen', 'bedroom', 'bath']);
    expect(by.isChildren!.values).toEqual([{ key: 'true', name: 'Да' }, { key: 'false', name: 'Нет' }]);
    expect(by.floor!.description).toBe('Этаж');
    expect(by.floor!.datatype_description).toContain('≥ 1');
    expect(by.apartment!.description).toBe('Flat number');
    expect(by.since!.description).toBe('Since when');
  });

  it('speaks Kazakh and English where the schema does', () => {
    const kk = Object.fromEntries(attributesOf(SCHEMA, 'kk').map((x) => [x.code, x]));
    expect(kk.floor!.description).toBe('Қабат');
    expect(kk.kind!.values![0]!.name).toBe('Пәтер');
    expect(kk.entrance!.values![1]!.name).toBe('Екінші');
    expect(kk.isChildren!.values![0]!.name).toBe('Иә');
    expect(attributesOf(SCHEMA, 'en').find((x) => x.code === 'floor')!.description).toBe('Floor');
  });

  it('has none without a schema; metadata follows the properties', () => {
    expect(attributesOf(null, 'ru')).toEqual([]);
    expect(hasAttributes(null)).toBe(false);
    expect(hasAttributes({ type: 'object', properties: {} })).toBe(false);
    expect(hasAttributes(SCHEMA)).toBe(true);
  });

  it('reads attribute[code] values as the schema types', () => {
    expect(readAttributes(SCHEMA, { floor: '3', kind: 'flat', rooms: ['kitchen', 'bath'], isChildren: 'true', day: '2026-03-01T10:00:00+05:00', note: ' x ' })).toEqual({
      floor: 3, kind: 'flat', rooms: ['kitchen', 'bath'], isChildren: true, day: '2026-03-01', note: 'x',
    });
    expect(readAttributes(SCHEMA, { rooms: 'kitchen,bath', floor: '2,5' })).toEqual({ rooms: ['kitchen', 'bath'], floor: 2.5 });
    expect(readAttributes(SCHEMA, { floor: '', rooms: [] })).toEqual({});
  });

  it('names the attribute at fault', () => {
    const fails = (raw: Record<string, string | string[]>) => {
      try {
        readAttributes(SCHEMA, raw);
      } catch (e) {
        return [(e as AttributeError).field, (e as AttributeError).messageKey];
      }
      return undefined;
    };
    expect(fails({ colour: 'red' })).toEqual(['attribute[colour]', 'open311:errors.attribute_unknown']);
    expect(fails({ floor: 'high' })).toEqual(['attribute[floor]', 'open311:errors.attribute_number']);
    expect(fails({ isChildren: 'maybe' })).toEqual(['attribute[isChildren]', 'open311:errors.attribute_boolean']);
    expect(fails({ kind: ['flat', 'house'] })).toEqual(['attribute[kind]', 'open311:errors.attribute_single']);
    expect(() => readAttributes(null, { x: '1' })).toThrow(AttributeError);
  });
});

describe('XML', () => {
  it('escapes markup and drops what XML 1.0 cannot carry, keeping Cyrillic and Kazakh', () => {
    expect(escapeXml('a<b>&"\'')).toBe('a&lt;b&gt;&amp;&quot;&apos;');
    expect(escapeXml('Қазақ\u0000\u0008 тілі\uD800')).toBe('Қазақ тілі');
    expect(toXml('service_requests', [{ service_request_id: 'KRG-2026-000001', account_id: null, ok: true }], OPEN311_ITEMS)).toBe(
      '<?xml version="1.0" encoding="UTF-8"?>\n<service_requests><request><service_request_id>KRG-2026-000001</service_request_id><account_id/><ok>true</ok></request></service_requests>\n',
    );
  });
});
