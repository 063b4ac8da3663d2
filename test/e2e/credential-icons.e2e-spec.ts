import { expect } from 'expect';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { ConfigError } from '../../src/core/errors';
import { createTestApp, removeDir, TestApp } from './test-app';

/** The smallest PNG there is: a 1x1 transparent pixel. */
const PNG_1X1 = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=',
  'base64',
);

const icon = (t: TestApp, name: string) =>
  request(t.http())
    .get(`/api/v1/components-credentials-icon/${name}`)
    .buffer(true)
    .parse((response, done) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => done(null, Buffer.concat(chunks)));
    });

describe('GET /components-credentials-icon/:name', () => {
  const dir = mkdtempSync(join(tmpdir(), 'credential-icons-e2e-'));
  let t: TestApp;

  before(async () => {
    writeFileSync(join(dir, 'internal.png'), PNG_1X1);
    const file = join(dir, 'types.json');
    writeFileSync(
      file,
      JSON.stringify({
        types: [
          {
            name: 'internalLlmApi',
            label: 'Internal LLM',
            version: 1,
            icon: 'internal.png',
            inputs: [{ name: 'apiKey', label: 'API key', type: 'password' }],
          },
          {
            name: 'markupApi',
            label: '<script>alert(1)</script> & "Co"',
            version: 1,
            inputs: [{ name: 'apiKey', label: 'API key', type: 'password' }],
          },
        ],
      }),
    );
    t = await createTestApp({ CREDENTIAL_TYPES_FILE: file });
  });
  after(async () => {
    await t.close();
    removeDir(t.dataDir);
    removeDir(dir);
  });

  it('serves a generated SVG for a built-in type, without a token, cacheable', async () => {
    const response = await icon(t, 'openAIApi');
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toMatch(/^image\/svg\+xml/);
    expect(response.headers['cache-control']).toBe('public, max-age=3600');
    expect(response.headers.etag).toMatch(/^"[^"]+"$/);
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['content-security-policy']).toContain("default-src 'none'");
    expect(response.headers['cross-origin-resource-policy']).toBe('cross-origin');
    const svg = (response.body as Buffer).toString('utf8');
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    expect(svg).toContain('<title>OpenAI API</title>');
  });

  it('answers 304 with no body to a matching If-None-Match, 200 to a stale one', async () => {
    const first = await icon(t, 'openAIApi');
    const etag = first.headers.etag;
    const again = await icon(t, 'openAIApi').set('If-None-Match', etag);
    expect(again.status).toBe(304);
    expect((again.body as Buffer).length).toBe(0);
    expect(again.headers.etag).toBe(etag);
    const listed = await icon(t, 'openAIApi').set('If-None-Match', `"stale", ${etag}`);
    expect(listed.status).toBe(304);
    const stale = await icon(t, 'openAIApi').set('If-None-Match', '"stale"');
    expect(stale.status).toBe(200);
  });

  it('serves an icon for every known type and alias, each different from the others', async () => {
    const types = await request(t.http())
      .get('/api/v1/components-credentials')
      .set('Authorization', `Bearer ${t.tokenFor({ workspaceId: 'ws-icons' })}`);
    const names = (types.body as { name: string; aliases: string[] }[]).flatMap((type) => [
      type.name,
      ...type.aliases,
    ]);
    expect(names.length).toBeGreaterThan(113);
    const etags = new Set<string>();
    for (const name of names) {
      const response = await icon(t, name);
      expect({ name, status: response.status }).toEqual({ name, status: 200 });
      etags.add(response.headers.etag);
    }
    // Aliases share their type's icon; the types all differ.
    expect(etags.size).toBe((types.body as unknown[]).length);
    expect((await icon(t, 'googleGenAIApi')).headers.etag).toBe(
      (await icon(t, 'googleGenerativeAI')).headers.etag,
    );
  });

  it('serves the icon file a custom type names', async () => {
    const response = await icon(t, 'internalLlmApi');
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('image/png');
    expect(response.body).toEqual(PNG_1X1);
  });

  it('escapes the label of a custom type in its generated SVG', async () => {
    const svg = ((await icon(t, 'markupApi')).body as Buffer).toString('utf8');
    expect(svg).not.toContain('<script');
    expect(svg).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;Co&quot;');
  });

  it('answers 404 in JSON for an unknown type or a malformed name', async () => {
    const unknown = await request(t.http()).get('/api/v1/components-credentials-icon/noSuchApi');
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual({
      statusCode: 404,
      message: 'Credential type noSuchApi not found',
      error: 'Not Found',
    });
    const malformed = await request(t.http()).get(
      '/api/v1/components-credentials-icon/%3Cscript%3E',
    );
    expect(malformed.status).toBe(404);
    expect((malformed.body as { message: string }).message).toBe('Credential type not found');
  });
});

describe('Custom icon files are checked at start', () => {
  const dir = mkdtempSync(join(tmpdir(), 'credential-icons-bad-'));
  after(() => removeDir(dir));

  it('refuses a missing file, a wrong extension and bytes that are not the image they claim', async () => {
    writeFileSync(join(dir, 'fake.png'), 'not a png at all');
    writeFileSync(join(dir, 'icon.gif'), 'GIF89a');
    const type = (name: string, icon: string) => ({
      name,
      label: name,
      version: 1,
      icon,
      inputs: [{ name: 'apiKey', label: 'API key', type: 'password' }],
    });
    const file = join(dir, 'types.json');
    writeFileSync(
      file,
      JSON.stringify({
        types: [
          type('missingIconApi', 'missing.svg'),
          type('gifIconApi', 'icon.gif'),
          type('fakeIconApi', 'fake.png'),
        ],
      }),
    );
    const dataDir = mkdtempSync(join(tmpdir(), 'vault-e2e-'));
    try {
      const started = createTestApp({ CREDENTIAL_TYPES_FILE: file }, dataDir);
      await expect(started).rejects.toThrow(ConfigError);
      await expect(started).rejects.toThrow(
        `Invalid credential types file ${file}:\n` +
          '  - types[0] (missingIconApi): icon missing.svg cannot be read (ENOENT)\n' +
          '  - types[1] (gifIconApi): icon icon.gif must be a .png, .svg, .jpg or .jpeg file\n' +
          '  - types[2] (fakeIconApi): icon fake.png does not hold a PNG image',
      );
    } finally {
      removeDir(dataDir);
    }
  });
});
