import { ChildProcess, spawn } from 'node:child_process';
import { AddressInfo, createServer } from 'node:net';
import { resolve } from 'node:path';
import { processLogs } from './log-capture';

/** The server compiled in the same `nest build` as the tests (dist-test/src/main.js). */
const MAIN = resolve(__dirname, '../../src/main.js');
const ROOT = resolve(__dirname, '../../..');

export interface SpawnedServer {
  readonly child: ChildProcess;
  readonly port: number;
  readonly url: string;
  output(): string;
  /** Resolves with the exit code once the process has ended. */
  readonly exited: Promise<number | null>;
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  await new Promise((done) => server.close(done));
  return port;
}

/** Starts the built server on a free port (only the given environment) and waits until it is ready. */
export async function spawnServer(env: Record<string, string>): Promise<SpawnedServer> {
  const port = await freePort();
  const child = spawn(process.execPath, [MAIN], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      NODE_ENV: 'test',
      ...env,
      PORT: String(port),
      HOST: '127.0.0.1',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  processLogs.addOutput(`server-${port}`, () => output);
  let code: number | null | undefined;
  const exited = new Promise<number | null>((done) =>
    child.on('close', (exitCode) => {
      code = exitCode;
      processLogs.saveOutput(`server-${port}`, output);
      done(exitCode);
    }),
  );
  const url = `http://127.0.0.1:${port}/api/v1`;
  const deadline = Date.now() + 30_000;
  while (code === undefined && Date.now() < deadline) {
    try {
      if ((await fetch(`${url}/health/ready`)).ok) {
        return { child, port, url, output: () => output, exited };
      }
    } catch {
      // not listening yet
    }
    await new Promise((done) => setTimeout(done, 100));
  }
  child.kill('SIGKILL');
  throw new Error(`The server did not start:\n${output}`);
}

/** Runs the built server expecting it to refuse to start: its exit code and output. */
export async function runServerToExit(
  env: Record<string, string>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [MAIN], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, NODE_ENV: 'test', ...env, PORT: String(await freePort()) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  processLogs.addOutput('refused', () => stdout + stderr);
  const code = await new Promise<number | null>((done) => child.on('close', done));
  processLogs.saveOutput(`refused-${child.pid}`, stdout + stderr);
  return { code, stdout, stderr };
}
