import { badUserInput } from './errors';

const PREFIX = 'rs1:';

/** Global ids: opaque, stable across restarts, decoding to (source, vendor id). */
export function encodeGlobalId(sourceId: string, vendorId: string): string {
  return Buffer.from(`${PREFIX}${sourceId}:${vendorId}`, 'utf8').toString('base64url');
}

export interface DecodedGlobalId {
  sourceId: string;
  vendorId: string;
}

export function decodeGlobalId(id: string, argument: string): DecodedGlobalId {
  if (!/^[A-Za-z0-9_-]+$/.test(id)) throw badUserInput(argument, `'${id.slice(0, 80)}' is not a restore session id.`);
  const text = Buffer.from(id, 'base64url').toString('utf8');
  const rest = text.startsWith(PREFIX) ? text.slice(PREFIX.length) : null;
  const sep = rest?.indexOf(':') ?? -1;
  if (!rest || sep <= 0 || sep === rest.length - 1) throw badUserInput(argument, `'${id.slice(0, 80)}' is not a restore session id.`);
  return { sourceId: rest.slice(0, sep), vendorId: rest.slice(sep + 1) };
}
