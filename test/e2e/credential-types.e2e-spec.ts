import { expect } from 'expect';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { after, afterEach, before, describe, it } from 'node:test';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { loadConfig } from '../../src/config/config';
import { ConfigError } from '../../src/core/errors';
import { CredentialTypeDefinition } from '../../src/credential-types/credential-type';
import { FLOWISE_REDACTED_VALUE } from '../../src/core/plain-data';
import { REFERENCE_PAGE_NAMES, validPlainDataFor } from '../credential-types/valid-plain-data';
import { secretValue } from './factories';
import { SecretLedger } from './leak-scan';
import { createTestApp, randomWorkspaceId, removeDir, TestApp } from './test-app';

/** The fields of a response body the assertions read. */
type Body = { id: string; message: string | string[]; credentialName: string; label: string };

/** A test app with its own token, and every secret it was sent, for the leak scans. */
class Client {
  readonly ledger = new SecretLedger();
  readonly auth: { Authorization: string };

  constructor(
    readonly t: TestApp,
    readonly workspaceId = randomWorkspaceId(),
  ) {
    this.auth = { Authorization: `Bearer ${t.tokenFor({ workspaceId })}` };
  }

  async call(
    method: 'get' | 'post' | 'put',
    path: string,
    body?: object,
  ): Promise<request.Response> {
    const req = request(this.t.http())[method](`/api/v1${path}`).set(this.auth);
    const response = await (body === undefined ? req : req.send(body));
    this.ledger.expectResponseClean(response, `${method} ${path}`);
    return response;
  }

  /** A secret value, remembered for the leak scans. */
  secret(label: string): string {
    return this.ledger.add(secretValue(label));
  }

  /** A plainDataObj for the type whose string values are all remembered as secrets. */
  dataFor(type: CredentialTypeDefinition): Record<string, string | number | boolean> {
    const data = validPlainDataFor(type);
    for (const value of Object.values(data)) {
      if (typeof value === 'string' && value.length > 8) {
        this.ledger.add(value);
      }
    }
    return data;
  }

  expectLogsClean(): void {
    this.ledger.expectAbsentFrom(this.t.logs.lines.join('\n'), 'the logs');
  }
}

