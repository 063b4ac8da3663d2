import { expect } from 'expect';
import { after, before, describe, it } from 'node:test';
import request from 'supertest';
import { createTestApp, removeDir, TestApp } from './test-app';

interface Operation {
  operationId: string;
  security?: unknown[];
  responses: Record<string, { content?: Record<string, { schema: Record<string, unknown> }> }>;
}

/** The document tells the truth about the Flowise-compatibility surface. */
describe('OpenAPI document: Flowise compatibility', () => {
  let t: TestApp;
  let document: {
    paths: Record<string, Record<string, Operation>>;
    components: { schemas: Record<string, { properties: Record<string, unknown> }> };
  };

  before(async () => {
    t = await createTestApp();
    document = (await request(t.http()).get('/api/docs-json').expect(200)).body as typeof document;
  });
  after(async () => {
    await t.close();
    removeDir(t.dataDir);
  });

  it('documents GET /credentials/{id} with the redacted plainDataObj', () => {
    const ok = document.paths['/api/v1/credentials/{id}'].get.responses['200'];
    expect(ok.content?.['application/json'].schema.$ref).toBe(
      '#/components/schemas/CredentialForEditResponseDto',
    );
    const schema = document.components.schemas.CredentialForEditResponseDto;
    expect(Object.keys(schema.properties)).toContain('plainDataObj');
  });

  it('documents the icon route as public, with its image types, 304 and 404', () => {
    const operation = document.paths['/api/v1/components-credentials-icon/{name}'].get;
    expect(operation.operationId).toBe('getCredentialTypeIcon');
    expect(operation.security).toEqual([]);
    expect(Object.keys(operation.responses)).toEqual(expect.arrayContaining(['200', '304', '404']));
    expect(Object.keys(operation.responses['200'].content ?? {}).sort()).toEqual([
      'image/jpeg',
      'image/png',
      'image/svg+xml',
    ]);
  });

  it('documents descriptions and placeholders on credential types', () => {
    const input = document.components.schemas.CredentialTypeInputDto.properties;
    expect(Object.keys(input)).toEqual(expect.arrayContaining(['description', 'placeholder']));
    expect(Object.keys(document.components.schemas.CredentialTypeDto.properties)).toContain(
      'description',
    );
  });
});
