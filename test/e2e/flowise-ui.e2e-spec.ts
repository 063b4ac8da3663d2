import { expect } from 'expect';
import { after, before, describe, it } from 'node:test';
import request from 'supertest';
import { CredentialsService } from '../../src/credentials/credentials.service';
import { FLOWISE_REDACTED_VALUE } from '../../src/core/plain-data';
import { secretValue } from './factories';
import { SecretLedger } from './leak-scan';
import { createTestApp, randomWorkspaceId, removeDir, TestApp } from './test-app';

/** Where Flowise's UI runs in this replay: another origin, allowed by CORS_ORIGINS. */
const UI_ORIGIN = 'http://localhost:8080';

interface Credential {
  id: string;
  name: string;
  credentialName: string;
  encryptedData: string;
  plainDataObj?: Record<string, string | number | boolean>;
}
interface ComponentCredential {
  name: string;
  label: string;
  inputs: { name: string; type: string }[];
}

/**
 * The calls of Flowise's UI client (FlowiseAI/Flowise packages/ui/src/api/credentials.js, commit
 * ababf4c8), sent as its axios client sends them: base URL `/api/v1`, JSON, `x-request-from`,
 * from the UI's origin. The bearer token stands in for Flowise's session (see the README).
 */
class FlowiseUiClient {
  constructor(
    private readonly t: TestApp,
    private readonly token: string,
    private readonly ledger: SecretLedger,
  ) {}

  getAllCredentials = () => this.send('get', '/credentials');
  getCredentialsByName = (name: string) => this.send('get', `/credentials?credentialName=${name}`);
  getAllComponentsCredentials = () => this.send('get', '/components-credentials');
  getSpecificCredential = (id: string) => this.send('get', `/credentials/${id}`);
  getSpecificComponentCredential = (name: string) =>
    this.send('get', `/components-credentials/${name}`);
  createCredential = (body: object) => this.send('post', '/credentials', body);
  updateCredential = (id: string, body: object) => this.send('put', `/credentials/${id}`, body);
  deleteCredential = (id: string) => this.send('delete', `/credentials/${id}`);

  /** `<img src={`${baseURL}/api/v1/components-credentials-icon/${name}`}>`: no token. */
  async icon(name: string): Promise<request.Response> {
    const response = await request(this.t.http())
      .get(`/api/v1/components-credentials-icon/${name}`)
      .set('Origin', UI_ORIGIN);
    this.ledger.expectResponseClean(response, `icon ${name}`);
    return response;
  }

  /**
   * Sends the preflight a browser would, then the call; both must pass CORS. Like axios, the
   * client drops its `Content-type` default when there is no body.
   */
  private async send(method: 'get' | 'post' | 'put' | 'delete', path: string, body?: object) {
    const url = `/api/v1${path}`;
    const headers = body === undefined ? ['x-request-from'] : ['content-type', 'x-request-from'];
    const preflight = await request(this.t.http())
      .options(url)
      .set('Origin', UI_ORIGIN)
      .set('Access-Control-Request-Method', method.toUpperCase())
      .set('Access-Control-Request-Headers', ['authorization', ...headers].join(','));
    expect({ path, status: preflight.status }).toEqual({ path, status: 204 });
    expect(preflight.headers['access-control-allow-origin']).toBe(UI_ORIGIN);

    const api = request(this.t.http());
    let req = api[method](url)
      .set('Origin', UI_ORIGIN)
      .set('x-request-from', 'internal')
      .set('Authorization', `Bearer ${this.token}`);
    if (body !== undefined) {
      req = req.set('Content-type', 'application/json').send(body);
    }
    const response = await req;
    expect(response.headers['access-control-allow-origin']).toBe(UI_ORIGIN);
    this.ledger.expectResponseClean(response, `${method} ${path}`);
    return response;
  }
}

/** What AddEditCredentialDialog's saveCredential sends (this commit): sentinels left out. */
function dialogSaveBody(
  name: string,
  credentialName: string,
  credentialData: Record<string, unknown>,
): object {
  const plainDataObj = Object.fromEntries(
    Object.entries(credentialData).filter(([, value]) => value !== FLOWISE_REDACTED_VALUE),
  );
  return Object.keys(plainDataObj).length > 0
    ? { name, credentialName, plainDataObj }
    : { name, credentialName };
}

