import { formatInstant, parseInstant } from '../../src/instant';
import { decodeGlobalId, encodeGlobalId } from '../../src/ids';
import { decodeKeysetCursor, encodeKeysetCursor } from '../../src/listing/cursor';
import { GatewayError } from '../../src/errors';

describe('instants', () => {
  it('keeps 7-digit precision in the key and prints milliseconds in UTC', () => {
    const a = parseInstant('2022-04-12T15:59:09.7680229Z')!;
    const b = parseInstant('2022-04-12T15:59:09.768023Z')!;
    expect(formatInstant(a)).toBe('2022-04-12T15:59:09.768Z');
    expect(a.key < b.key).toBe(true);
  });

  it('normalises offsets to UTC', () => {
    expect(formatInstant(parseInstant('2024-06-19T14:01:03.45+02:00')!)).toBe('2024-06-19T12:01:03.450Z');
    expect(parseInstant('2024-06-19T14:01:03+02:00')!.key).toBe(parseInstant('2024-06-19T12:01:03Z')!.key);
  });

  it('refuses text without an offset (it would be read as local time) and impossible dates', () => {
    expect(parseInstant('2022-04-12T15:59:09')).toBeNull();
    expect(parseInstant('2023-02-31T00:00:00Z')).toBeNull();
    expect(parseInstant('2023-03-30T12-01-03.45Z')).toBeNull();
    expect(parseInstant('Tue, 12 Apr 2022 15:58:41 GMT')).toBeNull();
  });

  it('refuses offsets outside RFC 3339 (hours 00-23, minutes 00-59)', () => {
    expect(parseInstant('2026-01-01T00:00:00+99:99')).toBeNull();
    expect(parseInstant('2026-01-01T00:00:00+24:00')).toBeNull();
    expect(parseInstant('2026-01-01T00:00:00-05:60')).toBeNull();
    expect(parseInstant('2026-01-01T00:00:00+23:59')?.epochMs).toBe(Date.UTC(2025, 11, 31, 0, 1));
  });
});

describe('global ids and cursors', () => {
  it('round-trip and refuse anything else with BAD_USER_INPUT naming the argument', () => {
    const id = encodeGlobalId('vbo-eu', 'd9d4d55d-d7d9-46b4-b5bf-dec5e5459184');
    expect(decodeGlobalId(id, 'id')).toEqual({ sourceId: 'vbo-eu', vendorId: 'd9d4d55d-d7d9-46b4-b5bf-dec5e5459184' });
    for (const bad of ['', 'not base64!', Buffer.from('xx:vbo:1').toString('base64url'), Buffer.from('rs1:vbo').toString('base64url')]) {
      try {
        decodeGlobalId(bad, 'ids');
        throw new Error('accepted');
      } catch (err) {
        expect(err).toBeInstanceOf(GatewayError);
        expect((err as GatewayError).extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'ids' });
      }
    }
  });

  it('cursor round-trip', () => {
    const point = { key: '063800000000000.123456789', id: 'abc' };
    expect(decodeKeysetCursor(encodeKeysetCursor(point), 'after')).toEqual(point);
    expect(() => decodeKeysetCursor('garbage', 'after')).toThrow(GatewayError);
  });
});
