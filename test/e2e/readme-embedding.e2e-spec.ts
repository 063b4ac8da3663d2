import { expect } from 'expect';
import { after, before, describe, it } from 'node:test';
import { INestApplication, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import request from 'supertest';
import type { App } from 'supertest/types';
import * as ts from 'typescript';
import { removeDir } from './test-app';

const ROOT = resolve(__dirname, '../../..');
const PACKAGE_NAME = 'credential-vault';

/** The first TypeScript block of the README's "Embedding" section. */
function embeddingSnippet(): string {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Embedding in a Nest application'));
  const match = /```ts\n([\s\S]*?)```/.exec(section);
  if (!match) {
    throw new Error('README.md has no ts block under "Embedding in a Nest application"');
  }
  return match[1];
}

/** Type-checks the snippet under `strict`, with the package name pointing at src/. */
function typeErrors(file: string): string[] {
  const program = ts.createProgram([file], {
    strict: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.CommonJS,
    moduleResolution: ts.ModuleResolutionKind.Node10,
    experimentalDecorators: true,
    emitDecoratorMetadata: true,
    skipLibCheck: true,
    types: ['node'],
    typeRoots: [join(ROOT, 'node_modules/@types')],
    baseUrl: ROOT,
    paths: { [PACKAGE_NAME]: ['src/index.ts'] },
  });
  return ts
    .getPreEmitDiagnostics(program, program.getSourceFile(file))
    .map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
}

describe("README's embedding snippet", () => {
  // Inside the repository, so the snippet's imports resolve to its node_modules.
  const dir = mkdtempSync(join(ROOT, 'dist-test', 'readme-snippet-'));
  const source = join(dir, 'app.module.ts');
  let app: INestApplication;

  before(() => {
    writeFileSync(source, embeddingSnippet());
  });
  after(async () => {
    await app?.close();
    removeDir(dir);
  });

  it('compiles under strict TypeScript', () => {
    expect(typeErrors(source)).toEqual([]);
  });

  it('boots on Express and serves the vault through the host user', async () => {
    const compiled = ts
      .transpileModule(readFileSync(source, 'utf8'), {
        compilerOptions: {
          module: ts.ModuleKind.CommonJS,
          target: ts.ScriptTarget.ES2022,
          experimentalDecorators: true,
          emitDecoratorMetadata: true,
        },
      })
      .outputText.replaceAll(
        `require("${PACKAGE_NAME}")`,
        `require(${JSON.stringify(join(ROOT, 'dist-test/src/index.js'))})`,
      );
    writeFileSync(join(dir, 'app.module.js'), compiled);
    process.env.APP_DATABASE = join(dir, 'app.sqlite');
    process.env.VAULT_ENCRYPTION_KEY = randomBytes(32).toString('base64');
    process.env.VAULT_JWT_SECRET = randomBytes(32).toString('base64');
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { AppModule } = require(join(dir, 'app.module.js')) as { AppModule: Type };
    app = await NestFactory.create(AppModule, new ExpressAdapter(), { logger: false });
    // Stands in for the host's passport strategy.
    app.use(
      (
        req: { headers: Record<string, string>; user?: object },
        _res: unknown,
        next: () => void,
      ) => {
        if (req.headers['x-test-user'] === 'ada') {
          req.user = { id: 'ada', organisationId: 'org-1', canEditSecrets: true };
        }
        next();
      },
    );
    await app.init();
    const server = () => request(app.getHttpServer() as App);
    expect((await server().get('/vault/credentials')).status).toBe(401);
    const created = await server()
      .post('/vault/credentials')
      .set('x-test-user', 'ada')
      .send({
        name: 'OpenAI',
        credentialName: 'openAIApi',
        plainDataObj: { openAIApiKey: 'sk-1' },
      });
    expect(created.status).toBe(201);
    expect((created.body as { workspaceId: string }).workspaceId).toBe('org-1');
  });
});
