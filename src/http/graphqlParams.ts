import type { Request } from 'express';
import Negotiator from 'negotiator';
import MIMEType from 'whatwg-mimetype';

/**
 * A GraphQL request's parameters exactly as Apollo Server will read them (its `runHttpQuery`): a
 * GET from the URL's own search string (every parameter, however many, each at most once), a
 * POST from the JSON body with the types Apollo insists on. Everything that answers or guards a
 * request before Apollo (the response cache, persisted documents, the document guard) reads this
 * view and no other, so none of them can be shown a different request than the one Apollo runs.
 */
export interface GraphqlParams {
  query: string | undefined;
  operationName: string | undefined;
  /** Parsed (from the URL's JSON text on a GET). */
  variables: Record<string, unknown> | undefined;
  extensions: Record<string, unknown> | undefined;
  /** The GraphQL-over-HTTP persisted document id (ours to read; Apollo ignores it); REPEATED when a GET gives it more than once. */
  documentId: unknown;
}

/** A GET parameter given more than once where only Apollo's own parameters make the whole request invalid. */
export const REPEATED = Symbol('repeated parameter');

/** The parameters, or null where Apollo will refuse the request with a 400 of its own before any work. */
export type GraphqlParamsView = GraphqlParams | null;

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The search string of a request target as Node's `url.parse` gives it to Apollo's Express
 * integration: from the first `?` up to the first `#`; none when a `#` comes first.
 */
function searchOf(url: string): string {
  const query = url.indexOf('?');
  const hash = url.indexOf('#');
  if (query < 0 || (hash >= 0 && hash < query)) return '';
  return url.slice(query, hash < 0 ? undefined : hash);
}

function fromSearch(search: string): GraphqlParamsView {
  const params = new URLSearchParams(search);
  const once = (name: string): string | undefined | null => {
    const values = params.getAll(name);
    return values.length === 0 ? undefined : values.length === 1 ? values[0] : null;
  };
  const json = (name: string): Record<string, unknown> | undefined | null => {
    const text = once(name);
    if (text === undefined || text === null) return text;
    try {
      const value: unknown = JSON.parse(text);
      return isRecord(value) ? value : null;
    } catch {
      return null;
    }
  };
  const query = once('query');
  const operationName = once('operationName');
  const variables = json('variables');
  const extensions = json('extensions');
  const documentId = once('documentId');
  if (query === null || operationName === null || variables === null || extensions === null) return null;
  return { query, operationName, variables, extensions, documentId: documentId === null ? REPEATED : documentId };
}

function fromBody(body: unknown): GraphqlParamsView {
  if (!isRecord(body) || Object.keys(body).length === 0) return null;
  const { query, operationName, variables, extensions, documentId } = body;
  if (query !== undefined && typeof query !== 'string') return null;
  if (variables !== undefined && variables !== null && !isRecord(variables)) return null;
  if (extensions !== undefined && extensions !== null && !isRecord(extensions)) return null;
  if (operationName !== undefined && operationName !== null && typeof operationName !== 'string') return null;
  return {
    query,
    operationName: operationName ?? undefined,
    variables: variables ?? undefined,
    extensions: extensions ?? undefined,
    documentId,
  };
}

export function graphqlParamsOf(req: Request): GraphqlParamsView {
  if (req.method === 'GET') {
    // Apollo answers 415 to a GET with any other content type.
    const contentType = req.get('content-type');
    if (contentType !== undefined && MIMEType.parse(contentType)?.essence !== 'application/json') return null;
    return fromSearch(searchOf(req.url));
  }
  if (req.method === 'POST') return fromBody(req.body);
  return null;
}

const NON_PREFLIGHTED_CONTENT_TYPES = new Set(['application/x-www-form-urlencoded', 'multipart/form-data', 'text/plain']);
const PREFLIGHT_HEADERS = ['x-apollo-operation-name', 'apollo-require-preflight'];

/**
 * Whether Apollo's CSRF prevention lets the request through (its `preventCsrf`, rule for rule):
 * a content type a browser cannot send without a preflight (an unparseable one included), or a
 * non-empty preflight-forcing header.
 */
export function passesCsrfPrevention(req: Request): boolean {
  const contentType = req.get('content-type');
  if (contentType !== undefined) {
    const parsed = MIMEType.parse(contentType);
    if (parsed === null || !NON_PREFLIGHTED_CONTENT_TYPES.has(parsed.essence)) return true;
  }
  return PREFLIGHT_HEADERS.some((name) => {
    const value = req.get(name);
    return value !== undefined && value.length > 0;
  });
}

/** Apollo's media types for a single result, in its order of preference. */
const APOLLO_RESULT_TYPES = [
  'application/json; charset=utf-8',
  'application/graphql-response+json; charset=utf-8',
  'application/json; callbackSpec=1.0; charset=utf-8',
];

/**
 * The content type Apollo would answer this request with (its negotiation, with its list), or
 * null where Apollo would answer 406. The callback type is Apollo's own business: the cache only
 * serves the two plain ones.
 */
export function resultTypeOf(req: Request): string | null {
  const accept = req.get('accept');
  if (!accept) return APOLLO_RESULT_TYPES[0];
  const preferred = new Negotiator({ headers: { accept } }).mediaType(APOLLO_RESULT_TYPES);
  return preferred === APOLLO_RESULT_TYPES[0] || preferred === APOLLO_RESULT_TYPES[1] ? preferred : null;
}
