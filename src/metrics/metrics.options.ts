/** How the standalone server serves `/metrics` (from `METRICS_TOKEN`). */
export abstract class MetricsOptions {
  /** The bearer token a scrape must send. */
  abstract readonly token: Buffer;
}
