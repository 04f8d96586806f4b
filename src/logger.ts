import pino, { type Logger } from 'pino';
import type { SecretRedactor } from './redaction';

export type { Logger };

/** Secrets never reach a log line: these paths are censored wherever they appear. */
const REDACT_PATHS = [
  'authorization',
  'headers.authorization',
  'req.headers.authorization',
  'req.headers["x-api-key"]',
  'clientSecret',
  'password',
  'access_token',
  'refresh_token',
  '*.clientSecret',
  '*.password',
  '*.access_token',
  '*.refresh_token',
];

/** JSON logs (pino). Asynchronous destination so logging stays off the hot path. */
export function createLogger(level: string, redactor: SecretRedactor, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      base: { service: 'restore-session-gateway' },
      // Last line of defence: any known secret value is blanked from the serialised line.
      hooks: { streamWrite: (line) => redactor.scrub(line) },
    },
    destination ?? pino.destination({ sync: false }),
  );
}
