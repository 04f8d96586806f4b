import type { Instant } from './model';

// Years are offset so that keys of any date from year 1 on are positive and sort as text.
const EPOCH_OFFSET_MS = 62_135_596_800_000;
const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,12}))?([Zz]|[+-]\d{2}:\d{2})$/;

/**
 * Parses an RFC 3339 / ISO 8601 timestamp with an explicit offset at full precision. Upstreams
 * send up to 7 fractional digits (.NET ticks) and JS `Date` keeps 3, so the digits beyond the
 * millisecond go into the sort key. A value without an offset is refused rather than read as
 * local time (Veeam gotcha G4).
 */
export function parseInstant(text: string): Instant | null {
  const m = RFC3339.exec(text);
  if (!m) return null;
  const [, y, mo, d, h, mi, s, fraction = '', offset] = m;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  if (month < 1 || month > 12 || day < 1 || day > 31 || Number(h) > 23 || Number(mi) > 59 || Number(s) > 60) return null;
  // setUTCFullYear, unlike Date.UTC, does not read years 0-99 as 1900-1999.
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  if (date.getUTCDate() !== day) return null; // 31 February and friends
  date.setUTCHours(Number(h), Number(mi), Number(s), 0);
  let ms = date.getTime();
  if (offset !== 'Z' && offset !== 'z') {
    // RFC 3339 time-numoffset: hours 00-23, minutes 00-59.
    if (Number(offset.slice(1, 3)) > 23 || Number(offset.slice(4, 6)) > 59) return null;
    const sign = offset[0] === '-' ? -1 : 1;
    ms -= sign * (Number(offset.slice(1, 3)) * 60 + Number(offset.slice(4, 6))) * 60_000;
  }
  const digits = fraction.padEnd(12, '0');
  const epochMs = ms + Number(digits.slice(0, 3));
  return { epochMs, key: `${String(epochMs + EPOCH_OFFSET_MS).padStart(15, '0')}.${digits.slice(3)}` };
}

/** DateTime output: UTC, truncated to milliseconds. */
export function formatInstant(instant: Instant): string {
  return new Date(instant.epochMs).toISOString();
}
