import type { Request, RequestHandler } from 'express';
import { ErrorCode } from '../errors';
import type { PersistedDocuments } from '../operations/persistedDocuments';
import { graphqlParamsOf, REPEATED } from './graphqlParams';
import { refuse } from './middleware';

/** Extensions without Apollo's persisted-query entry, once the manifest has answered for it. */
function withoutPersistedQuery(extensions: unknown): Record<string, unknown> | undefined {
  if (!extensions || typeof extensions !== 'object' || Array.isArray(extensions)) return undefined;
  const { persistedQuery: _dropped, ...rest } = extensions as Record<string, unknown>;
  return Object.keys(rest).length > 0 ? rest : undefined;
}

/** A GET by id becomes an ordinary GET with the manifest's document, which Apollo then reads from the URL. */
function rewriteGet(req: Request, query: string, sentExtensions: Record<string, unknown> | undefined): void {
  const url = new URL(req.url, 'http://gateway.invalid');
  const extensions = withoutPersistedQuery(sentExtensions);
  url.searchParams.delete('documentId');
  url.searchParams.delete('extensions');
  if (extensions) url.searchParams.set('extensions', JSON.stringify(extensions));
  url.searchParams.set('query', query);
  req.url = `${url.pathname}${url.search}`;
}

/**
 * Persisted documents over HTTP, between body parsing and Apollo: a request naming a document by
 * id (`documentId`, or Apollo's `extensions.persistedQuery.sha256Hash`) runs the manifest's text;
 * what the mode refuses is answered here with the contract's code, before any parsing.
 *
 * A GET of a manifest document needs no CSRF preflight header: the document is one the frontend
 * shipped, a GET can only run a query (Apollo answers 405 to a mutation), and a plain GET is what
 * lets browsers and CDNs cache it.
 */
export function persistedDocumentsMiddleware(persisted: PersistedDocuments): RequestHandler {
  return (req, res, next) => {
    const isGet = req.method === 'GET';
    if (!isGet && req.method !== 'POST') return next();
    const params = graphqlParamsOf(req);
    // Refused here, not left to Apollo: a repeated documentId is ours to read, and Apollo would run the rest.
    if (!params || params.documentId === REPEATED)
      return refuse(res, 400, ErrorCode.BAD_REQUEST, 'The GraphQL request parameters are malformed or given more than once.');
    const { extensions } = params;
    const resolution = persisted.resolve({ query: params.query, documentId: params.documentId, extensions });
    if (resolution.kind === 'refused') return refuse(res, 400, resolution.code, resolution.message);
    if (resolution.kind !== 'document' || !resolution.fromManifest) return next();
    if (isGet) {
      rewriteGet(req, resolution.query, extensions);
      req.headers['apollo-require-preflight'] = 'persisted-document';
    } else {
      const body = req.body as Record<string, unknown>;
      delete body.documentId;
      body.query = resolution.query;
      const rest = withoutPersistedQuery(extensions);
      if (rest) body.extensions = rest;
      else delete body.extensions;
    }
    next();
  };
}
