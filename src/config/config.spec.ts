import { expect } from 'expect';
import { describe, it, beforeEach, afterEach } from 'node:test';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from './config';

describe('loadConfig', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'vault-config-'));
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('has working defaults and generates an owner-only JWT secret file', () => {
    const config = loadConfig({ DATA_DIR: dataDir });
    expect(config).toMatchObject({ port: 3000, host: '127.0.0.1', dataDir, production: false });
    expect(config.sqlitePath).toBe(join(dataDir, 'credentials.sqlite'));
    expect(config.encryptionKey).toEqual({ kind: 'file', path: join(dataDir, 'encryption.key') });
    const secretFile = join(dataDir, 'jwt.secret');
    expect(statSync(secretFile).mode & 0o777).toBe(0o600);
    expect(
      config.jwtSecret.equals(Buffer.from(readFileSync(secretFile, 'utf8').trim(), 'base64')),
    ).toBe(true);
    expect(loadConfig({ DATA_DIR: dataDir }).jwtSecret.equals(config.jwtSecret)).toBe(true);
  });

  it('takes ENCRYPTION_KEY and JWT_SECRET from the environment', () => {
    const key = randomBytes(32);
    const config = loadConfig({
      DATA_DIR: dataDir,
      ENCRYPTION_KEY: key.toString('base64'),
      JWT_SECRET: 'x'.repeat(32),
      PORT: '8080',
    });
    expect(config.encryptionKey).toEqual({ kind: 'env', key });
    expect(config.jwtSecret.toString()).toBe('x'.repeat(32));
    expect(config.port).toBe(8080);
  });

  it('lists every bad variable by name in one error, without echoing values', () => {
    const badKey = randomBytes(31).toString('base64');
    let message = '';
    try {
      loadConfig({
        DATA_DIR: dataDir,
        PORT: '70000',
        ENCRYPTION_KEY: badKey,
        JWT_SECRET: 'short-secret',
      });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('PORT');
    expect(message).toContain('ENCRYPTION_KEY must be the base64 of exactly 32 bytes');
    expect(message).toContain('JWT_SECRET must be at least 32 bytes');
    expect(message).not.toContain(badKey);
    expect(message).not.toContain('short-secret');
  });

  for (const [label, value] of [
    ['not base64', '!'.repeat(44)],
    ['33 bytes', randomBytes(33).toString('base64')],
    ['16 bytes', randomBytes(16).toString('base64')],
  ]) {
    it(`refuses an ENCRYPTION_KEY that is ${label}`, () => {
      expect(() => loadConfig({ DATA_DIR: dataDir, ENCRYPTION_KEY: value })).toThrow(
        'ENCRYPTION_KEY',
      );
    });
  }

  it('requires JWT_SECRET in production', () => {
    expect(() => loadConfig({ DATA_DIR: dataDir, NODE_ENV: 'production' })).toThrow(
      'JWT_SECRET is required when NODE_ENV=production',
    );
  });

  it('refuses a JWT secret file that other users can read', () => {
    const secretFile = join(dataDir, 'jwt.secret');
    writeFileSync(secretFile, randomBytes(32).toString('base64'));
    chmodSync(secretFile, 0o644);
    expect(() => loadConfig({ DATA_DIR: dataDir })).toThrow('chmod 600');
  });

  it('reads LOG_LEVEL and LOG_FORMAT, and refuses values it does not know', () => {
    expect(loadConfig({ DATA_DIR: dataDir }).log).toEqual({ level: 'info', format: 'auto' });
    expect(loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'debug', LOG_FORMAT: 'json' }).log).toEqual({
      level: 'debug',
      format: 'json',
    });
    expect(() =>
      loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'verbose', LOG_FORMAT: 'xml' }),
    ).toThrow(
      /LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent[\s\S]*LOG_FORMAT must be one of auto, json, pretty/,
    );
  });
});
