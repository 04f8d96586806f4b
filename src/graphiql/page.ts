/** The query GraphiQL opens with: a dashboard's first look at both vendors. */
export const EXAMPLE_QUERY = `# Restore sessions from every source, newest first.
# Ctrl+Enter runs the query; the Docs button (top left) lists every type and field.
query RecentRestoreSessions {
  restoreSessions(first: 10) {
    totalCount
    pageInfo { hasNextPage endCursor }
    nodes {
      __typename
      id
      vendor
      status
      workload
      createdAt
      initiatedBy
      progress { percent }
      source { id name health }
      ... on GraphRestoreSession { graphStatus restoreJobType }
      ... on VeeamRestoreSession { name state result organization { name } }
    }
  }
  restoreSessionStats { total byStatus { status count } }
}
`;

/**
 * GraphiQL's page. Every asset comes from the gateway itself (no CDN), so the explorer works on
 * a machine without internet; the inline-free page also suits a strict Content-Security-Policy.
 */
export function graphiqlHtml(assetBase: string): string {
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>Restore session gateway · GraphiQL</title>
    <link rel="stylesheet" href="${assetBase}/graphiql.min.css" />
    <style>html, body, #graphiql { height: 100%; margin: 0; }</style>
  </head>
  <body>
    <div id="graphiql">Loading GraphiQL…</div>
    <script src="${assetBase}/react.production.min.js"></script>
    <script src="${assetBase}/react-dom.production.min.js"></script>
    <script src="${assetBase}/graphiql.min.js"></script>
    <script src="${assetBase}/graphql-ws.min.js"></script>
    <script src="${assetBase}/init.js"></script>
  </body>
</html>
`;
}

/** Starts GraphiQL against this gateway's /graphql, with the example query and the headers editor. */
export function graphiqlInitScript(endpoint: string): string {
  return `(function () {
  // Subscriptions go over graphql-ws on the same path. The Headers editor's values (an API key,
  // a bearer token) become the connection_init payload; new headers mean a new connection.
  var endpoint = ${JSON.stringify(endpoint)};
  var wsUrl = (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + endpoint;
  var current = { key: null, client: null, fetcher: null };
  function fetcherFor(headers) {
    var key = JSON.stringify(headers || {});
    if (current.key !== key) {
      if (current.client) current.client.dispose();
      var client = graphqlWs.createClient({ url: wsUrl, lazy: true, connectionParams: headers || {} });
      current = { key: key, client: client, fetcher: GraphiQL.createFetcher({ url: endpoint, wsClient: client }) };
    }
    return current.fetcher;
  }
  var fetcher = function (params, opts) {
    return fetcherFor(opts && opts.headers)(params, opts);
  };
  var root = ReactDOM.createRoot(document.getElementById('graphiql'));
  root.render(React.createElement(GraphiQL, {
    fetcher: fetcher,
    defaultQuery: ${JSON.stringify(EXAMPLE_QUERY)},
    isHeadersEditorEnabled: true,
    shouldPersistHeaders: false,
    defaultEditorToolsVisibility: 'variables'
  }));
})();
`;
}