describe("Flowise's UI client against the vault", () => {
  let t: TestApp;
  let ui: FlowiseUiClient;
  const ledger = new SecretLedger();
  const workspaceId = randomWorkspaceId();
  const reveal = (id: string) => t.app.get(CredentialsService).revealPlainData(workspaceId, id);

  before(async () => {
    t = await createTestApp({ CORS_ORIGINS: UI_ORIGIN });
    ui = new FlowiseUiClient(t, t.tokenFor({ workspaceId }), ledger);
  });
  after(async () => {
    ledger.expectAbsentFrom(t.logs.lines.join('\n'), 'the logs');
    ledger.expectFilesClean([t.config.sqlitePath, `${t.config.sqlitePath}-wal`]);
    await t.close();
    removeDir(t.dataDir);
  });

  it('lists the credential types, each with an icon the browser can load', async () => {
    const all = await ui.getAllComponentsCredentials();
    expect(all.status).toBe(200);
    const types = all.body as ComponentCredential[];
    expect(types.map((type) => type.name)).toContain('openAIApi');
    const one = await ui.getSpecificComponentCredential('openAIApi');
    expect(one.body).toMatchObject({
      name: 'openAIApi',
      inputs: [{ name: 'openAIApiKey', type: 'password' }],
    });
    // The help texts its forms show: the type's description, each input's description/placeholder.
    const azure = await ui.getSpecificComponentCredential('azureOpenAIApi');
    expect(azure.body).toMatchObject({
      description: expect.stringContaining('official guide') as unknown,
      inputs: expect.arrayContaining([
        expect.objectContaining({
          name: 'azureOpenAIApiVersion',
          placeholder: '2024-10-21',
          description: expect.stringContaining('API version lifecycle') as unknown,
          optional: false,
        }),
      ]) as unknown,
    });
    const icon = await ui.icon('openAIApi');
    expect(icon.status).toBe(200);
    expect(icon.headers['content-type']).toMatch(/^image\//);
  });

  it('creates, lists, filters, edits (sentinel echoed, {} and filtered) and deletes', async () => {
    const apiKey = ledger.add(secretValue('sk'));
    const created = await ui.createCredential({
      name: 'Production OpenAI',
      credentialName: 'openAIApi',
      plainDataObj: { openAIApiKey: apiKey },
    });
    expect(created.status).toBe(201);
    const { id } = created.body as Credential;

    const azureKey = ledger.add(secretValue('azure'));
    const azure = await ui.createCredential({
      name: 'Azure',
      credentialName: 'azureOpenAIApi',
      plainDataObj: {
        azureOpenAIApiKey: azureKey,
        azureOpenAIApiInstanceName: 'my-instance',
        azureOpenAIApiDeploymentName: 'gpt-4o',
        azureOpenAIApiVersion: '2024-10-21',
      },
    });
    expect(azure.status).toBe(201);

    // The credentials page: every credential with its type's icon.
    const list = await ui.getAllCredentials();
    expect((list.body as Credential[]).map((credential) => credential.name).sort()).toEqual([
      'Azure',
      'Production OpenAI',
    ]);
    for (const credential of list.body as Credential[]) {
      expect((await ui.icon(credential.credentialName)).status).toBe(200);
    }
    // A node's credential picker.
    const openAiOnly = await ui.getCredentialsByName('openAIApi');
    expect((openAiOnly.body as Credential[]).map((credential) => credential.id)).toEqual([id]);

    // The edit dialog loads the credential: the secret is the sentinel, never the value.
    const loaded = (await ui.getSpecificCredential(id)).body as Credential;
    expect(loaded.plainDataObj).toEqual({ openAIApiKey: FLOWISE_REDACTED_VALUE });

    // Older dialogs echo every field back; the key stays.
    const echoed = await ui.updateCredential(id, {
      name: 'Renamed once',
      credentialName: 'openAIApi',
      plainDataObj: loaded.plainDataObj,
    });
    expect(echoed.status).toBe(200);
    await expect(reveal(id)).resolves.toEqual({ openAIApiKey: apiKey });

    // Some send an empty plainDataObj for a rename.
    const emptied = await ui.updateCredential(id, {
      name: 'Renamed twice',
      credentialName: 'openAIApi',
      plainDataObj: {},
    });
    expect(emptied.status).toBe(200);
    expect((emptied.body as Credential).encryptedData).toBe(
      (echoed.body as Credential).encryptedData,
    );

    // Flowise's current dialog leaves the sentinels out, and plainDataObj too when nothing is left.
    const renamed = await ui.updateCredential(
      id,
      dialogSaveBody('Renamed thrice', 'openAIApi', loaded.plainDataObj ?? {}),
    );
    expect(renamed.status).toBe(200);
    expect((await ui.getSpecificCredential(id)).body).toMatchObject({ name: 'Renamed thrice' });
    await expect(reveal(id)).resolves.toEqual({ openAIApiKey: apiKey });

    // Editing one non-secret field of a credential keeps the untouched secret.
    const azureId = (azure.body as Credential).id;
    const azureLoaded = (await ui.getSpecificCredential(azureId)).body as Credential;
    expect(azureLoaded.plainDataObj).toEqual({
      azureOpenAIApiKey: FLOWISE_REDACTED_VALUE,
      azureOpenAIApiInstanceName: 'my-instance',
      azureOpenAIApiDeploymentName: 'gpt-4o',
      azureOpenAIApiVersion: '2024-10-21',
    });
    const edited = await ui.updateCredential(
      azureId,
      dialogSaveBody('Azure', 'azureOpenAIApi', {
        ...azureLoaded.plainDataObj,
        azureOpenAIApiVersion: '2025-01-01',
      }),
    );
    expect(edited.status).toBe(200);
    await expect(reveal(azureId)).resolves.toMatchObject({
      azureOpenAIApiKey: azureKey,
      azureOpenAIApiVersion: '2025-01-01',
    });

    const deleted = await ui.deleteCredential(id);
    expect(deleted.status).toBe(200);
    expect((await ui.getSpecificCredential(id)).status).toBe(404);
    expect((await ui.getAllCredentials()).body).toHaveLength(1);
  });
});
