import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Kind, parse, validate, type GraphQLSchema } from 'graphql';
import { ConfigError } from '../config';
import { ErrorCode } from '../errors';

export type PersistedDocumentsMode = 'allowList' | 'preferred';

/** What a request asked for, in either transport's shape (HTTP body or query string, graphql-ws payload). */
export interface DocumentRequest {
  query?: unknown;
  documentId?: unknown;
  extensions?: unknown;
}

export type DocumentResolution =
  | { kind: 'document'; query: string; fromManifest: boolean }
  /** Apollo's automatic persisted queries take it from here (only where free-form documents are allowed). */
  | { kind: 'automatic' }
  | { kind: 'refused'; code: string; message: string };

const SHA256 = /^[0-9a-f]{64}$/;

/** A manifest the gateway cannot trust: a start-up error, like a bad configuration. */
export class PersistedManifestError extends ConfigError {
  override readonly name = 'PersistedManifestError';
}

function apolloHash(extensions: unknown): string | undefined {
  if (!extensions || typeof extensions !== 'object') return undefined;
  const persisted = (extensions as { persistedQuery?: unknown }).persistedQuery;
  if (!persisted || typeof persisted !== 'object') return undefined;
  const hash = (persisted as { sha256Hash?: unknown }).sha256Hash;
  return typeof hash === 'string' ? hash : undefined;
}

/**
 * The operations a frontend build shipped, as GraphQL Code Generator's client preset writes them
 * (`{ "sha256:<hex>": "<document>" }` by default, or bare hex from a custom hash function). Loaded and checked once at start-up: every id
 * must be the sha256 of its document (a manifest from another hashing scheme would otherwise match
 * nothing, silently) and every document must parse. Documents that no longer validate against the
 * schema are reported, not refused: a gateway is often deployed before the frontend that drops them.
 */
export class PersistedDocuments {
  private constructor(
    private readonly documents: ReadonlyMap<string, string>,
    readonly mode: PersistedDocumentsMode,
    readonly invalid: ReadonlyArray<{ id: string; message: string }>,
    readonly operationNames: readonly string[],
  ) {}

  static fromFile(file: string, mode: PersistedDocumentsMode, schema: GraphQLSchema): PersistedDocuments {
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(file, 'utf8'));
    } catch (err) {
      throw new PersistedManifestError(`server.persistedDocuments.manifest: cannot read ${file}: ${(err as Error).message}`);
    }
    return PersistedDocuments.fromManifest(raw, mode, schema, file);
  }

  static fromManifest(raw: unknown, mode: PersistedDocumentsMode, schema: GraphQLSchema, where = 'the manifest'): PersistedDocuments {
    if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new PersistedManifestError(`${where}: expected an object of { "<sha256>": "<document>" }`);
    const documents = new Map<string, string>();
    const invalid: Array<{ id: string; message: string }> = [];
    const names = new Set<string>();
    for (const [id, document] of Object.entries(raw as Record<string, unknown>)) {
      if (typeof document !== 'string') throw new PersistedManifestError(`${where}: the entry ${id} is not a document string`);
      const hash = createHash('sha256').update(document).digest('hex');
      // The client preset's default writes `sha256:<hex>` (the GraphQL-over-HTTP form); a custom hash function, bare hex.
      const bare = id.toLowerCase().replace(/^sha256:/, '');
      if (bare !== hash)
        throw new PersistedManifestError(
          `${where}: the id ${id} is not the sha256 of its document (${hash}); generate the manifest with hashAlgorithm 'sha256'`,
        );
      let parsed;
      try {
        parsed = parse(document);
      } catch (err) {
        throw new PersistedManifestError(`${where}: the document ${id} does not parse: ${(err as Error).message}`);
      }
      for (const definition of parsed.definitions) if (definition.kind === Kind.OPERATION_DEFINITION && definition.name) names.add(definition.name.value);
      const errors = validate(schema, parsed);
      if (errors.length > 0) invalid.push({ id, message: errors[0].message });
      documents.set(hash, document);
    }
    return new PersistedDocuments(documents, mode, invalid, [...names]);
  }

  get size(): number {
    return this.documents.size;
  }

  /**
   * The document a request runs. `documentId` (the GraphQL-over-HTTP form, bare or `sha256:`-prefixed)
   * and Apollo's `extensions.persistedQuery.sha256Hash` are both looked up in the manifest. In
   * allow-list mode nothing else runs; in preferred mode a free-form document runs as sent, and an
   * Apollo hash the manifest does not know is left to automatic persisted queries.
   */
  resolve(request: DocumentRequest): DocumentResolution {
    const documentId = typeof request.documentId === 'string' ? request.documentId : undefined;
    const hash = apolloHash(request.extensions);
    const id = documentId ?? hash;
    if (id !== undefined) {
      const key = (documentId?.startsWith('sha256:') ? documentId.slice(7) : id).toLowerCase();
      const document = SHA256.test(key) ? this.documents.get(key) : undefined;
      if (document !== undefined) return { kind: 'document', query: document, fromManifest: true };
      if (documentId === undefined && this.mode === 'preferred') return { kind: 'automatic' };
      return { kind: 'refused', code: ErrorCode.PERSISTED_QUERY_NOT_IN_LIST, message: 'The document id is not in the persisted documents manifest.' };
    }
    if (this.mode === 'allowList')
      return {
        kind: 'refused',
        code: ErrorCode.PERSISTED_QUERY_ID_REQUIRED,
        message: 'This gateway runs persisted documents only: send documentId (from the manifest) instead of a document.',
      };
    return typeof request.query === 'string' ? { kind: 'document', query: request.query, fromManifest: false } : { kind: 'automatic' };
  }
}