describe('Credential types (strict, the default)', () => {
  let t: TestApp;
  let c: Client;

  before(async () => {
    t = await createTestApp();
    c = new Client(t);
  });
  afterEach(() => t.clear());
  after(async () => {
    c.expectLogsClean();
    await t.close();
    removeDir(t.dataDir);
  });

  const definition = async (name: string): Promise<CredentialTypeDefinition> => {
    const response = await c.call('get', `/components-credentials/${name}`);
    expect(response.status).toBe(200);
    return response.body as CredentialTypeDefinition;
  };

  describe('GET /components-credentials', () => {
    it('lists every type with Flowise field names and no server paths', async () => {
      const response = await c.call('get', '/components-credentials');
      expect(response.status).toBe(200);
      const types = response.body as Record<string, unknown>[];
      expect(types.length).toBeGreaterThanOrEqual(113);
      expect(types.find((type) => type.name === 'openAIApi')).toEqual({
        name: 'openAIApi',
        label: 'OpenAI API',
        version: 1,
        inputs: [
          {
            name: 'openAIApiKey',
            label: 'OpenAI Api Key',
            type: 'password',
            optional: false,
            secret: true,
          },
        ],
        aliases: [],
        allowExtraKeys: false,
      });
      expect(response.text).not.toMatch(/"icon"|\.svg|\.png|\/work\/|node_modules/);
    });

    it('filters by ?name=, aliases included', async () => {
      const response = await c.call('get', '/components-credentials?name=openAIApi&name=milvusApi');
      expect(response.status).toBe(200);
      expect((response.body as { name: string }[]).map((type) => type.name)).toEqual([
        'milvusAuth',
        'openAIApi',
      ]);
      const bad = await c.call('get', '/components-credentials?name=bad%20name');
      expect(bad.status).toBe(400);
    });

    it('gets one type by name or alias, several joined with &, and 404s an unknown one', async () => {
      expect((await definition('googleGenAIApi')).name).toBe('googleGenerativeAI');
      const several = await c.call('get', '/components-credentials/openAIApi&anthropicApi');
      expect((several.body as { name: string }[]).map((type) => type.name)).toEqual([
        'openAIApi',
        'anthropicApi',
      ]);
      const missing = await c.call('get', '/components-credentials/openAiApi');
      expect(missing.status).toBe(404);
      expect(missing.body).toEqual({
        statusCode: 404,
        message: 'Credential type openAiApi not found',
        error: 'Not Found',
      });
    });

    it('needs a token', async () => {
      expect((await request(t.http()).get('/api/v1/components-credentials')).status).toBe(401);
      expect((await request(t.http()).get('/api/v1/components-credentials/openAIApi')).status).toBe(
        401,
      );
    });
  });

  describe('POST /credentials', () => {
    it('accepts a generated plainDataObj for every type of the catalogue', async () => {
      const types = (await c.call('get', '/components-credentials'))
        .body as CredentialTypeDefinition[];
      for (const type of types) {
        const response = await c.call('post', '/credentials', {
          name: type.label,
          credentialName: type.name,
          plainDataObj: c.dataFor(type),
        });
        expect(`${type.name}: ${response.status}`).toBe(`${type.name}: 201`);
      }
    });

    for (const [credentialName, plainDataObj] of [
      ['openAIApi', { openAIApiKey: 'sk-...' }],
      ['pineconeApi', { pineconeApiKey: '...', pineconeEnv: 'us-west1-gcp' }],
      ['huggingFaceApi', { huggingFaceApiKey: 'hf_...' }],
    ] as const) {
      it(`accepts the reference page example for ${credentialName} as written`, async () => {
        const response = await c.call('post', '/credentials', {
          name: 'Example',
          credentialName,
          plainDataObj,
        });
        expect(response.status).toBe(201);
      });
    }

    for (const credentialName of REFERENCE_PAGE_NAMES) {
      it(`accepts ${credentialName}, the name on the reference page`, async () => {
        const response = await c.call('post', '/credentials', {
          name: credentialName,
          credentialName,
          plainDataObj: c.dataFor(await definition(credentialName)),
        });
        expect(response.status).toBe(201);
        expect((response.body as Body).credentialName).toBe(credentialName);
      });
    }

    it('stores an alias under the name the client sent, so filters by it work', async () => {
      const type = await definition('googleGenAIApi');
      await c.call('post', '/credentials', {
        name: 'Gemini',
        credentialName: 'googleGenAIApi',
        plainDataObj: c.dataFor(type),
      });
      const list = await c.call('get', '/credentials?credentialName=googleGenAIApi');
      expect((list.body as { credentialName: string }[]).map((row) => row.credentialName)).toEqual([
        'googleGenAIApi',
      ]);
    });

    it('refuses an unknown type with 400, suggesting the closest name, and stores nothing', async () => {
      const secret = c.secret('sk');
      const response = await c.call('post', '/credentials', {
        name: 'Typo',
        credentialName: 'openAiApi',
        plainDataObj: { openAIApiKey: secret },
      });
      expect(response.status).toBe(400);
      expect(response.body).toEqual({
        statusCode: 400,
        message: [
          expect.stringMatching(
            /credentialName openAiApi is not a known credential type; did you mean openAIApi\b/,
          ),
        ],
        error: 'Bad Request',
      });
      expect((await c.call('get', '/credentials')).body).toEqual([]);
    });

    it('lists every problem of the data in one 400, each naming its field, never a value', async () => {
      const secrets = [c.secret('port'), c.secret('ssl'), c.secret('pwd')];
      const response = await c.call('post', '/credentials', {
        name: 'Redis',
        credentialName: 'redisCacheApi',
        plainDataObj: {
          redisCachePort: secrets[0],
          redisCacheSslEnabled: secrets[1],
          redisPassword: secrets[2],
        },
      });
      expect(response.status).toBe(400);
      expect((response.body as Body).message).toEqual(
        expect.arrayContaining([
          expect.stringMatching(/^plainDataObj\.redisCacheUser is required/),
          expect.stringMatching(/^plainDataObj\.redisCachePwd is required/),
          expect.stringMatching(
            /^plainDataObj\.redisPassword is not an input of redisCacheApi; allowed: redisCacheHost, redisCachePort, redisCacheUser, redisCachePwd, redisCacheSslEnabled$/,
          ),
          'plainDataObj.redisCachePort must be a number or a numeric string',
          'plainDataObj.redisCacheSslEnabled must be true or false',
        ]),
      );
      expect((response.body as Body).message).toHaveLength(5);
      expect((await c.call('get', '/credentials')).body).toEqual([]);
    });

    it('checks url inputs as the WHATWG URL parser reads them', async () => {
      const post = (postgresUrl: string) =>
        c.call('post', '/credentials', {
          name: 'PG',
          credentialName: 'PostgresUrl',
          plainDataObj: { postgresUrl },
        });
      expect((await post('postgres://u@h/db')).status).toBe(201);
      const refused = await post('www.example.com/x');
      expect(refused.status).toBe(400);
      expect((refused.body as Body).message).toEqual([
        expect.stringMatching(/^plainDataObj\.postgresUrl must be an absolute URL/),
      ]);
    });

    it('accepts the tokens an OAuth flow writes on an OAuth type', async () => {
      const tokens = {
        access_token: c.secret('ya29'),
        refresh_token: c.secret('1//'),
        expires_at: 1767225600,
      };
      const response = await c.call('post', '/credentials', {
        name: 'Gmail',
        credentialName: 'gmailOAuth2',
        plainDataObj: { clientId: 'client-id', clientSecret: 'client-secret-value', ...tokens },
      });
      expect(response.status).toBe(201);
    });
  });

  describe('PUT /credentials/:id', () => {
    const createPinecone = async (): Promise<string> => {
      const apiKey = c.secret('pc');
      const response = await c.call('post', '/credentials', {
        name: 'Pinecone',
        credentialName: 'pineconeApi',
        plainDataObj: { pineconeApiKey: apiKey, pineconeEnv: 'us-west1-gcp' },
      });
      expect(response.status).toBe(201);
      return (response.body as Body).id;
    };

    it('checks the merged data: removing a required input is refused', async () => {
      const id = await createPinecone();
      const response = await c.call('put', `/credentials/${id}`, {
        plainDataObj: { pineconeApiKey: null },
      });
      expect(response.status).toBe(400);
      expect((response.body as Body).message).toEqual([
        expect.stringMatching(/^plainDataObj\.pineconeApiKey is required/),
      ]);
    });

    it('checks the merged data: an unknown key is refused, a declared one accepted', async () => {
      const id = await createPinecone();
      const unknown = await c.call('put', `/credentials/${id}`, {
        plainDataObj: { environment: 'x' },
      });
      expect(unknown.status).toBe(400);
      expect((unknown.body as Body).message).toEqual([
        expect.stringMatching(
          /^plainDataObj\.environment is not an input of pineconeApi; allowed: pineconeApiKey, pineconeEnv$/,
        ),
      ]);
      const merged = await c.call('put', `/credentials/${id}`, {
        plainDataObj: { pineconeApiKey: FLOWISE_REDACTED_VALUE, pineconeEnv: 'us-west1-gcp' },
      });
      expect(merged.status).toBe(200);
    });

    it('lets a rename through without re-checking the data', async () => {
      const id = await createPinecone();
      expect((await c.call('put', `/credentials/${id}`, { name: 'Renamed' })).status).toBe(200);
    });
  });

  describe('OpenAPI document', () => {
    it('lists the type names and documents the ten most used types on POST /credentials', async () => {
      const response = await request(t.http()).get('/api/docs-json');
      expect(response.status).toBe(200);
      const body = (
        response.body as {
          paths: Record<
            string,
            Record<
              string,
              {
                requestBody?: {
                  description?: string;
                  content: Record<string, { examples?: Record<string, { value: unknown }> }>;
                };
              }
            >
          >;
        }
      ).paths['/api/v1/credentials'].post.requestBody;
      expect(body?.description).toContain('`openAIApi`');
      expect(body?.description).toContain('`googleGenAIApi`');
      expect(body?.description).toContain('`zepMemoryApi`');
      const examples = body?.content['application/json'].examples ?? {};
      expect(Object.keys(examples).sort()).toEqual([
        'airtableApi',
        'anthropicApi',
        'azureOpenAIApi',
        'cohereApi',
        'googleGenAIApi',
        'huggingFaceApi',
        'openAIApi',
        'pineconeApi',
        'qdrantApi',
        'serperApi',
      ]);
      for (const example of Object.values(examples)) {
        expect((await c.call('post', '/credentials', example.value as object)).status).toBe(201);
      }
    });
  });
});

