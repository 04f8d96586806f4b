import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';

/** A real graphql-ws client against a harness gateway. */
export function wsClient(httpUrl: string, connectionParams: Record<string, unknown> = {}): Client {
  return createClient({ url: `${httpUrl.replace(/^http/, 'ws')}/graphql`, webSocketImpl: WebSocket, connectionParams, retryAttempts: 0, lazy: true });
}

/** Collects every result of one subscription until it completes, errors, or `until` says stop. */
export function collect<T>(
  client: Client,
  query: string,
  variables: Record<string, unknown> = {},
  until?: (items: T[]) => boolean,
): { items: T[]; errors: unknown[]; done: Promise<void>; stop(): void } {
  const items: T[] = [];
  const errors: unknown[] = [];
  let stop = () => undefined as void;
  const done = new Promise<void>((resolve) => {
    stop = client.subscribe<T>(
      { query, variables },
      {
        next: (result) => {
          if (result.errors) errors.push(...result.errors);
          if (result.data) items.push(result.data);
          if (until?.(items)) {
            stop();
            resolve();
          }
        },
        error: (err) => {
          errors.push(err);
          resolve();
        },
        complete: () => resolve(),
      },
    );
  });
  return { items, errors, done, stop: () => stop() };
}

export const waitFor = async (check: () => boolean, ms = 10_000) => {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
};

/** Waits until the gateway runs at least `count` subscriptions (graphql-ws has no subscribe acknowledgement). */
export async function waitForSubscriptions(http: (path: string) => Promise<{ text: string }>, count: number): Promise<void> {
  const running = async () => Number(/^gateway_subscriptions_active (\d+)/m.exec((await http('/metrics')).text)?.[1] ?? 0);
  const deadline = Date.now() + 10_000;
  while ((await running()) < count) {
    if (Date.now() > deadline) throw new Error(`fewer than ${count} subscriptions started in time`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
