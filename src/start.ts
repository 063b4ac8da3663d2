/**
 * `npm start`'s entry: runs the bundled server (main.bundle.js, built by
 * scripts/bundle-server.js) with V8's code cache, or main.js when there is no bundle.
 *
 * Node 20 has no compile cache of its own, and most of a start was loading and compiling the
 * packages' ~2,800 files. The bundle is one file; compiled here with the cached code of its
 * previous run, it skips parsing and compiling what that run compiled. The cache holds compiled
 * code of the bundle's own source, no value the server computed (so no key or secret). It sits
 * next to the bundle because whoever can write there can change the code anyway; a place others
 * can write (a shared tmp) would let them run code in the server. It is keyed by the bundle's
 * contents and Node's version, and V8 rejects it too when its flags differ; a rejected or
 * missing cache is written anew when the server exits or after it has run a while. Where the
 * folder is read-only nothing is written and the bundle starts without the cache.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import Module from 'node:module';
import { dirname, join } from 'node:path';
import { constants, Script } from 'node:vm';

const BUNDLE = join(__dirname, 'main.bundle.js');
const CACHE = join(__dirname, 'main.bundle.cache');
/** Long enough for the start and the first requests to have compiled what they need. */
const WRITE_CACHE_AFTER_MS = 60_000;

function readCache(key: string): Buffer | undefined {
  try {
    const file = readFileSync(CACHE);
    const newline = file.indexOf(10);
    return file.subarray(0, newline).toString('latin1') === key
      ? file.subarray(newline + 1)
      : undefined;
  } catch {
    return undefined;
  }
}

/** Replaces the cache in one rename, so a concurrent start reads a whole file or none. */
function writeCache(script: Script, key: string): void {
  const partial = `${CACHE}.${randomBytes(6).toString('hex')}`;
  try {
    const data = script.createCachedData();
    writeFileSync(partial, Buffer.concat([Buffer.from(`${key}\n`, 'latin1'), data]), {
      flag: 'wx',
      mode: 0o644,
    });
    renameSync(partial, CACHE);
  } catch {
    // A read-only install: start-up without the cache is slower, not wrong.
    rmSync(partial, { force: true });
  }
}

function runBundle(): typeof import('./main') {
  // Hashed as the file's bytes: hashing the string would first encode it to UTF-8 in a buffer
  // of 3 bytes per character (20 MB), after which glibc's malloc keeps freed start-up memory
  // (12 MB of idle RSS) rather than give it back. See README, Performance, round seven.
  const bytes = readFileSync(BUNDLE);
  const key = `${process.version} ${process.arch} ${createHash('sha256').update(bytes).digest('hex')}`;
  const source = bytes.toString('latin1');
  const cachedData = readCache(key);
  const script = new Script(Module.wrap(source), {
    filename: BUNDLE,
    cachedData,
    importModuleDynamically: constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  });
  // The closure below keeps only the key: the cache file's buffer (6 MB) is garbage once compiled.
  if (cachedData === undefined || script.cachedDataRejected === true) {
    let written = false;
    const write = (): void => {
      if (!written) {
        written = true;
        writeCache(script, key);
      }
    };
    setTimeout(write, WRITE_CACHE_AFTER_MS).unref();
    process.once('exit', write);
  }
  const bundleModule = new Module(BUNDLE, module);
  bundleModule.filename = BUNDLE;
  const run = script.runInThisContext() as (...args: unknown[]) => void;
  run(bundleModule.exports, Module.createRequire(BUNDLE), bundleModule, BUNDLE, dirname(BUNDLE));
  return bundleModule.exports as typeof import('./main');
}

/**
 * `npm start` passes `--expose-gc` for this alone: one full collection once the server listens
 * frees what start-up left behind (the code cache's buffer, compilation and migration garbage,
 * about 15 MB) at once, instead of whenever V8's idle-time memory reducer gets to it.
 */
const collectGarbage = (globalThis as { gc?: () => void }).gc;

// eslint-disable-next-line @typescript-eslint/no-require-imports
const server = existsSync(BUNDLE) ? runBundle() : (require('./main') as typeof import('./main'));
if (collectGarbage) {
  void server.started.then(() => setImmediate(collectGarbage));
}
