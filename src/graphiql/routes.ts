import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Express, Request } from 'express';
import { graphqlParamsOf } from '../http/graphqlParams';
import { graphiqlHtml, graphiqlInitScript } from './page';

const ASSETS: Record<string, { pkg: string; file: string; type: string }> = {
  'graphiql.min.css': { pkg: 'graphiql', file: 'graphiql.min.css', type: 'text/css; charset=utf-8' },
  'graphiql.min.js': { pkg: 'graphiql', file: 'graphiql.min.js', type: 'text/javascript; charset=utf-8' },
  'react.production.min.js': { pkg: 'react', file: 'umd/react.production.min.js', type: 'text/javascript; charset=utf-8' },
  'react-dom.production.min.js': { pkg: 'react-dom', file: 'umd/react-dom.production.min.js', type: 'text/javascript; charset=utf-8' },
  'graphql-ws.min.js': { pkg: 'graphql-ws', file: 'umd/graphql-ws.min.js', type: 'text/javascript; charset=utf-8' },
};

/** The prebuilt UMD files are not in the packages' `exports`, so they are found from each package's root. */
function assetPath(pkg: string, file: string): string {
  return path.join(path.dirname(require.resolve(`${pkg}/package.json`)), file);
}

/** A browser asking for /graphql gets GraphiQL; API clients (JSON, or a `query`, `documentId` or `extensions` parameter) do not. */
export function wantsGraphiql(req: Request): boolean {
  if (req.method !== 'GET') return false;
  // Read as Apollo reads the URL; a malformed one is Apollo's to refuse, not a page to show.
  const params = graphqlParamsOf(req);
  return (
    params !== null &&
    params.query === undefined &&
    params.documentId === undefined &&
    params.extensions === undefined &&
    req.accepts(['application/json', 'text/html']) === 'text/html'
  );
}

export function mountGraphiql(app: Express, endpoint: string): void {
  const base = '/graphiql';
  const html = graphiqlHtml(base);
  const init = graphiqlInitScript(endpoint);
  app.get(endpoint, (req, res, next) => {
    if (!wantsGraphiql(req)) return next();
    res.type('html').set('cache-control', 'no-cache').send(html);
  });
  app.get(`${base}/init.js`, (_req, res) => {
    res.type('text/javascript; charset=utf-8').set('cache-control', 'no-cache').send(init);
  });
  for (const [name, asset] of Object.entries(ASSETS)) {
    const file = assetPath(asset.pkg, asset.file);
    if (!existsSync(file)) throw new Error(`GraphiQL asset missing: ${file} (reinstall dependencies)`);
    app.get(`${base}/${name}`, (_req, res) => {
      res.set('content-type', asset.type).set('cache-control', 'public, max-age=86400').sendFile(file);
    });
  }
}
