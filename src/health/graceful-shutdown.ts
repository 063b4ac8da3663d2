import { INestApplication, Logger } from '@nestjs/common';
import type { Server } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { ShutdownState } from './shutdown-state';

export interface ShutdownTiming {
  /** Readiness fails this long before the server stops accepting connections. */
  readonly delaySeconds: number;
  /** The whole shutdown's bound, from the signal to the exit. */
  readonly timeoutSeconds: number;
}

const SIGNALS = ['SIGTERM', 'SIGINT'] as const;
/** How often connections that went idle during the drain are closed (keep-alive clients). */
const IDLE_SWEEP_MS = 50;

/**
 * On SIGTERM (or SIGINT): readiness fails at once; after `delaySeconds` the server stops
 * accepting connections and drains the requests in flight; then the application closes (its
 * database pool with it) and the process exits 0. Connections still open shortly before the
 * timeout (a hung client) are cut so that the pool can still close in time; if even that does not
 * finish by the timeout, the process exits 1.
 */
export function drainOnSignals(app: INestApplication, timing: ShutdownTiming): void {
  const onSignal = (signal: NodeJS.Signals): void => {
    for (const name of SIGNALS) {
      process.removeListener(name, onSignal);
    }
    void shutDown(app, timing, signal).then(
      () => process.exit(0),
      (error: unknown) => {
        new Logger('Shutdown').error({
          event: 'shutdown.failed',
          msg: `Shutdown failed: ${(error as Error).message}`,
        });
        process.exit(1);
      },
    );
  };
  for (const name of SIGNALS) {
    process.on(name, onSignal);
  }
}

async function shutDown(
  app: INestApplication,
  timing: ShutdownTiming,
  signal: NodeJS.Signals,
): Promise<void> {
  const logger = new Logger('Shutdown');
  const timeoutMs = timing.timeoutSeconds * 1000;
  // Time kept back at the end for closing the pool once the connections are cut: a loaded
  // machine can take a second or more to tear the modules down.
  const reserveMs = Math.min(2000, timeoutMs / 3);
  const server = app.getHttpServer() as Server;
  app.get(ShutdownState).begin();
  logger.log({
    event: 'shutdown.begin',
    signal,
    msg: `${signal}: readiness fails now; draining requests (at most ${timing.timeoutSeconds}s)`,
  });

  const hardStop = setTimeout(() => {
    logger.error({
      event: 'shutdown.timeout',
      msg: 'The shutdown did not finish within SHUTDOWN_TIMEOUT; exiting',
    });
    process.exit(1);
  }, timeoutMs);
  hardStop.unref();
  const cut = setTimeout(() => {
    logger.warn('Requests still open near SHUTDOWN_TIMEOUT: closing their connections');
    server.closeAllConnections();
  }, timeoutMs - reserveMs);
  cut.unref();

  await sleep(timing.delaySeconds * 1000);
  // server.close() closes the connections idle at that moment only; keep-alive connections
  // whose last request ends during the drain are closed as they go idle.
  const sweep = setInterval(() => server.closeIdleConnections(), IDLE_SWEEP_MS);
  try {
    // The HTTP side first, so no request runs while the modules are torn down.
    await app.getHttpAdapter().close();
    await app.close();
  } finally {
    clearInterval(sweep);
    clearTimeout(cut);
    clearTimeout(hardStop);
  }
  logger.log({ event: 'shutdown.complete', msg: 'Shut down cleanly' });
}
