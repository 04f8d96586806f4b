import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';

/** schema/ sits beside src/ and dist/ alike. */
const SCHEMA_DIR = path.resolve(__dirname, '..', 'schema');

let cached: string | null = null;

/** The SDL, read once per process: no schema work happens per request. */
export function loadTypeDefs(): string {
  cached ??= readdirSync(SCHEMA_DIR)
    .filter((f) => f.endsWith('.graphql'))
    .sort()
    .map((f) => readFileSync(path.join(SCHEMA_DIR, f), 'utf8'))
    .join('\n');
  return cached;
}
