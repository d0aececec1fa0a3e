import { type Logger, pino } from 'pino';

/** Paths that may carry secrets; pino replaces them before anything is written. */
const REDACT = [
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  '*.password',
  '*.accessToken',
  '*.refreshToken',
  '*.access_token',
  '*.refresh_token',
  '*.partnerKey',
  '*.token',
];

export function createLogger(level: string, name = 'lumiku'): Logger {
  return pino({ name, level, redact: { paths: REDACT, censor: '[redacted]' } });
}
export type { Logger };
