import { expect } from 'expect';
import request from 'supertest';
import type { TestApp } from './test-app';

/** One scrape: each sample's value under `name{label="value",...}` as Prometheus prints it. */
export class Scrape {
  private readonly samples = new Map<string, number>();

  constructor(readonly text: string) {
    for (const line of text.split('\n')) {
      const match = /^([a-zA-Z_:][\w:]*)(\{[^}]*\})? (\S+)$/.exec(line);
      if (match) {
        this.samples.set(`${match[1]}${match[2] ?? ''}`, Number(match[3]));
      }
    }
  }

  /** The sample's value, or undefined when the scrape does not have it. */
  value(name: string, labels: Record<string, string> = {}): number | undefined {
    const pairs = Object.entries(labels).map(([key, value]) => `${key}="${value}"`);
    for (const [key, value] of this.samples) {
      if (key === name && pairs.length === 0) {
        return value;
      }
      if (key.startsWith(`${name}{`) && pairs.every((pair) => key.includes(pair))) {
        return value;
      }
    }
    return undefined;
  }

  /** How much a counter (or a histogram's `_count`) grew since `before`; absent counts as 0. */
  delta(before: Scrape, name: string, labels: Record<string, string> = {}): number {
    return (this.value(name, labels) ?? 0) - (before.value(name, labels) ?? 0);
  }

  has(name: string): boolean {
    return [...this.samples.keys()].some((key) => key === name || key.startsWith(`${name}{`));
  }
}

/** GET /metrics with the app's METRICS_TOKEN; fails unless it answers 200. */
export async function scrape(testApp: TestApp, token: string): Promise<Scrape> {
  const response = await request(testApp.http())
    .get('/metrics')
    .set('Authorization', `Bearer ${token}`);
  expect(response.status).toBe(200);
  expect(response.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
  return new Scrape(response.text);
}
