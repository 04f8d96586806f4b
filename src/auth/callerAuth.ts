import { createHash, timingSafeEqual } from 'node:crypto';
import { createRemoteJWKSet, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import type { CallerAuthConfig } from '../config';

export type CallerRole = 'reader' | 'operator';

/** Who is calling, as far as the gateway's own authorisation is concerned. */
export interface Caller {
  /** For the audit log: the API key's name, the token's subject, or `anonymous`. */
  id: string;
  /** Null: authenticated but holding neither role. */
  role: CallerRole | null;
  /** Why an authenticated caller holds no role, said in its FORBIDDEN answers. */
  refusal?: string;
}

/** Missing or invalid caller credentials: HTTP 401 with UNAUTHENTICATED. */
export class CallerAuthError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CallerAuthError';
  }
}

export interface CallerAuthenticator {
  readonly mode: CallerAuthConfig['mode'];
  authenticate(headers: { authorization?: string; apiKey?: string }): Promise<Caller>;
}

const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();

/** The highest role the claim's values map to (a claim may be one string or a list). */
function roleFrom(value: unknown, mapping: { reader: readonly string[]; operator: readonly string[] }): CallerRole | null {
  const values = (Array.isArray(value) ? value : [value]).filter((v): v is string => typeof v === 'string');
  if (values.some((v) => mapping.operator.includes(v))) return 'operator';
  if (values.some((v) => mapping.reader.includes(v))) return 'reader';
  return null;
}

function claimAt(payload: JWTPayload, path: string): unknown {
  return path.split('.').reduce<unknown>((node, key) => (node && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined), payload);
}

/** Builds the configured caller authentication. Keys are compared in constant time and never logged. */
export function createCallerAuthenticator(config: CallerAuthConfig): CallerAuthenticator {
  switch (config.mode) {
    case 'none':
      return { mode: 'none', authenticate: async () => ({ id: 'anonymous', role: 'operator' }) };
    case 'apiKey': {
      const keys = config.apiKeys.map((k, i) => ({ digest: digest(k.key), role: k.role, id: k.name ?? `api-key-${i + 1}` }));
      return {
        mode: 'apiKey',
        async authenticate({ authorization, apiKey }) {
          const presented = apiKey ?? /^ApiKey\s+(.+)$/i.exec(authorization ?? '')?.[1];
          if (!presented) throw new CallerAuthError('An API key is required: send it as `x-api-key` or `Authorization: ApiKey <key>`.');
          // Hashing first gives equal-length buffers; every key is compared, so timing says nothing about which matched.
          const candidate = digest(presented.trim());
          let match: (typeof keys)[number] | undefined;
          for (const key of keys) if (timingSafeEqual(key.digest, candidate) && !match) match = key;
          if (!match) throw new CallerAuthError('The API key is not valid.');
          return { id: match.id, role: match.role };
        },
      };
    }
    case 'jwt': {
      const { jwt } = config;
      const key: Uint8Array | JWTVerifyGetKey =
        jwt.secret !== undefined ? new TextEncoder().encode(jwt.secret) : createRemoteJWKSet(new URL(jwt.jwksUrl as string));
      const algorithms = jwt.secret !== undefined ? ['HS256'] : ['RS256', 'RS384', 'RS512', 'PS256', 'ES256', 'ES384', 'EdDSA'];
      return {
        mode: 'jwt',
        async authenticate({ authorization }) {
          const token = /^Bearer\s+(.+)$/i.exec(authorization ?? '')?.[1];
          if (!token) throw new CallerAuthError('A bearer token is required: send `Authorization: Bearer <token>`.');
          let payload: JWTPayload;
          try {
            ({ payload } = await jwtVerify(token.trim(), key as Uint8Array, {
              issuer: jwt.issuer,
              audience: jwt.audience,
              algorithms,
              clockTolerance: jwt.clockToleranceSeconds,
              requiredClaims: jwt.requireExp ? ['exp'] : [],
            }));
          } catch (err) {
            const code = (err as { code?: string }).code;
            const claim = (err as { claim?: string }).claim;
            if (code === 'ERR_JWT_EXPIRED') throw new CallerAuthError('The bearer token has expired.');
            if (code === 'ERR_JWT_CLAIM_VALIDATION_FAILED' && claim === 'exp')
              throw new CallerAuthError('The bearer token has no `exp` claim: tokens must expire (auth.jwt.requireExp).');
            if (code === 'ERR_JWT_CLAIM_VALIDATION_FAILED') throw new CallerAuthError(`The bearer token's \`${claim ?? 'claims'}\` claim is not accepted.`);
            throw new CallerAuthError('The bearer token is not valid.');
          }
          const id = typeof payload.sub === 'string' ? payload.sub : 'unknown-subject';
          const role = roleFrom(claimAt(payload, jwt.roleClaim), jwt.roleMapping);
          return {
            id,
            role,
            ...(role === null
              ? {
                  refusal: `The bearer token's \`${jwt.roleClaim}\` claim holds none of the values that grant a role (${[...jwt.roleMapping.reader, ...jwt.roleMapping.operator].join(', ')}).`,
                }
              : {}),
          };
        },
      };
    }
    default: {
      const unreachable: never = config;
      return unreachable;
    }
  }
}
