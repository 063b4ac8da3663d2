/** pino's levels, most to least severe; `silent` logs nothing. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevelName = (typeof LOG_LEVELS)[number];

/** `auto`: readable lines on a terminal, JSON lines otherwise (a file, a pipe, a container). */
export const LOG_FORMATS = ['auto', 'json', 'pretty'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

export interface LogSettings {
  readonly level: LogLevelName;
  readonly format: LogFormat;
}

/** Before the configuration is read (or when it is refused), logs go out with these. */
export const DEFAULT_LOG_SETTINGS: LogSettings = { level: 'info', format: 'auto' };