describe('Credential types (permissive)', () => {
  let t: TestApp;
  let c: Client;

  before(async () => {
    t = await createTestApp({ CREDENTIAL_TYPES: 'permissive' });
    c = new Client(t);
  });
  after(async () => {
    await t.close();
    removeDir(t.dataDir);
  });

  it('stores an unknown type with the generic checks only', async () => {
    const response = await c.call('post', '/credentials', {
      name: 'Internal',
      credentialName: 'myInternalApi',
      plainDataObj: { token: 'internal-token-value' },
    });
    expect(response.status).toBe(201);
    expect(
      (
        await c.call('post', '/credentials', {
          name: 'x',
          credentialName: 'myInternalApi',
          plainDataObj: {},
        })
      ).status,
    ).toBe(400);
  });

  it('says so in the log at start', () => {
    expect(t.logs.lines.some((line) => line.includes('Permissive credential types'))).toBe(true);
  });

  it('still checks known types', async () => {
    const response = await c.call('post', '/credentials', {
      name: 'OpenAI',
      credentialName: 'openAIApi',
      plainDataObj: { apiKey: 'sk-value' },
    });
    expect(response.status).toBe(400);
  });
});

describe('Custom credential types (CREDENTIAL_TYPES_FILE)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'credential-types-e2e-'));
  after(() => removeDir(dir));

  const writeTypes = (fileName: string, content: object): string => {
    const path = join(dir, fileName);
    writeFileSync(path, JSON.stringify(content));
    return path;
  };
  const internalApi = {
    name: 'internalLlmApi',
    label: 'Internal LLM',
    version: 1,
    inputs: [
      { name: 'apiKey', label: 'API key', type: 'password' },
      {
        name: 'region',
        label: 'Region',
        type: 'options',
        options: [
          { name: 'eu', label: 'EU' },
          { name: 'us', label: 'US' },
        ],
      },
    ],
  };

  it('serves and checks custom types, and overrides a built-in one only when told', async () => {
    const file = writeTypes('good.json', {
      types: [
        internalApi,
        { ...internalApi, name: 'qdrantApi', label: 'Qdrant (self-hosted)', override: true },
      ],
    });
    const t = await createTestApp({ CREDENTIAL_TYPES_FILE: file });
    try {
      const c = new Client(t);
      expect((await c.call('get', '/components-credentials/internalLlmApi')).body).toMatchObject({
        name: 'internalLlmApi',
        inputs: [
          { name: 'apiKey', secret: true },
          { name: 'region', secret: false },
        ],
      });
      const ok = await c.call('post', '/credentials', {
        name: 'LLM',
        credentialName: 'internalLlmApi',
        plainDataObj: { apiKey: 'key-value', region: 'eu' },
      });
      expect(ok.status).toBe(201);
      const bad = await c.call('post', '/credentials', {
        name: 'LLM',
        credentialName: 'internalLlmApi',
        plainDataObj: { apiKey: 'key-value', region: 'asia' },
      });
      expect((bad.body as Body).message).toEqual(['plainDataObj.region must be one of: eu, us']);
      expect(((await c.call('get', '/components-credentials/qdrantApi')).body as Body).label).toBe(
        'Qdrant (self-hosted)',
      );
      const oldShape = await c.call('post', '/credentials', {
        name: 'Qdrant',
        credentialName: 'qdrantApi',
        plainDataObj: { qdrantApiKey: 'qdrant-key-value' },
      });
      expect(oldShape.status).toBe(400);
    } finally {
      await t.close();
      removeDir(t.dataDir);
    }
  });

  it('refuses to start on a bad file, naming the file, the entry and the problem', async () => {
    const file = writeTypes('bad.json', {
      types: [
        internalApi,
        { ...internalApi, name: 'openAIApi' },
        { ...internalApi, name: 'brokenApi', version: 'x' },
      ],
    });
    const dataDir = mkdtempSync(join(tmpdir(), 'vault-e2e-'));
    try {
      const started = createTestApp({ CREDENTIAL_TYPES_FILE: file }, dataDir);
      await expect(started).rejects.toThrow(ConfigError);
      await expect(started).rejects.toThrow(
        `Invalid credential types file ${file}:\n` +
          '  - types[1] (openAIApi): name openAIApi is a built-in credential type; add "override": true to replace it\n' +
          '  - types[2] (brokenApi): version must be a number conforming to the specified constraints',
      );
    } finally {
      removeDir(dataDir);
    }
  });

  it('refuses a bad CREDENTIAL_TYPES value without echoing it', () => {
    expect(() => loadConfig({ DATA_DIR: dir, CREDENTIAL_TYPES: 'lenient-xyz' })).toThrow(
      /CREDENTIAL_TYPES must be strict or permissive/,
    );
    expect(() => loadConfig({ DATA_DIR: dir, CREDENTIAL_TYPES: 'lenient-xyz' })).not.toThrow(
      /lenient-xyz/,
    );
  });
});
