import { after, afterEach, before } from 'node:test';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { Role } from '../../src/core/permissions';
import { UsersService } from '../../src/users/users.service';
import { WorkspaceService } from '../../src/workspace/workspace.service';
import { SecretLedger } from './leak-scan';
import { createTestApp, removeDir, TestApp } from './test-app';

let counter = 0;

/** A password that is unique per call, so a log scan can look for exactly it. */
export function passwordValue(): string {
  return `pw-${Date.now().toString(36)}-${(counter++).toString(36)}-${Math.random().toString(36).slice(2)}`;
}

export function emailValue(label = 'user'): string {
  return `${label}-${Date.now().toString(36)}-${(counter++).toString(36)}@example.com`;
}

export interface TestUser {
  id: string;
  email: string;
  password: string;
}

/** A user created through the service (as the CLI does), optionally a member of a workspace. */
export async function createUser(
  testApp: TestApp,
  options: { workspaceId?: string; role?: Role; isInstanceAdmin?: boolean; email?: string } = {},
): Promise<TestUser> {
  const password = passwordValue();
  const user = await testApp.app.get(UsersService).create({
    email: options.email ?? emailValue(),
    password,
    isInstanceAdmin: options.isInstanceAdmin,
  });
  if (options.workspaceId) {
    await testApp.app
      .get(WorkspaceService)
      .addMember(options.workspaceId, user, options.role ?? 'editor');
  }
  return { id: user.id, email: user.email, password };
}

/** A workspace owned by a new user. */
export async function createWorkspace(
  testApp: TestApp,
  name = 'Team',
): Promise<{ workspaceId: string; owner: TestUser }> {
  const owner = await createUser(testApp);
  const workspace = await testApp.app.get(WorkspaceService).create(name, owner.id);
  return { workspaceId: workspace.id, owner };
}

/** Empties every table our specs write (the schema and the key canary stay). */
export async function clearIdentity(testApp: TestApp): Promise<void> {
  const dataSource = testApp.app.get(DataSource);
  for (const table of [
    'vault_credential',
    'vault_api_key',
    'vault_refresh_token',
    'vault_workspace_member',
    'vault_workspace',
    'vault_user',
  ]) {
    await dataSource.query(`DELETE FROM ${table}`);
  }
}

/**
 * The lifecycle the identity specs share, registered in the calling `describe`: one app for the
 * suite (handed to `use`), identity rows emptied after each test, and at the end no secret the
 * returned ledger recorded in the logs, then `finalChecks`, then the app closed and its files gone.
 */
export function identitySuite(
  use: (testApp: TestApp) => void,
  finalChecks?: (testApp: TestApp, ledger: SecretLedger) => void,
): SecretLedger {
  const ledger = new SecretLedger();
  let testApp: TestApp;
  before(async () => {
    testApp = await createTestApp();
    use(testApp);
  });
  afterEach(() => clearIdentity(testApp));
  after(async () => {
    ledger.expectAbsentFrom(testApp.logs.lines.join('\n'), 'the logs');
    finalChecks?.(testApp, ledger);
    await testApp.close();
    removeDir(testApp.dataDir);
  });
  return ledger;
}

/** Fails when any captured log line contains one of the secrets. */
export function expectNoSecretInLogs(testApp: TestApp, secrets: string[]): void {
  const ledger = new SecretLedger();
  secrets.forEach((secret) => ledger.add(secret));
  ledger.expectAbsentFrom(testApp.logs.lines.join('\n'), 'the logs');
}

export interface LoginBody {
  accessToken: string;
  refreshToken: string;
  tokenType: string;
  expiresIn: number;
  user: { id: string; email: string };
  workspace: { id: string; name: string; role: string };
  permissions: string[];
}

/** Logs in over HTTP and returns the body; fails unless the answer is 200. */
export async function login(
  testApp: TestApp,
  user: { email: string; password: string },
  workspaceId?: string,
): Promise<LoginBody> {
  const response = await request(testApp.http())
    .post('/api/v1/auth/login')
    .send({ email: user.email, password: user.password, workspaceId });
  if (response.status !== 200) {
    throw new Error(`login answered ${response.status}: ${JSON.stringify(response.body)}`);
  }
  return response.body as LoginBody;
}

/**
 * The owner of a new workspace, signed in: its password and both tokens are added to the leak
 * ledger, so a test can check no log line holds them.
 */
export async function signedInOwner(
  testApp: TestApp,
  workspaceName: string,
  ledger: { add(secret: string): string },
): Promise<{ workspaceId: string; session: LoginBody }> {
  const { workspaceId, owner } = await createWorkspace(testApp, workspaceName);
  ledger.add(owner.password);
  const session = await login(testApp, owner, workspaceId);
  ledger.add(session.accessToken);
  ledger.add(session.refreshToken);
  return { workspaceId, session };
}

export function bearer(token: string): { Authorization: string } {
  return { Authorization: `Bearer ${token}` };
}

/** A JSON response body, for assertions on its fields. */
export function bodyOf<T = Record<string, unknown>>(response: { body: unknown }): T {
  return response.body as T;
}

/** The `message` of an error response. */
export function messageOf(response: { body: unknown }): unknown {
  return (response.body as { message?: unknown }).message;
}
