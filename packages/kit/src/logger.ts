import pino, { type Logger } from 'pino';
import { envString } from './config';

export type { Logger };

/** JSON logs, one line per event; secrets never reach them (see redact). */
export function createLogger(service: string): Logger {
  return pino({
    name: service,
    level: envString('LOG_LEVEL', process.env.JEST_WORKER_ID ? 'silent' : 'info'),
    redact: {
      paths: ['password', '*.password', 'token', '*.token', 'refreshToken', '*.refreshToken', 'authorization', '*.authorization'],
      censor: '[redacted]',
    },
  });
}
