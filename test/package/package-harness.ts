import { ChildProcess, spawn, spawnSync, SpawnSyncReturns } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The checkout: tests run compiled from dist-test/test/package/. */
export const repoRoot = join(__dirname, '..', '..', '..');

const HOST_DEPENDENCIES = [
  '@nestjs/common',
  '@nestjs/core',
  '@nestjs/jwt',
  '@nestjs/passport',
  '@nestjs/platform-express',
  '@nestjs/swagger',
  '@nestjs/typeorm',
  'class-transformer',
  'class-validator',
  'passport',
  // The PostgreSQL driver (pure JS), for the host's run on PostgreSQL.
  'pg',
  'reflect-metadata',
  'rxjs',
  'sqlite3',
  'typeorm',
];
// A host on Express with passport has these types already (`nest new` adds @types/express).
const HOST_DEV_DEPENDENCIES = ['typescript', '@types/node', '@types/express', '@types/passport'];

/** npm errors that mean "this machine cannot download", not "the package is broken". */
const OFFLINE_CODES = /\b(ENOTCACHED|ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT)\b/;

export class OfflineError extends Error {}

export function run(
  command: string,
  args: string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv },
): SpawnSyncReturns<string> {
  const result = spawnSync(command, args, {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.status !== 0) {
    const output = `${result.stdout}\n${result.stderr}`;
    const message = `${command} ${args.join(' ')} failed (${result.status}):\n${output.slice(-4000)}`;
    throw OFFLINE_CODES.test(output) ? new OfflineError(message) : new Error(message);
  }
  return result;
}

/** `npm pack` of the workspace package (its prepack builds when the sources changed). */
export function packLibrary(destination: string): string {
  run('npm', ['pack', '--workspace', 'credential-vault', '--pack-destination', destination], {
    cwd: repoRoot,
  });
  const tarball = readdirSync(destination).find((name) => name.endsWith('.tgz'));
  if (!tarball) {
    throw new Error(`npm pack left no tarball in ${destination}`);
  }
  return join(destination, tarball);
}

export function tarballEntries(tarball: string): string[] {
  return run('tar', ['-tzf', tarball], { cwd: repoRoot })
    .stdout.split('\n')
    .filter((line) => line !== '' && !line.endsWith('/'));
}

/** The versions the root lock file holds, so the host installs from npm's cache. */
function lockedVersions(names: string[]): Record<string, string> {
  const lock = JSON.parse(readFileSync(join(repoRoot, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, { version?: string }>;
  };
  return Object.fromEntries(
    names.map((name) => {
      const version = lock.packages[`node_modules/${name}`]?.version;
      if (!version) {
        throw new Error(`${name} is not in the root lock file`);
      }
      return [name, version];
    }),
  );
}

/** A fresh host app: the sources in test/package/host/ and a package.json naming the tarball. */
export function writeHost(dir: string, tarball: string): void {
  mkdirSync(dir, { recursive: true });
  cpSync(join(repoRoot, 'test', 'package', 'host'), dir, { recursive: true });
  const manifest = {
    name: 'vault-host',
    version: '1.0.0',
    private: true,
    dependencies: { 'credential-vault': `file:${tarball}`, ...lockedVersions(HOST_DEPENDENCIES) },
    devDependencies: lockedVersions(HOST_DEV_DEPENDENCIES),
    allowScripts: { sqlite3: true, '@scarf/scarf': false },
  };
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
}

/**
 * sqlite3's install script asks prebuild-install for a binary before compiling one. Offering it
 * the binary this checkout already built (same version, same machine; N-API, so any Node) as a
 * local prebuild spares the host a two-minute compile. Returns the environment that points there.
 */
export function localSqlitePrebuild(dir: string): NodeJS.ProcessEnv {
  const sqlite = join(repoRoot, 'node_modules', 'sqlite3');
  const binary = join(sqlite, 'build', 'Release', 'node_sqlite3.node');
  if (!existsSync(binary)) {
    return {};
  }
  const pkg = JSON.parse(readFileSync(join(sqlite, 'package.json'), 'utf8')) as {
    version: string;
    binary: { napi_versions: number[] };
  };
  const napi = Math.max(
    ...pkg.binary.napi_versions.filter((v) => v <= Number(process.versions.napi)),
  );
  const staging = join(dir, 'staging');
  mkdirSync(join(staging, 'build', 'Release'), { recursive: true });
  cpSync(binary, join(staging, 'build', 'Release', 'node_sqlite3.node'));
  const name = `sqlite3-v${pkg.version}-napi-v${napi}-${process.platform}-${process.arch}.tar.gz`;
  run('tar', ['-czf', join(dir, name), '-C', staging, 'build'], { cwd: dir });
  return { npm_config_sqlite3_local_prebuilds: dir };
}

/** Every package in a node_modules tree, nested copies included: name -> folders. */
export function installedPackages(nodeModules: string): Map<string, string[]> {
  const found = new Map<string, string[]>();
  const visit = (dir: string): void => {
    for (const entry of existsSync(dir) ? readdirSync(dir, { withFileTypes: true }) : []) {
      if (!entry.isDirectory() || entry.name.startsWith('.')) {
        continue;
      }
      const folders = entry.name.startsWith('@')
        ? readdirSync(join(dir, entry.name)).map((name) => `${entry.name}/${name}`)
        : [entry.name];
      for (const name of folders) {
        const path = join(dir, name);
        found.set(name, [...(found.get(name) ?? []), path]);
        visit(join(path, 'node_modules'));
      }
    }
  };
  visit(nodeModules);
  return found;
}

/** Starts the compiled host and resolves with its URL once it listens. */
export function startHost(
  dir: string,
  env: NodeJS.ProcessEnv,
): Promise<{ url: string; host: ChildProcess }> {
  const host = spawn(process.execPath, ['dist/main.js'], {
    cwd: dir,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      host.kill();
      reject(new Error(`The host did not start in 60 s:\n${output}`));
    }, 60_000);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      const match = /host listening on (\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve({ url: match[1].replace('[::1]', '127.0.0.1'), host });
      }
    };
    host.stdout.on('data', onData);
    host.stderr.on('data', onData);
    host.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`The host exited with ${code}:\n${output}`));
    });
  });
}
