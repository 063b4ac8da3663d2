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

  /** Expands an operation, presses "Try it out", optionally fills the JSON body, executes. */
  async function tryOperation(page: Page, id: string, body?: object): Promise<string> {
    const operation = page.locator(`#${id}`);
    await operation.locator('.opblock-summary').first().click();
    await operation.locator('button.try-out__btn').click();
    if (body) {
      await operation.locator('textarea.body-param__text').fill(JSON.stringify(body));
    }
    await operation.locator('button.execute').click();
    const status = operation
      .locator('.live-responses-table tr.response .response-col_status')
      .first();
    await status.waitFor({ timeout: 15_000 });
    // The cell holds the code, then "Undocumented" when the document lacks that status.
    return (await status.innerText()).trim().split(/\s+/)[0];
  }

  it('logs in with "Try it out", authorizes with the token, and lists credentials (200)', async () => {
    // A fresh browser context keeps storage in memory: the token never reaches a profile on disk.
    const context = await browser.newContext({ viewport: { width: 1280, height: 1000 } });
    const page = await context.newPage();
    try {
      await page.goto(`${await t.app.getUrl()}/api/docs`);
      await page.locator('#operations-auth-login').waitFor({ timeout: 30_000 });

      expect(await tryOperation(page, 'operations-auth-login', { email, password })).toBe('200');
      const responseText = await page
        .locator(
          '#operations-auth-login .live-responses-table tr.response .response-col_description pre',
        )
        .first()
        .innerText();
      const { accessToken } = JSON.parse(responseText) as { accessToken: string };
      ledger.add(accessToken);
      // Collapse the login so no token shows in the screenshot.
      await page.locator('#operations-auth-login .opblock-summary').first().click();

      await page.locator('button.authorize').first().click();
      await page.locator('.auth-container input').first().fill(accessToken);
      await page.locator('.auth-btn-wrapper button.authorize').click();
      await page.locator('.auth-btn-wrapper button.btn-done').click();

      expect(await tryOperation(page, 'operations-credentials-listCredentials')).toBe('200');
      const listed = await page
        .locator(
          '#operations-credentials-listCredentials .live-responses-table tr.response .response-col_description pre',
        )
        .first()
        .innerText();
      expect(JSON.parse(listed)).toEqual([]);

      // The generated curl command repeats the bearer token: keep it out of the artifact.
      await page.addStyleTag({ content: '.curl-command { display: none !important; }' });
      expect(
        await page.locator('#operations-credentials-listCredentials').innerText(),
      ).not.toContain(accessToken);
      mkdirSync(ARTIFACTS, { recursive: true });
      const screenshot = join(ARTIFACTS, 'swagger-ui-list-credentials.png');
      await page
        .locator('#operations-credentials-listCredentials')
        .screenshot({ path: screenshot });
      expect(statSync(screenshot).size).toBeGreaterThan(1000);
      console.log(`Screenshot: ${screenshot}`);
    } finally {
      await context.close();
    }
  });
});
