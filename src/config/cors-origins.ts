/**
 * `CORS_ORIGINS`: the browser origins allowed to call the API, comma-separated, each exactly
 * `scheme://host[:port]`. Empty or unset: no CORS headers at all, so only same-origin pages (and
 * non-browser clients) can use the API.
 */
export function parseCorsOrigins(value: string | undefined): string[] {
  return splitEntries(value).map((entry) => new URL(entry).origin);
}

/** Every entry that is not an origin, by position (messages never echo configuration values). */
export function corsOriginsProblems(value: string | undefined): string[] {
  return splitEntries(value).flatMap((entry, index) =>
    isOrigin(entry)
      ? []
      : [
          `CORS_ORIGINS entry ${index + 1} must be an origin such as https://flowise.example.com` +
            ' (http or https, no path, no wildcard)',
        ],
  );
}

function splitEntries(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
}

function isOrigin(entry: string): boolean {
  if (!URL.canParse(entry)) {
    return false;
  }
  const url = new URL(entry);
  // An origin has no path, query, fragment or user; a trailing slash is tolerated.
  return (
    (url.protocol === 'http:' || url.protocol === 'https:') &&
    url.origin.toLowerCase() === entry.replace(/\/$/, '').toLowerCase() &&
    !entry.includes('*')
  );
}
