import { Agent, request } from 'undici';

export interface HttpAnswer {
  status: number;
  headers: Record<string, string>;
  text: string;
  json: any;
}

/** A plain HTTP call for tests: returns status, headers, text and parsed JSON when it parses. */
export async function call(url: string, init: { method?: string; headers?: Record<string, string>; body?: string; ca?: string } = {}): Promise<HttpAnswer> {
  const dispatcher = init.ca ? new Agent({ connect: { ca: init.ca } }) : undefined;
  try {
    const res = await request(url, { method: (init.method ?? 'GET') as 'GET', headers: init.headers, body: init.body, dispatcher });
    const text = await res.body.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(res.headers)) if (typeof v === 'string') headers[k] = v;
    return { status: res.statusCode, headers, text, json };
  } finally {
    await dispatcher?.close();
  }
}

export const form = (values: Record<string, string>) => ({
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams(values).toString(),
});

export const jsonBody = (value: unknown) => ({ headers: { 'content-type': 'application/json' }, body: JSON.stringify(value) });

/** A Graph simulator's access token, fetched with the client-credentials grant as the gateway does. */
export async function graphAccessToken(sim: { tokenUrl: string; clientId: string; clientSecret: string }): Promise<string> {
  const answer = await call(sim.tokenUrl, {
    method: 'POST',
    ...form({ grant_type: 'client_credentials', client_id: sim.clientId, client_secret: sim.clientSecret, scope: 'https://graph.microsoft.com/.default' }),
  });
  if (answer.status !== 200) throw new Error(`the Graph simulator refused a token: ${answer.status}`);
  return answer.json.access_token as string;
}
