export const DURATION_PATTERN = /^\d{1,9}[smhd]?$/;

/** Seconds from `900`, `90s`, `15m`, `1h` or `7d`. */
export function parseDuration(value: string): number {
  const unitSeconds = { s: 1, m: 60, h: 3600, d: 86400 } as const;
  const unit = /[smhd]$/.test(value) ? (value.slice(-1) as keyof typeof unitSeconds) : 's';
  return (
    Number(unit === 's' && !value.endsWith('s') ? value : value.slice(0, -1)) * unitSeconds[unit]
  );
}
