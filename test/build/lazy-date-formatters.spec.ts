import { expect } from 'expect';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import 'reflect-metadata';
import { runInThisContext } from 'node:vm';

const fromRoot = createRequire(join(process.cwd(), 'package.json'));
/** scripts/lazy-date-formatters.js and esbuild, as the bundle script loads them. */
const { lazyDateFormatters } = fromRoot('./scripts/lazy-date-formatters.js') as {
  lazyDateFormatters: unknown;
};
const { build } = fromRoot('esbuild') as typeof import('esbuild');

/** Bundles Nest's two logger modules with the plugin and returns the code. */
async function bundleLoggers(): Promise<string> {
  const result = await build({
    stdin: {
      contents:
        "exports.Logger = require('@nestjs/common/services/logger.service').Logger;\n" +
        "exports.ConsoleLogger = require('@nestjs/common/services/console-logger.service').ConsoleLogger;",
      resolveDir: process.cwd(),
    },
    bundle: true,
    platform: 'node',
    format: 'cjs',
    write: false,
    logLevel: 'silent',
    plugins: [lazyDateFormatters as import('esbuild').Plugin],
  });
  return result.outputFiles[0].text;
}

describe('lazyDateFormatters (bundle-server.js)', () => {
  it("builds Nest's logger date formatters on first use, not when the modules load", async () => {
    const code = await bundleLoggers();
    const built: unknown[][] = [];
    const formatted: string[] = [];
    class RecordingDateTimeFormat extends Intl.DateTimeFormat {
      constructor(...args: ConstructorParameters<typeof Intl.DateTimeFormat>) {
        super(...args);
        built.push(args);
      }
      override format(date?: Date | number): string {
        const text = super.format(date);
        formatted.push(text);
        return text;
      }
    }
    type Loggers = {
      Logger: { getTimestamp(): string };
      ConsoleLogger: new () => { getTimestamp(): string };
    };
    const module = { exports: {} as Loggers };
    const intl = { ...Intl, DateTimeFormat: RecordingDateTimeFormat };
    // The bundle's `Intl` is this parameter, whose DateTimeFormat records what it builds.
    const load = runInThisContext(`(function (module, exports, require, Intl) {${code}\n})`) as (
      ...args: unknown[]
    ) => void;
    load(module, module.exports, require, intl);
    expect(built).toHaveLength(0);

    const { Logger, ConsoleLogger } = module.exports;
    const stamps = [Logger.getTimestamp(), new ConsoleLogger().getTimestamp()];
    expect(stamps).toEqual(formatted);
    expect(stamps[0]).toMatch(/\d/);
    expect(built).toEqual([
      [undefined, expect.objectContaining({ year: 'numeric', second: 'numeric' })],
      [undefined, expect.objectContaining({ year: 'numeric', second: 'numeric' })],
    ]);
    // Built once each: later lines reuse them.
    Logger.getTimestamp();
    new ConsoleLogger().getTimestamp();
    expect(built).toHaveLength(2);
  });
});
