import { CombinedError, makeOperation, makeResult, type Exchange, type Operation, type OperationResult } from '@urql/core';
import { persistedExchange } from '@urql/exchange-persisted';
import { filter, map, merge, pipe, share } from 'wonka';
import type { PersistedMode } from './config';

/**
 * Persisted documents: every request names its document by the sha256 hash GraphQL Code
 * Generator wrote into the document (`document.__meta__.hash`, the key of
 * src/gql/persisted-documents.json). The hash travels as Apollo's
 * `extensions.persistedQuery.sha256Hash`, and as `documentId` (see {@link withDocumentId}).
 */
export function persistedExchanges(mode: PersistedMode): Exchange[] {
  if (mode === 'off') return [];
  return [
    persistedExchange({
      // POST: a GET would need its own CSRF header, and a cross-origin request is preflighted anyway.
      preferGetForPersistedQueries: false,
      enforcePersistedQueries: mode === 'only',
      enableForMutation: true,
      enableForSubscriptions: true,
      generateHash: (_text, document) => Promise.resolve(documentHash(document)),
    }),
    mode === 'only' ? hashOnlyExchange : textFallbackExchange,
  ];
}

export function documentHash(document: unknown): string | null {
  const meta = (document as { __meta__?: { hash?: unknown } } | null)?.__meta__;
  return typeof meta?.hash === 'string' ? meta.hash : null;
}

const persistedHash = (operation: Operation): string | undefined => operation.extensions?.persistedQuery?.sha256Hash;
const errorCode = (e: { extensions?: Record<string, unknown> }) => (typeof e.extensions?.code === 'string' ? e.extensions.code : '');

/** Allow-list mode: an operation without a hash (a document codegen did not see) is never sent. */
const hashOnlyExchange: Exchange =
  ({ forward }) =>
  (operations$) => {
    const shared$ = share(operations$);
    const refused$ = pipe(
      shared$,
      filter((op) => op.kind !== 'teardown' && !persistedHash(op)),
      map((op) =>
        makeResult(op, {
          errors: [
            {
              message: 'This document is not in persisted-documents.json: run `npm run codegen` (VITE_PERSISTED=only never sends a query text).',
              extensions: { code: 'DOCUMENT_NOT_PERSISTED' },
            },
          ],
        }),
      ),
    );
    return merge([
      refused$,
      forward(
        pipe(
          shared$,
          filter((op) => op.kind === 'teardown' || !!persistedHash(op)),
        ),
      ),
    ]);
  };

/**
 * Hash first, then the text. The gateway answers a hash it does not hold with
 * PERSISTED_QUERY_NOT_IN_LIST (its manifest) or PERSISTED_QUERY_NOT_FOUND (Apollo's automatic
 * persisted queries); a server that reads only texts fails to parse the empty one. urql's
 * persistedExchange retries on the message "PersistedQueryNotFound" alone: this exchange turns
 * those answers into it, and sends the retry as a plain request (text, no hash), which every
 * server reads the same way.
 */
const FALLBACK_CODES = new Set(['PERSISTED_QUERY_NOT_FOUND', 'PERSISTED_QUERY_NOT_IN_LIST', 'PERSISTED_QUERY_NOT_SUPPORTED', 'GRAPHQL_PARSE_FAILED']);

const textFallbackExchange: Exchange = ({ forward }) => {
  // Hashes this gateway did not know: their operations go as text straight away from then on.
  const unknown = new Set<string>();
  const asText = (op: Operation): Operation => {
    const plain = makeOperation(op.kind, op);
    const { persistedQuery: _dropped, ...extensions } = op.extensions ?? {};
    plain.extensions = Object.keys(extensions).length ? extensions : undefined;
    return plain;
  };
  return (operations$) =>
    pipe(
      forward(
        pipe(
          operations$,
          map((op) => {
            const hash = persistedHash(op);
            return hash && (op.extensions?.persistedQuery?.miss || unknown.has(hash)) ? asText(op) : op;
          }),
        ),
      ),
      map((result): OperationResult => {
        const hash = persistedHash(result.operation);
        if (!hash || result.operation.extensions?.persistedQuery?.miss) return result;
        const unknownHash = result.error?.graphQLErrors.some((e) => FALLBACK_CODES.has(errorCode(e)) || e.message === 'PersistedQueryNotFound');
        if (!unknownHash) return result;
        unknown.add(hash);
        // The message urql's persistedExchange answers by sending the operation again, with its text.
        return { ...result, data: undefined, error: new CombinedError({ graphQLErrors: [{ message: 'PersistedQueryNotFound' }] }) };
      }),
    );
};

/**
 * A `fetch` for urql that also names the document by `documentId` (the GraphQL-over-HTTP
 * persisted-documents form) when the request carries a hash and no text.
 */
export const withDocumentId: typeof fetch = (input, init) => {
  if (typeof init?.body === 'string' && init.body.includes('"persistedQuery"')) {
    const body = JSON.parse(init.body) as { query?: string; documentId?: string; extensions?: { persistedQuery?: { sha256Hash?: string } } };
    const hash = body.extensions?.persistedQuery?.sha256Hash;
    if (!body.query && hash) return fetch(input, { ...init, body: JSON.stringify({ ...body, documentId: hash }) });
  }
  return fetch(input, init);
};
