import { expect } from 'expect';
import { after, before, describe, it } from 'node:test';
import request from 'supertest';
import { CREDENTIAL_RESPONSE_KEYS } from './factories';
import { createTestApp, removeDir, TestApp } from './test-app';

interface Operation {
  operationId: string;
  security?: unknown[];
  responses: Record<
    string,
    { content?: Record<string, { schema: { $ref?: string } }>; headers?: Record<string, unknown> }
  >;
  parameters?: Array<{ in: string; name: string }>;
}

describe('OpenAPI document', () => {
  let t: TestApp;
  let document: {
    paths: Record<string, Record<string, Operation>>;
    components: {
      securitySchemes: Record<string, unknown>;
      schemas: Record<string, { properties: Record<string, { example?: unknown }> }>;
    };
  };

  before(async () => {
    t = await createTestApp();
    document = (await request(t.http()).get('/api/docs-json').expect(200)).body as typeof document;
  });
  after(async () => {
    await t.close();
    removeDir(t.dataDir);
  });

  const expected: Array<[string, string, string, string[]]> = [
    [
      'get',
      '/api/v1/credentials',
      'listCredentials',
      ['200', '400', '401', '403', '414', '429', '431', '503'],
    ],
    [
      'post',
      '/api/v1/credentials',
      'createCredential',
      [
        '201',
        '400',
        '401',
        '403',
        '409',
        '410',
        '413',
        '414',
        '415',
        '422',
        '429',
        '431',
        '500',
        '503',
        '507',
      ],
    ],
    [
      'get',
      '/api/v1/credentials/{id}',
      'getCredential',
      ['200', '304', '401', '403', '404', '414', '429', '431', '503'],
    ],
    [
      'put',
      '/api/v1/credentials/{id}',
      'updateCredential',
      [
        '200',
        '400',
        '401',
        '403',
        '404',
        '409',
        '412',
        '413',
        '414',
        '415',
        '422',
        '429',
        '431',
        '500',
        '503',
        '507',
      ],
    ],
    [
      'delete',
      '/api/v1/credentials/{id}',
      'deleteCredential',
      ['200', '400', '401', '403', '404', '409', '412', '414', '429', '431', '500', '503', '507'],
    ],
  ];

  for (const [method, path, operationId, statuses] of expected) {
    it(`documents ${method.toUpperCase()} ${path} with bearer auth and every response`, () => {
      const operation = document.paths[path][method];
      expect(operation.operationId).toBe(operationId);
      expect(operation.security).toEqual([{ bearer: [] }, { signIn: [] }]);
      expect(Object.keys(operation.responses).sort()).toEqual(statuses);
      for (const status of statuses.filter((s) => Number(s) >= 400)) {
        // A delete refused because the credential is in use lists its usages.
        const schema =
          operationId === 'deleteCredential' && status === '409'
            ? 'CredentialInUseResponseDto'
            : 'ErrorResponseDto';
        expect(operation.responses[status].content?.['application/json'].schema.$ref).toBe(
          `#/components/schemas/${schema}`,
        );
      }
    });
  }

  it('declares ETag on the tagged answers and the conditional request headers', () => {
    const credential = document.paths['/api/v1/credentials/{id}'];
    const created = document.paths['/api/v1/credentials'].post;
    for (const response of [
      credential.get.responses['200'],
      credential.get.responses['304'],
      credential.put.responses['200'],
      created.responses['201'],
    ]) {
      expect(response.headers?.ETag).toBeDefined();
    }
    const headerNames = (operation: Operation) =>
      (operation.parameters ?? []).filter((p) => p.in === 'header').map((p) => p.name);
    expect(headerNames(credential.get)).toContain('If-None-Match');
    expect(headerNames(credential.put)).toContain('If-Match');
    expect(headerNames(credential.delete)).toContain('If-Match');
  });

  it('has a bearer security scheme, a public health check and the reference page examples', () => {
    expect(document.components.securitySchemes.bearer).toMatchObject({
      type: 'http',
      scheme: 'bearer',
    });
    expect(document.paths['/api/v1/health'].get.security).toEqual([]);
    const create = document.components.schemas.CreateCredentialDto.properties;
    expect(create.name.example).toBe('My OpenAI Key');
    expect(create.credentialName.example).toBe('openAIApi');
    expect(create.plainDataObj.example).toEqual({ openAIApiKey: 'sk-...' });
    const response = document.components.schemas.CredentialResponseDto.properties;
    // lastUsedAt is optional: absent until an in-process reveal.
    expect(Object.keys(response).sort()).toEqual(
      [...CREDENTIAL_RESPONSE_KEYS, 'lastUsedAt'].sort(),
    );
  });
});
