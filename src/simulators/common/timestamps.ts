/**
 * A point in time at .NET tick precision (100 ns), as both upstreams store it: `ms` since the
 * epoch plus `ticks` (0..9999) of 100 ns inside that millisecond.
 */
export interface TickTime {
  ms: number;
  ticks: number;
}

const pad = (n: number, width: number) => String(n).padStart(width, '0');

/** Formats as ISO 8601 UTC with 7 fractional digits, e.g. `2022-04-12T15:59:09.7680229Z`. */
export function formatTicks(time: TickTime, fractionDigits = 7): string {
  const base = new Date(time.ms).toISOString().slice(0, 19);
  if (fractionDigits === 0) return `${base}Z`;
  const fraction = pad(time.ms % 1000, 3) + pad(time.ticks, 4);
  return `${base}.${fraction.slice(0, fractionDigits)}Z`;
}

/** Formats with an explicit offset instead of `Z` (older Graph and pre-v6 Veeam samples do this). */
export function formatTicksWithOffset(time: TickTime, offsetMinutes: number): string {
  const local = new Date(time.ms + offsetMinutes * 60_000).toISOString().slice(0, 19);
  const fraction = pad(time.ms % 1000, 3) + pad(time.ticks, 4);
  const sign = offsetMinutes >= 0 ? '+' : '-';
  const abs = Math.abs(offsetMinutes);
  return `${local}.${fraction}${sign}${pad(Math.floor(abs / 60), 2)}:${pad(abs % 60, 2)}`;
}

/** Parses the RFC 3339 strings that clients send in filters; keeps milliseconds. */
export function parseQueryTime(value: string): number | null {
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : ms;
}

export function compareTickTime(a: TickTime, b: TickTime): number {
  return a.ms - b.ms || a.ticks - b.ticks;
}
