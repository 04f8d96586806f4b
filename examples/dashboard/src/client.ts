import { Client, cacheExchange, fetchExchange, subscriptionExchange } from '@urql/core';
import { createClient as createWsClient } from 'graphql-ws';
import type { DashboardConfig } from './config';
import { liveStatus } from './liveStatus';
import { persistedExchanges, withDocumentId } from './persisted';

/** One urql client: HTTP for queries, graphql-ws on the same path for subscriptions. */
export function createGatewayClient(config: DashboardConfig): Client {
  const credentials = config.apiKey ? { 'x-api-key': config.apiKey } : undefined;
  const ws = createWsClient({
    url: config.wsUrl,
    connectionParams: credentials,
    // Connected from the start (the live indicator shows the connection, not just a subscription),
    // and for as long as the page is open: reconnects with exponential backoff.
    lazy: false,
    onNonLazyError: () => undefined,
    retryAttempts: Infinity,
    shouldRetry: () => true,
    on: {
      connecting: () => liveStatus.set('connecting'),
      connected: () => liveStatus.set('live'),
      closed: () => liveStatus.set('offline'),
    },
  });

  return new Client({
    url: config.httpUrl,
    fetch: config.persisted === 'off' ? undefined : withDocumentId,
    fetchOptions: () => ({ headers: credentials ?? {}, credentials: 'omit' }),
    // POST with content-type application/json: the gateway's CSRF prevention refuses a bare GET.
    preferGetMethod: false,
    // Rows are shown cached while the page asks again; live changes arrive through the subscription.
    requestPolicy: 'cache-and-network',
    exchanges: [
      cacheExchange,
      ...persistedExchanges(config.persisted),
      subscriptionExchange({
        forwardSubscription: (request, operation) => {
          // graphql-ws requires a `query` string: a hash-only subscription sends an empty one.
          const hash = operation.extensions?.persistedQuery?.sha256Hash;
          const payload = { ...request, query: request.query ?? '', ...(!request.query && hash ? { documentId: hash } : {}) };
          return { subscribe: (sink) => ({ unsubscribe: ws.subscribe(payload, sink) }) };
        },
      }),
      fetchExchange,
    ],
  });
}
