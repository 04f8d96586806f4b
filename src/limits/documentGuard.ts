import { GraphQLError } from 'graphql';
import { ErrorCode } from '../errors';

/** Longest operation name accepted (names are echoed in errors and logs). */
export const MAX_OPERATION_NAME_LENGTH = 128;
/** Deepest nesting of braces, brackets and parentheses: graphql-js parses recursively. */
export const MAX_NESTING = 64;

const OPERATION_NAME = /^[_A-Za-z][_0-9A-Za-z]*$/;

/**
 * Cheap checks on the request text before it is parsed: the parser is recursive and would
 * overflow the stack on a deeply nested list literal, and an operation name is echoed back,
 * so both are bounded first. Linear in the text; strings and comments are skipped.
 */
export function checkDocumentText(query: string, operationName: unknown): GraphQLError | null {
  if (operationName !== undefined && operationName !== null) {
    if (typeof operationName !== 'string' || operationName.length > MAX_OPERATION_NAME_LENGTH || !OPERATION_NAME.test(operationName)) {
      return new GraphQLError(`operationName must be a GraphQL name of at most ${MAX_OPERATION_NAME_LENGTH} characters.`, {
        extensions: { code: ErrorCode.BAD_REQUEST, http: { status: 400 } },
      });
    }
  }
  const depth = nestingDepth(query);
  if (depth > MAX_NESTING) {
    return new GraphQLError(`Syntax Error: the document nests more than ${MAX_NESTING} levels of braces, brackets or parentheses.`, {
      extensions: { code: ErrorCode.GRAPHQL_PARSE_FAILED, http: { status: 400 } },
    });
  }
  return null;
}

/** The deepest nesting in a GraphQL document, outside strings and comments. */
export function nestingDepth(text: string): number {
  let depth = 0;
  let max = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x23 /* # */) {
      while (i < text.length && text.charCodeAt(i) !== 0x0a && text.charCodeAt(i) !== 0x0d) i++;
    } else if (c === 0x22 /* " */) {
      if (text.startsWith('"""', i)) {
        const end = text.indexOf('"""', i + 3);
        i = end < 0 ? text.length : end + 2;
        // An escaped \""" inside a block string does not end it.
        while (end >= 0 && text.charCodeAt(i - 3) === 0x5c && i < text.length) {
          const next = text.indexOf('"""', i + 1);
          i = next < 0 ? text.length : next + 2;
        }
      } else {
        for (i++; i < text.length && text.charCodeAt(i) !== 0x22 && text.charCodeAt(i) !== 0x0a; i++) if (text.charCodeAt(i) === 0x5c) i++;
      }
    } else if (c === 0x7b || c === 0x5b || c === 0x28) {
      if (++depth > max) max = depth;
    } else if (c === 0x7d || c === 0x5d || c === 0x29) {
      depth = Math.max(0, depth - 1);
    }
  }
  return max;
}
