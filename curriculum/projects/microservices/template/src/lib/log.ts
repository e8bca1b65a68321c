// Structured logs: one JSON object per line on stdout, so tools (and the harness) can filter and
// join them. A child logger carries fields such as the request's correlation id into every line.

export type Level = 'debug' | 'info' | 'warn' | 'error';
export const LEVELS: readonly Level[] = ['debug', 'info', 'warn', 'error'];

export type Fields = Readonly<Record<string, unknown>>;

export interface Logger {
  debug(msg: string, fields?: Fields): void;
  info(msg: string, fields?: Fields): void;
  warn(msg: string, fields?: Fields): void;
  error(msg: string, fields?: Fields): void;
  /** A logger adding `fields` to every line. */
  child(fields: Fields): Logger;
}

export interface LoggerOptions {
  readonly level?: Level;
  /** Where lines go; stdout by default. */
  readonly write?: (line: string) => void;
}

export function createLogger(service: string, options: LoggerOptions = {}, bound: Fields = {}): Logger {
  const min = LEVELS.indexOf(options.level ?? 'info');
  const write = options.write ?? ((line: string) => process.stdout.write(`${line}\n`));
  const log = (level: Level, msg: string, fields: Fields = {}): void => {
    if (LEVELS.indexOf(level) >= min) {
      write(JSON.stringify({ time: new Date().toISOString(), level, service, msg, ...bound, ...fields }));
    }
  };
  return {
    debug: (msg, fields) => log('debug', msg, fields),
    info: (msg, fields) => log('info', msg, fields),
    warn: (msg, fields) => log('warn', msg, fields),
    error: (msg, fields) => log('error', msg, fields),
    child: (fields) => createLogger(service, options, { ...bound, ...fields }),
  };
}
