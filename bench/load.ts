import { Pool } from 'undici';

export interface LoadResult {
  requests: number;
  errors: number;
  seconds: number;
  rps: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

const percentile = (sorted: number[], p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : NaN);

/**
 * Closed-loop load: `concurrency` workers each send their next request as soon as the last one
 * answered, for `seconds`. Every latency is kept, so percentiles are exact (ms).
 */
export async function runLoad(
  origin: string,
  options: {
    concurrency: number;
    seconds: number;
    warmupSeconds?: number;
    next: (worker: number) => { path: string; method?: string; headers?: Record<string, string>; body?: string };
    onAnswer?: (worker: number, status: number, body: string) => void;
  },
): Promise<LoadResult> {
  const pool = new Pool(origin, { connections: options.concurrency, pipelining: 1 });
  const latencies: number[] = [];
  let errors = 0;
  const drive = async (seconds: number, record: boolean) => {
    const deadline = performance.now() + seconds * 1000;
    await Promise.all(
      Array.from({ length: options.concurrency }, async (_, worker) => {
        while (performance.now() < deadline) {
          const req = options.next(worker);
          const started = performance.now();
          try {
            const res = await pool.request({ path: req.path, method: req.method ?? 'GET', headers: req.headers, body: req.body });
            const text = await res.body.text();
            if (res.statusCode >= 400 || text.includes('"errors"')) errors += record ? 1 : 0;
            options.onAnswer?.(worker, res.statusCode, text);
          } catch {
            if (record) errors++;
          }
          if (record) latencies.push(performance.now() - started);
        }
      }),
    );
  };
  if (options.warmupSeconds) await drive(options.warmupSeconds, false);
  const started = performance.now();
  await drive(options.seconds, true);
  const seconds = (performance.now() - started) / 1000;
  await pool.close();
  latencies.sort((a, b) => a - b);
  return {
    requests: latencies.length,
    errors,
    seconds,
    rps: latencies.length / seconds,
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    p99: percentile(latencies, 99),
    max: latencies.length ? latencies[latencies.length - 1] : NaN,
  };
}
