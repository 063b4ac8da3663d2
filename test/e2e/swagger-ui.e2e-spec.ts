import { expect } from 'expect';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { emailValue, passwordValue } from './identity';
import { SecretLedger } from './leak-scan';
import { createTestApp, removeDir, TestApp } from './test-app';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
const ARTIFACTS = join(__dirname, '..', '..', '..', 'test-artifacts');
const SKIP = existsSync(CHROMIUM)
  ? false
  : `Chromium is not installed at ${CHROMIUM} (apt-get install -y chromium); Swagger UI browser test skipped`;
if (SKIP) {
  console.log(SKIP);
}

describe('Swagger UI in a real browser', { skip: SKIP }, () => {
  let t: TestApp;
  let browser: Browser;
  const ledger = new SecretLedger();
  const email = emailValue('swagger');
  const password = ledger.add(passwordValue());

  before(async () => {
    t = await createTestApp({ ADMIN_EMAIL: email, ADMIN_PASSWORD: password });
    await t.app.listen(0, '127.0.0.1');
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_FLAGS,
    });
  });
  after(async () => {
    await browser?.close();
    ledger.expectAbsentFrom(t.logs.lines.join('\n'), 'the logs');
    await t.close();
    removeDir(t.dataDir);
  });

  /**
   * Expands an operation, presses "Try it out", fills the given parameters and, when given, the
   * JSON body (else the prefilled example stays), executes, and returns the status and body.
   */
  async function tryOperation(
    page: Page,
    id: string,
    input: { params?: Record<string, string>; body?: object } = {},
  ): Promise<{ status: string; body: string }> {
    const operation = page.locator(`#${id}`);
    await operation.locator('.opblock-summary').first().click();
    // "Try it out" stays on for an operation tried before; pressing it again would cancel. Wait
    // for the panel to render the toggle first: counting before that saw no button, so the
    // operation stayed read-only.
    const toggle = operation.locator('button.try-out__btn').first();
    await toggle.waitFor({ timeout: 15_000 });
    if ((await toggle.innerText()).trim() === 'Try it out') {
      await toggle.click();
    }
    for (const [name, value] of Object.entries(input.params ?? {})) {
      await operation.locator(`tr[data-param-name="${name}"] input`).fill(value);
    }
    if (input.body) {
      await operation.locator('textarea.body-param__text').fill(JSON.stringify(input.body));
    }
    await operation.locator('button.execute').click();
    const response = operation.locator('.live-responses-table tr.response').first();
    const status = response.locator('.response-col_status');
    await status.waitFor({ timeout: 15_000 });
    // The cell holds the code, then "Undocumented" when the document lacks that status.
    const code = (await status.innerText()).trim().split(/\s+/)[0];
    const body = await response.locator('.response-col_description pre').first().innerText();
    // Collapse it again, so the next operation's buttons are the ones in view.
    await operation.locator('.opblock-summary').first().click();
    return { status: code, body };
  }

  it('signs in from the Authorize dialog, then lists, creates and renames a credential', async () => {
    // A fresh browser context keeps storage in memory: the token never reaches a profile on disk.
    const context = await browser.newContext({ viewport: { width: 1280, height: 1000 } });
    const page = await context.newPage();
    try {
      await page.goto(`${await t.app.getUrl()}/api/docs`);
      await page.locator('#operations-auth-login').waitFor({ timeout: 30_000 });
      expect(await page.locator('.opblock-tag').first().innerText()).toMatch(/^auth/);
      expect(await page.locator('.info .description').innerText()).toContain('Sign in:');

      await page.locator('button.authorize').first().click();
      const signIn = page.locator('.auth-container', { has: page.locator('#oauth_username') });
      await signIn.locator('#oauth_username').fill(email);
      await signIn.locator('#oauth_password').fill(password);
      await signIn.locator('button.authorize').click();
      // Signed in, the form gives way to a Logout button.
      await page
        .locator('.auth-container button', { hasText: 'Logout' })
        .waitFor({ timeout: 15_000 });
      await page.locator('.auth-btn-wrapper button.btn-done').first().click();

      const empty = await tryOperation(page, 'operations-credentials-listCredentials');
      expect(empty).toEqual({ status: '200', body: '[]' });

      // The prefilled example body works as it stands.
      const created = await tryOperation(page, 'operations-credentials-createCredential');
      expect(created.status).toBe('201');
      const { id, name } = JSON.parse(created.body) as { id: string; name: string };
      expect(name).toBe('My OpenAI API');

      const renamed = await tryOperation(page, 'operations-credentials-updateCredential', {
        params: { id },
        body: { name: 'Renamed in Swagger UI' },
      });
      expect(renamed.status).toBe('200');
      expect(JSON.parse(renamed.body)).toMatchObject({ id, name: 'Renamed in Swagger UI' });

      const listed = await tryOperation(page, 'operations-credentials-listCredentials');
      expect(JSON.parse(listed.body)).toEqual([
        expect.objectContaining({ id, name: 'Renamed in Swagger UI' }),
      ]);

      // The generated curl command repeats the bearer token: keep it out of the artifact.
      await page.addStyleTag({ content: '.curl-command { display: none !important; }' });
      const operation = page.locator('#operations-credentials-listCredentials');
      await operation.locator('.opblock-summary').first().click();
      const authorized = await page.evaluate<string>('localStorage.getItem("authorized")');
      const accessToken = (
        JSON.parse(authorized) as { signIn: { token: { access_token: string } } }
      ).signIn.token.access_token;
      ledger.add(accessToken);
      expect(await operation.innerText()).not.toContain(accessToken);
      mkdirSync(ARTIFACTS, { recursive: true });
      const screenshot = join(ARTIFACTS, 'swagger-ui-list-credentials.png');
      await operation.screenshot({ path: screenshot });
      expect(statSync(screenshot).size).toBeGreaterThan(1000);
      console.log(`Screenshot: ${screenshot}`);
    } finally {
      await context.close();
    }
  });
});
